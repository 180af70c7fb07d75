// The browser side of the vector index benchmark. The page generates the clustered vectors and the exact
// ground truth, and drives the real worker (openVectorIndex) the way the app does; bench/sections/index.ts
// calls window.indexBench from Node.
import { ClusteredVectors } from '../lib/clustered-vectors.ts';
import { openVectorIndex, spawnVectorIndexWorker } from '../../src/vector-index/client.ts';
import type { EngineName, SearchHit } from '../../src/vector-index/types.ts';

const BATCH = 10_000;
const ROUNDS = 3;
const DEFAULT_CANDIDATES = 2048;
const DEFAULT_RERANK = 512;
// [candidates, rerank] pairs: Hamming cut, then exact rescoring of the best by code estimate.
const SWEEP = [
  [1024, 1024],
  [2048, 256],
  [2048, 384],
  [2048, 512],
  [4096, 512],
  [4096, 1024],
] as const;
const K = 10;

interface Prepared {
  n: number;
  dim: number;
  batches: Float32Array[];
  queries: Float32Array[];
  truth: number[][];
}

let prepared: Prepared | undefined;

export interface RunResult {
  engine: EngineName;
  n: number;
  added: number;
  failure?: string;
  addPerSecond?: number;
  p50?: number;
  p95?: number;
  recall?: number;
  residentBytes?: number;
  workerMemoryBytes?: number;
  persistedBytes?: number;
  estimateBytes?: number;
  persistMillis?: number;
  restoreMillis?: number;
  restoreInWorkerMillis?: number;
  restoredIdentical?: boolean;
  vectorCopy?: string;
  /** binary-rescore: median time in the worker per stage of a search. */
  stages?: { hammingMs: number; codeScoringMs: number; rescoreMs: number };
  /** binary-rescore at ≥ 100k: the same queries at other rerank depths. */
  sweep?: { candidates: number; rerank: number; p50: number; p95: number; recall: number }[];
}

function prepare(n: number, dim: number, queryCount: number): { millis: number } {
  const started = performance.now();
  prepared = undefined;
  const source = new ClusteredVectors({ dim, clusters: Math.max(10, Math.round(n / 1000)), seed: 2026 });
  const queries = Array.from({ length: queryCount }, () => source.sample(1));
  const best = queries.map(() => ({ ids: [] as number[], scores: [] as number[] }));
  const batches: Float32Array[] = [];
  for (let first = 0; first < n; first += BATCH) {
    const rows = source.sample(Math.min(BATCH, n - first));
    batches.push(rows);
    const count = rows.length / dim;
    queries.forEach((q, qi) => {
      const top = best[qi]!;
      for (let r = 0; r < count; r++) {
        let dot = 0;
        const o = r * dim;
        for (let i = 0; i < dim; i++) dot += q[i]! * rows[o + i]!;
        if (top.ids.length === K && dot <= top.scores[K - 1]!) continue;
        let j = top.ids.length;
        while (j > 0 && top.scores[j - 1]! < dot) j--;
        top.ids.splice(j, 0, first + r);
        top.scores.splice(j, 0, dot);
        if (top.ids.length > K) {
          top.ids.pop();
          top.scores.pop();
        }
      }
    });
    if ((first / BATCH) % 10 === 9) console.log(`generated ${first + count} of ${n}`);
  }
  prepared = { n, dim, batches, queries, truth: best.map((b) => b.ids) };
  return { millis: performance.now() - started };
}

