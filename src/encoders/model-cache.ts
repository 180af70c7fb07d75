import { configuredRoles, modelFileUrl, type AnyRole, type ModelsConfig } from '../models/config';

// transformers.js keeps downloaded model files in Cache Storage under this name, keyed by file URL.
const CACHE_NAME = 'transformers-cache';

export interface CachedModel {
  role: AnyRole;
  model: string;
  files: string[];
  bytes: number;
}

function prefix(config: ModelsConfig, role: AnyRole, appUrl: string) {
  return modelFileUrl(config, role, '', appUrl);
}

export async function listCachedModels(config: ModelsConfig, appUrl = location.href): Promise<CachedModel[]> {
  const cache = await caches.open(CACHE_NAME);
  const keys = await cache.keys();
  const out: CachedModel[] = [];
  for (const role of configuredRoles(config)) {
    const p = prefix(config, role, appUrl);
    const mine = keys.filter((k) => k.url.startsWith(p));
    let bytes = 0;
    for (const k of mine) {
      const res = await cache.match(k);
      const length = Number(res?.headers.get('content-length'));
      bytes += Number.isFinite(length) && length > 0 ? length : ((await res?.blob())?.size ?? 0);
    }
    out.push({
      role,
      model: config.roles[role]!.model,
      files: mine.map((k) => k.url.slice(p.length)),
      bytes,
    });
  }
  return out;
}

export async function deleteCachedModel(
  config: ModelsConfig,
  role: AnyRole,
  appUrl = location.href,
): Promise<number> {
  const cache = await caches.open(CACHE_NAME);
  const p = prefix(config, role, appUrl);
  let removed = 0;
  for (const k of await cache.keys()) if (k.url.startsWith(p) && (await cache.delete(k))) removed++;
  return removed;
}
