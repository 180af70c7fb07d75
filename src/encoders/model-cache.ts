import { configuredRoles, resolveHost, type AnyRole, type ModelsConfig } from '../models/config';

// transformers.js keeps downloaded model files in Cache Storage under this name, keyed by file URL.
const CACHE_NAME = 'transformers-cache';

export interface CachedModel {
  role: AnyRole;
  model: string;
  files: string[];
  bytes: number;
}

/**
 * Where a role's cached files start: its model folder, for every revision (`…/<model>/resolve/`) in the Hub
 * layout, so files kept from before a revision was pinned (or changed) are still counted and deleted.
 */
function prefix(config: ModelsConfig, role: AnyRole, appUrl: string) {
  const { remoteHost, remotePathTemplate } = resolveHost(config, role, appUrl);
  const folder = remotePathTemplate
    .replace('{revision}/', '')
    .replaceAll('{model}', config.roles[role]!.model);
  return new URL(folder, remoteHost).href;
}

/** A cached file's path in its model folder: in the Hub layout, without `resolve/<revision>/`'s revision. */
function fileOf(url: string, prefix: string, config: ModelsConfig, role: AnyRole, appUrl: string) {
  const rest = url.slice(prefix.length);
  const revisioned = resolveHost(config, role, appUrl).remotePathTemplate.includes('{revision}');
  return revisioned ? rest.slice(rest.indexOf('/') + 1) : rest;
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
      files: mine.map((k) => fileOf(k.url, p, config, role, appUrl)),
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
