// The browser side of the search benchmark: a synthetic library of `n` segments across the three spaces
// (CLIP frames and images 512-d, CLAP windows 512-d, text chunks and transcripts 384-d with words for
// BM25), in the real vector index worker (default engine, persisted as in the app) and the real search
// worker, searched by Searcher.searchPlan: everything after the encoders.
import { ClusteredVectors } from '../lib/clustered-vectors.ts';
import {
  openVectorIndex,
  spawnVectorIndexWorker,
  type VectorIndexWorker,
} from '../../src/vector-index/client.ts';
import type { VectorIndex } from '../../src/vector-index/types.ts';
import { RemoteCatalog } from '../../src/search/catalog-client.ts';
import { Searcher } from '../../src/search/searcher.ts';
import { BANK_PHRASES, referenceBank, type ReferenceBank } from '../../src/search/query-bank.ts';
import type { CatalogSegment } from '../../src/search/catalog.ts';
import type { QueryPlan } from '../../src/search/fan-out.ts';
import type { SearchFilters } from '../../src/search/query.ts';
import type { ItemRecord, SegmentRecord, Space } from '../../src/library/records.ts';
import { mulberry32 } from '../../src/vector-index/sign-codes.ts';
import { createEncoders } from '../../src/encoders/encoders.ts';
import type { ModelsConfig } from '../../src/models/config.ts';

const DIMS: Record<Space, number> = { clip: 512, clap: 512, text: 384 };
/** Shares of the segments per space: frames and images, sound windows, text. */
const SHARE: Record<Space, number> = { clip: 0.4, clap: 0.3, text: 0.3 };
const VOCABULARY = 50_000;
/** Zipf ranks below this are the stop words, which the keyword index drops anyway. */
const STOP_RANKS = 100;
const WORDS_PER_SEGMENT = 60;

interface State {
  worker: VectorIndexWorker;
  catalog: RemoteCatalog;
  indexes: Record<Space, VectorIndex>;
  sources: Record<Space, ClusteredVectors>;
  dbName: string;
  random: () => number;
}

let state: State | undefined;

/**
 * A content word ("w1234") drawn by Zipf's law (probability ∝ 1/rank) over the vocabulary without its stop
 * words, as the words of a real text after stop-word removal: a few in several % of segments, most rare.
 */
function word(random: () => number): string {
  const lo = Math.log(STOP_RANKS);
  return `w${Math.floor(Math.exp(lo + random() * (Math.log(VOCABULARY) - lo)))}`;
}

/** A library of `n` segments; `dims` gives other models' dimensions (the default is the shipped models'). */
async function prepare(
  n: number,
  dims: Record<Space, number> = DIMS,
): Promise<{ millis: number; counts: Record<Space, number> }> {
  const started = performance.now();
  await release();
  const random = mulberry32(2026);
  const worker = spawnVectorIndexWorker();
  const dbName = `search-bench-${Date.now()}`;
  const indexes = {} as Record<Space, VectorIndex>;
  const sources = {} as Record<Space, ClusteredVectors>;
  const counts = {} as Record<Space, number>;
  for (const space of ['clip', 'clap', 'text'] as const) {
    indexes[space] = (await openVectorIndex({ space, dim: dims[space], dbName }, worker)).index;
    counts[space] = Math.round(n * SHARE[space]);
    sources[space] = new ClusteredVectors({
      dim: dims[space],
      clusters: Math.max(10, Math.round(counts[space] / 1000)),
      seed: dims[space] + counts[space],
    });
  }
  const catalog = new RemoteCatalog();
  // Items of 10 segments, all of one space: a video's frames, an audio file's windows, a document's chunks.
  let key = 1;
  const kinds: Record<Space, SegmentRecord['kind']> = {
    clip: 'frame',
    clap: 'audio-window',
    text: 'text-chunk',
  };
  const itemKinds: Record<Space, ItemRecord['kind']> = { clip: 'video', clap: 'audio', text: 'text' };
  for (const space of ['clip', 'clap', 'text'] as const) {
    for (let first = 0; first < counts[space]; first += 10_000) {
      const count = Math.min(10_000, counts[space] - first);
      const keys = Uint32Array.from({ length: count }, () => key++);
      await indexes[space].add(keys, sources[space].sample(count));
      const batch: { item: ItemRecord; segments: CatalogSegment[] }[] = [];
      for (let i = 0; i < count; i += 10) {
        const id = `${space}-${first + i}`;
        const item: ItemRecord = {
          id,
          name: id,
          kind: itemKinds[space],
          mime: '',
          size: 1,
          mtime: Date.UTC(2020, 0, 1) + Math.floor(random() * 5 * 365) * 86_400_000,
          folderPath: random() < 0.5 ? 'a' : 'b',
          status: 'ready',
          addedAt: 0,
          updatedAt: 0,
        };
        const segments = Array.from(keys.subarray(i, i + 10), (k, j) => {
          const segment: SegmentRecord = {
            id: `${id}:${j}`,
            itemId: id,
            kind: kinds[space],
            spaces: [space],
            t0: j * 2,
            t1: j * 2 + 2,
          };
          if (space === 'text') {
            segment.text = Array.from({ length: WORDS_PER_SEGMENT }, () => word(random)).join(' ');
            delete segment.t0;
            delete segment.t1;
          }
          return { key: k, segment };
        });
        batch.push({ item, segments });
      }
      await catalog.upsertItems(batch);
    }
    await indexes[space].persist();
  }
  state = { worker, catalog, indexes, sources, dbName, random };
  return { millis: performance.now() - started, counts };
}

