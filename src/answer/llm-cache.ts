// The answer models WebLLM keeps in Cache Storage, for Settings: which are downloaded, their size, and
// deleting one. WebLLM stores files by URL in three caches: weights and tokenizer in "webllm/model",
// mlc-chat-config.json in "webllm/config", and the model library in "webllm/wasm".
import { DEFAULT_LLM_CONFIG, type LlmConfig } from '../models/llm-config.ts';
import { resolveCandidates, type ModelCandidate } from './choose-model.ts';

const CACHES = ['webllm/model', 'webllm/config', 'webllm/wasm'] as const;

export interface CachedAnswerModel {
  id: string;
  files: number;
  bytes: number;
}

/** The configured answer models with their URLs resolved (WebLLM is loaded for its model list). */
export async function answerModelCandidates(config: LlmConfig = DEFAULT_LLM_CONFIG, appUrl = location.href) {
  const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
  return resolveCandidates(config, prebuiltAppConfig.model_list, appUrl);
}

/** The candidates that have files in the cache, with their total size. */
export async function listCachedAnswerModels(candidates: ModelCandidate[]): Promise<CachedAnswerModel[]> {
  const out: CachedAnswerModel[] = [];
  for (const c of candidates) {
    let files = 0;
    let bytes = 0;
    for (const { cache, request } of await entriesOf(c)) {
      const res = await cache.match(request);
      const length = Number(res?.headers.get('content-length'));
      bytes += Number.isFinite(length) && length > 0 ? length : ((await res?.blob())?.size ?? 0);
      files++;
    }
    if (files) out.push({ id: c.id, files, bytes });
  }
  return out;
}

/** Deletes one model's files; returns how many were removed. */
export async function deleteCachedAnswerModel(candidate: ModelCandidate): Promise<number> {
  let removed = 0;
  for (const { cache, request } of await entriesOf(candidate)) if (await cache.delete(request)) removed++;
  return removed;
}

async function entriesOf(c: ModelCandidate) {
  // WebLLM reads weights from `<model>/resolve/main/` (it appends that when the URL lacks it).
  const base = c.record.model.replace(/\/?$/, '/');
  const prefix = /\/resolve\/[^/]+\/$/.test(base) ? base : `${base}resolve/main/`;
  const entries: { cache: Cache; request: Request }[] = [];
  for (const name of CACHES) {
    if (!(await caches.has(name))) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys())
      if (request.url.startsWith(prefix) || request.url === c.record.model_lib)
        entries.push({ cache, request });
  }
  return entries;
}
