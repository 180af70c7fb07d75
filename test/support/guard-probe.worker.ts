/// <reference lib="webworker" />
// The answer worker's fetch guard on its own (as workers/llm.worker.ts installs it), fetching one file through
// each of WebLLM's two doors: Cache.prototype.add (configs, tokenizer, weights) and fetch (model libraries).
import { installWorkerFetchGuard, type GuardReport } from '../../src/answer/worker-guard.ts';

export interface GuardProbe {
  origins: string[];
  sha256: Record<string, string>;
  url: string;
  cacheName: string;
}

export interface GuardProbeResult {
  /** "stored", or the error Cache.add rejected with. */
  add: string;
  /** "read <bytes>", or the error reading the fetched body rejected with. */
  fetched: string;
  reports: GuardReport[];
}

const describe = (err: unknown) => `${(err as Error).name}: ${(err as Error).message}`;

self.onmessage = async (event: MessageEvent<GuardProbe>) => {
  const { origins, sha256, url, cacheName } = event.data;
  const reports: GuardReport[] = [];
  installWorkerFetchGuard(origins, (r) => reports.push(r), sha256);
  const cache = await caches.open(cacheName);
  const add = await cache.add(url).then(() => 'stored', describe);
  const fetched = await fetch(url)
    .then((r) => r.arrayBuffer())
    .then((b) => `read ${b.byteLength}`, describe);
  self.postMessage({ add, fetched, reports } satisfies GuardProbeResult);
};