export interface SearchRun {
  label: string;
  queries: number;
  p50: number;
  p95: number;
  meanItems: number;
  /** Median of the searcher's own split: searching (indexes, BM25, negatives) and fusing (fusion, describe, grouping). */
  searchP50: number;
  fuseP50: number;
  /** For comparison, each alone: one top-100 k-NN search per space back to back; scoring the background
   * samples (256 per space); BM25 in the search worker; the catalog's filter/sample answer. */
  bareP50: number;
  sampleP50: number;
  bm25P50: number;
  prepareP50: number;
}

async function run(
  label: string,
  count: number,
  options: { negatives?: boolean; filters?: SearchFilters; nearDuplicates?: boolean },
): Promise<SearchRun> {
  const s = state!;
  // Near-duplicate grouping reads each result's stored vectors; the app reads them from IndexedDB in one
  // transaction, the bench draws vectors of the right size in memory, so that read is not timed here.
  const segmentVectors = options.nearDuplicates
    ? (keys: number[]) =>
        Promise.resolve(
          keys.map((k) => {
            const space = (['clip', 'clap', 'text'] as const)[k % 3]!;
            return { [space]: s.sources[space].sample(1) };
          }),
        )
    : undefined;
  const searcher = new Searcher({
    encoders: null as never,
    indexes: s.indexes,
    catalog: s.catalog,
    ...(segmentVectors ? { segmentVectors } : {}),
  });
  const plans: QueryPlan[] = Array.from({ length: count + 5 }, () => {
    const negatives = options.negatives ? [word(s.random)] : [];
    return {
      spaces: (['clip', 'clap', 'text'] as const).map((space) => ({
        space,
        vector: s.sources[space].sample(1),
        weight: 1,
        sources: ['text' as const],
        negatives: negatives.map(() => s.sources[space].sample(1)),
        // One null query and one reference bank per space, as in the app (fixed per encoder, so what they
        // score on the sample is kept between searches).
        nullVector: nullVectors(space),
        bank: banks(space),
      })),
      lexical: { text: `${word(s.random)} ${word(s.random)}`, weight: 1 },
      negatives,
    };
  });
  const times: number[] = [];
  const searchTimes: number[] = [];
  const fuseTimes: number[] = [];
  const bare: number[] = [];
  const sampleTimes: number[] = [];
  const bm25Times: number[] = [];
  const prepareTimes: number[] = [];
  let items = 0;
  for (const [i, plan] of plans.entries()) {
    const t = performance.now();
    const res = await searcher.searchPlan(plan, options.filters, 20);
    // The first few warm the caches (null-query scores, JIT) as a session's first search would.
    if (i >= 5) {
      times.push(performance.now() - t);
      searchTimes.push(res.timings.search);
      fuseTimes.push(res.timings.fuse);
      items += res.items.length;
      let b = performance.now();
      for (const q of plan.spaces) await s.indexes[q.space].search(q.vector, 100);
      bare.push(performance.now() - b);
      b = performance.now();
      const prepared = await s.catalog.prepare(['clip', 'clap', 'text'], options.filters, 256);
      prepareTimes.push(performance.now() - b);
      b = performance.now();
      for (const q of plan.spaces)
        await s.indexes[q.space].search(q.vector, 256, { include: prepared[q.space]!.sample });
      sampleTimes.push(performance.now() - b);
      b = performance.now();
      await s.catalog.lexical(plan.lexical.text, plan.negatives, options.filters, 200);
      bm25Times.push(performance.now() - b);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  times.sort((a, b) => a - b);
  return {
    label,
    queries: count,
    p50: times[Math.floor(count / 2)]!,
    p95: times[Math.floor(count * 0.95)]!,
    meanItems: items / count,
    searchP50: median(searchTimes),
    fuseP50: median(fuseTimes),
    bareP50: median(bare),
    sampleP50: median(sampleTimes),
    bm25P50: median(bm25Times),
    prepareP50: median(prepareTimes),
  };
}

export interface EncodedRun {
  queries: number;
  p50: number;
  p95: number;
  /** Median of the encoders' share (the three text encoders, in their workers). */
  encodeP50: number;
  /** The first query, with the text encoders loaded from Cache Storage (the model files were fetched before). */
  firstMs: number;
}

/**
 * Whole searches, words in and results out, with the encoders of `config` in their real workers (as the app
 * has them) over the prepared library: what a user's query costs at this library size, less the UI.
 */
async function runEncoded(config: ModelsConfig, texts: string[]): Promise<EncodedRun> {
  const s = state!;
  const encoders = createEncoders(config, { prefer: 'wasm' });
  try {
    const searcher = new Searcher({ encoders, indexes: s.indexes, catalog: s.catalog });
    let t = performance.now();
    await searcher.search({ text: 'a first query', limit: 20 });
    const firstMs = performance.now() - t;
    for (const warm of ['warm one', 'warm two']) await searcher.search({ text: warm, limit: 20 });
    const times: number[] = [];
    const encode: number[] = [];
    for (const text of texts) {
      t = performance.now();
      const res = await searcher.search({ text, limit: 20 });
      times.push(performance.now() - t);
      encode.push(res.timings.encode);
    }
    const at = (xs: number[], p: number) =>
      [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
    return {
      queries: texts.length,
      p50: at(times, 0.5),
      p95: at(times, 0.95),
      encodeP50: at(encode, 0.5),
      firstMs,
    };
  } finally {
    encoders.terminate();
  }
}

const nulls = new Map<Space, Float32Array>();
const bankOf = new Map<Space, ReferenceBank>();
function banks(space: Space): ReferenceBank {
  if (!bankOf.has(space)) {
    bankOf.set(space, referenceBank(Array.from(BANK_PHRASES, () => state!.sources[space].sample(1))));
  }
  return bankOf.get(space)!;
}
function nullVectors(space: Space): Float32Array {
  if (!nulls.has(space)) nulls.set(space, state!.sources[space].sample(1));
  return nulls.get(space)!;
}

async function release(): Promise<void> {
  if (!state) return;
  const { worker, catalog, indexes, dbName } = state;
  for (const index of Object.values(indexes)) await index.clear().catch(() => undefined);
  worker.terminate();
  catalog.terminate();
  nulls.clear();
  bankOf.clear();
  state = undefined;
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = req.onerror = req.onblocked = resolve;
  });
}

declare global {
  interface Window {
    searchBench: {
      prepare: typeof prepare;
      run: typeof run;
      runEncoded: typeof runEncoded;
      release: typeof release;
    };
  }
}
window.searchBench = { prepare, run, runEncoded, release };