async function workerMemory(): Promise<number | undefined> {
  const measure = (performance as { measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement> })
    .measureUserAgentSpecificMemory;
  if (!measure) return undefined;
  const result = await measure.call(performance);
  let bytes = 0;
  for (const entry of result.breakdown) {
    if (entry.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')) bytes += entry.bytes;
  }
  return bytes;
}
interface MemoryMeasurement {
  bytes: number;
  breakdown: { bytes: number; attribution: { url: string; scope: string }[]; types: string[] }[];
}

async function usage(): Promise<number> {
  return (await navigator.storage.estimate()).usage ?? 0;
}

const recallOf = (found: SearchHit[][], truth: number[][]) =>
  found.reduce((sum, hits, qi) => sum + hits.filter((h) => truth[qi]!.includes(h.id)).length / K, 0) /
  found.length;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function run(engine: EngineName): Promise<RunResult> {
  if (!prepared) throw new Error('prepare first');
  const { n, dim, batches, queries, truth } = prepared;
  const dbName = `bench-${engine}-${n}-${Date.now()}`;
  const options = { space: 'bench', dim, engine, dbName };
  const result: RunResult = { engine, n, added: 0 };
  let phase = 'open';
  let worker = spawnVectorIndexWorker();
  try {
    let { index } = await openVectorIndex(options, worker);
    const usageBefore = await usage();
    const addStarted = performance.now();
    try {
      for (const [b, rows] of batches.entries()) {
        const ids = Uint32Array.from({ length: rows.length / dim }, (_, i) => b * BATCH + i);
        await index.add(ids, rows);
        result.added += ids.length;
      }
    } catch (err) {
      result.failure = `add failed after ${result.added} vectors: ${String(err).slice(0, 160)}`;
      return result;
    }
    result.addPerSecond = n / ((performance.now() - addStarted) / 1000);
    console.log(`${engine} ${n}: added at ${Math.round(result.addPerSecond)}/s`);

    phase = 'search';
    for (const q of queries.slice(0, 5)) await index.search(q, K);
    // Best of ROUNDS rounds (by p50): other jobs on the 2 shared cores come and go, and the best round
    // is the closest to what the index costs on its own. Results are identical across rounds.
    let found: SearchHit[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const times: number[] = [];
      const hits: SearchHit[][] = [];
      const stages: { hammingMs: number; codeScoringMs: number; rescoreMs: number }[] = [];
      for (const q of queries) {
        const t = performance.now();
        hits.push(await index.search(q, K));
        times.push(performance.now() - t);
        const stage = await worker.api.lastSearchTimings('bench');
        if (stage) stages.push(stage);
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 0.5);
      if (result.p50 !== undefined && p50 >= result.p50) continue;
      found = hits;
      result.p50 = p50;
      result.p95 = percentile(times, 0.95);
      const median = (key: keyof (typeof stages)[number]) =>
        percentile(
          stages.map((x) => x[key]).sort((a, b) => a - b),
          0.5,
        );
      if (stages.length) {
        result.stages = {
          hammingMs: median('hammingMs'),
          codeScoringMs: median('codeScoringMs'),
          rescoreMs: median('rescoreMs'),
        };
      }
    }
    result.recall = recallOf(found, truth);
    if (engine === 'binary-rescore' && n >= 100_000) {
      result.sweep = [];
      for (const [candidates, depth] of SWEEP) {
        await worker.api.tune('bench', { candidates, rerank: depth });
        const t: number[] = [];
        const hits: SearchHit[][] = [];
        for (const q of queries) {
          const started = performance.now();
          hits.push(await index.search(q, K));
          t.push(performance.now() - started);
        }
        t.sort((a, b) => a - b);
        result.sweep.push({
          candidates,
          rerank: depth,
          p50: percentile(t, 0.5),
          p95: percentile(t, 0.95),
          recall: recallOf(hits, truth),
        });
      }
      await worker.api.tune('bench', { candidates: DEFAULT_CANDIDATES, rerank: DEFAULT_RERANK });
    }
    const stats = await index.stats();
    result.residentBytes = stats.residentBytes;
    result.vectorCopy = stats.vectorCopy;
    result.workerMemoryBytes = await workerMemory().catch(() => undefined);
    console.log(`${engine} ${n}: p50 ${result.p50!.toFixed(2)} ms, recall ${result.recall.toFixed(3)}`);

    phase = 'persist';
    const persistStarted = performance.now();
    const persisted = await index.persist();
    result.persistMillis = performance.now() - persistStarted;
    result.persistedBytes = persisted.persistedBytes;
    result.estimateBytes = (await usage()) - usageBefore;
    const before = await Promise.all(queries.slice(0, 10).map((q) => index.search(q, K)));

    worker.terminate();
    phase = 'restore';
    const restoreStarted = performance.now();
    worker = spawnVectorIndexWorker();
    const reopened = await openVectorIndex(options, worker);
    result.restoreMillis = performance.now() - restoreStarted;
    result.restoreInWorkerMillis = reopened.report.millis;
    index = reopened.index;
    const after = await Promise.all(queries.slice(0, 10).map((q) => index.search(q, K)));
    result.restoredIdentical = JSON.stringify(before) === JSON.stringify(after);
    console.log(`${engine} ${n}: restored in ${Math.round(result.restoreMillis)} ms`);
    await index.clear();
    return result;
  } catch (err) {
    result.failure ??= `${phase} failed: ${String(err).slice(0, 200)}`;
    return result;
  } finally {
    worker.terminate();
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  }
}

function release(): void {
  prepared = undefined;
}

declare global {
  interface Window {
    indexBench: { prepare: typeof prepare; run: typeof run; release: typeof release };
  }
}
window.indexBench = { prepare, run, release };
