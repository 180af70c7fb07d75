// The vector index in its real home: a module worker in Chromium, with IndexedDB and an OPFS file.
// "Reload" means terminating the worker (as closing the tab does) and opening the space in a new one.
// The test browser context is incognito-like, where each OPFS read is an IPC round trip (~0.4 ms), so
// these tests rescore few candidates; speed is measured by `npm run bench` in a persistent profile.
import { afterEach, describe, expect, it } from 'vitest';
import { ClusteredVectors, exactTopK, recallAtK } from '../../bench/lib/clustered-vectors.ts';
import { BinaryRescoreIndex } from '../../src/vector-index/binary-rescore-index.ts';
import {
  openVectorIndex,
  spawnVectorIndexWorker,
  type VectorIndexWorker,
} from '../../src/vector-index/client.ts';
import type { OpenIndexOptions } from '../../src/vector-index/create-index.ts';
import type { SearchHit, VectorIndex } from '../../src/vector-index/types.ts';
import { VectorStore } from '../../src/vector-index/vector-store.ts';

const dim = 32;
const workers: VectorIndexWorker[] = [];
let dbCounter = 0;

afterEach(() => {
  for (const w of workers.splice(0)) w.terminate();
});

function freshOptions(extra: Partial<OpenIndexOptions> = {}): OpenIndexOptions {
  return {
    space: 'clip',
    dim,
    dbName: `vector-index-test-${Date.now()}-${dbCounter++}`,
    chunkSize: 256,
    rerank: 64,
    ...extra,
  };
}

async function open(options: OpenIndexOptions) {
  const worker = spawnVectorIndexWorker();
  workers.push(worker);
  const opened = await openVectorIndex(options, worker);
  return { ...opened, worker };
}

function data(n: number, seed = 5) {
  const source = new ClusteredVectors({ dim, clusters: Math.max(4, Math.round(n / 100)), seed });
  const rows = source.sample(n);
  const ids = Uint32Array.from({ length: n }, (_, i) => 7 + i * 2);
  return { source, rows, ids, queries: source.sample(10) };
}

const row = (rows: Float32Array, r: number) => rows.slice(r * dim, (r + 1) * dim);

async function searchAll(index: VectorIndex, queries: Float32Array, k = 10): Promise<SearchHit[][]> {
  const out: SearchHit[][] = [];
  for (let q = 0; q < queries.length / dim; q++) out.push(await index.search(row(queries, q), k));
  return out;
}

describe('the vector index worker (binary-rescore, OPFS + IndexedDB)', () => {
  it('agrees with exact search, reading vectors from its OPFS copy', async () => {
    const { rows, ids, queries } = data(3000);
    const { index, report } = await open(freshOptions({ rerank: 300 }));
    expect(report).toMatchObject({ count: 0, rebuilt: false });
    await index.add(ids, rows);
    expect(await index.size()).toBe(3000);
    const stats = await index.stats();
    expect(stats.vectorCopy).toBe('opfs');
    let recall = 0;
    const results = await searchAll(index, queries);
    results.forEach((hits, q) => {
      const truth = exactTopK(rows, 3000, dim, row(queries, q), 10).map((r) => ids[r]!);
      recall +=
        recallAtK(
          hits.map((h) => h.id),
          truth,
        ) / results.length;
      for (const h of hits) {
        const r = (h.id - 7) / 2;
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += rows[r * dim + i]! * queries[q * dim + i]!;
        expect(h.score).toBeCloseTo(dot, 2);
      }
    });
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('gives identical results after persist → reload → restore, and keeps removals', async () => {
    const options = freshOptions();
    const { rows, ids, queries } = data(2000);
    const first = await open(options);
    await first.index.add(ids, rows);
    const removed = Array.from(ids.slice(100, 400));
    expect(await first.index.remove(removed)).toBe(300);
    const persisted = await first.index.persist();
    expect(persisted.chunksWritten).toBeGreaterThan(1);
    const before = await searchAll(first.index, queries);
    first.worker.terminate();

    const second = await open(options);
    expect(second.report).toMatchObject({ count: 1700, rebuilt: false });
    expect(second.report.message).toBeUndefined();
    expect(await searchAll(second.index, queries)).toEqual(before);
    const removedSet = new Set(removed);
    for (const r of [100, 250, 399]) {
      const hits = await second.index.search(row(rows, r), 20);
      expect(hits.some((h) => removedSet.has(h.id))).toBe(false);
    }
    expect((await second.index.stats()).persistedBytes).toBe(persisted.persistedBytes);
  });

  it('answers a search sent during an add with the index before or after the whole add', async () => {
    const { rows, ids, source } = data(1000);
    const batch = source.sample(4000);
    const batchIds = Uint32Array.from({ length: 4000 }, (_, i) => 100_000 + i);
    const { index } = await open(freshOptions({ persistent: false }));
    await index.add(ids, rows);
    // The same engine in the page, at the two states a search may see.
    const beforeIndex = new BinaryRescoreIndex({ dim, rerank: 64 });
    await beforeIndex.add(ids, rows);
    const afterIndex = new BinaryRescoreIndex({ dim, rerank: 64 });
    await afterIndex.add(ids, rows);
    await afterIndex.add(batchIds, batch);
    const queries = [row(batch, 0), row(batch, 1), row(rows, 3)];

    const adding = index.add(batchIds, batch);
    const during = await Promise.all(queries.map((q) => index.search(q, 10)));
    await adding;
    for (const [i, q] of queries.entries()) {
      const before = await beforeIndex.search(q, 10);
      const after = await afterIndex.search(q, 10);
      expect([before, after]).toContainEqual(during[i]);
    }
    expect(await index.size()).toBe(5000);
  });

  it('detects a corrupt stored index, rebuilds it from the stored vectors and says so', async () => {
    const options = freshOptions();
    const { rows, ids, queries } = data(1500);
    const first = await open(options);
    await first.index.add(ids, rows);
    await first.index.persist();
    const before = await searchAll(first.index, queries);
    first.worker.terminate();

    const store = await VectorStore.open(options.dbName);
    const key: [string, 'idx', number] = ['clip', 'idx', 2];
    const chunk = (await store.raw.get('chunks', key))!;
    new Uint8Array(chunk.data)[17]! ^= 0xff;
    await store.raw.put('chunks', chunk, key);
    store.close();

    const second = await open(options);
    expect(second.report.rebuilt).toBe(true);
    expect(second.report.count).toBe(1500);
    expect(second.report.message).toMatch(/chunk 2 fails its checksum.*rebuilt the index of 1500 vectors/);
    expect(await searchAll(second.index, queries)).toEqual(before);
    second.worker.terminate();

    // The rebuilt index was stored again: the next start is clean.
    const third = await open(options);
    expect(third.report).toMatchObject({ count: 1500, rebuilt: false });
  });

  it('detects a half-written stored index (chunks missing or newer than the manifest) and rebuilds it', async () => {
    const options = freshOptions();
    const { rows, ids, queries } = data(1500);
    const first = await open(options);
    await first.index.add(ids, rows);
    await first.index.persist();
    const before = await searchAll(first.index, queries);
    first.worker.terminate();

    const store = await VectorStore.open(options.dbName);
    await store.raw.delete('chunks', ['clip', 'idx', 5]);
    store.close();
    const second = await open(options);
    expect(second.report.rebuilt).toBe(true);
    expect(second.report.message).toMatch(/interrupted/);
    expect(await searchAll(second.index, queries)).toEqual(before);
    second.worker.terminate();

    const again = await VectorStore.open(options.dbName);
    const key: [string, 'idx', number] = ['clip', 'idx', 1];
    const chunk = (await again.raw.get('chunks', key))!;
    await again.raw.put('chunks', { ...chunk, generation: chunk.generation + 1 }, key);
    again.close();
    const third = await open(options);
    expect(third.report.rebuilt).toBe(true);
    expect(third.report.message).toMatch(/newer than its manifest/);
    expect(await searchAll(third.index, queries)).toEqual(before);
  });

  it('drops unpersisted changes on reload and rewrites its OPFS copy from IndexedDB', async () => {
    const options = freshOptions();
    const { rows, ids, queries, source } = data(1000);
    const first = await open(options);
    await first.index.add(ids, rows);
    await first.index.persist();
    const before = await searchAll(first.index, queries);
    // Changes that never reach IndexedDB: they rewrite slots of the OPFS copy in place.
    await first.index.remove(Array.from(ids.slice(0, 300)));
    await first.index.add(
      Uint32Array.from({ length: 500 }, (_, i) => 50_000 + i),
      source.sample(500),
    );
    first.worker.terminate();

    const second = await open(options);
    expect(second.report).toMatchObject({ count: 1000, rebuilt: false });
    expect(second.report.message).toMatch(/OPFS copy .* rewritten/);
    expect(await searchAll(second.index, queries)).toEqual(before);
  });

  it('clears a space in memory and in storage', async () => {
    const options = freshOptions();
    const { rows, ids } = data(300);
    const first = await open(options);
    await first.index.add(ids, rows);
    await first.index.persist();
    await first.index.clear();
    expect(await first.index.size()).toBe(0);
    first.worker.terminate();
    const second = await open(options);
    expect(second.report.count).toBe(0);
  });
});

describe('a stored index of another size', () => {
  it('is replaced when it is empty, and refused when it holds vectors', async () => {
    const empty = freshOptions();
    const first = await open({ ...empty, dim: 16 });
    await first.index.persist();
    first.worker.terminate();
    const replaced = await open(empty);
    expect(replaced.report).toMatchObject({ count: 0, rebuilt: false });
    const { rows, ids } = data(50);
    await replaced.index.add(ids, rows);
    expect(await replaced.index.size()).toBe(50);

    const full = freshOptions();
    const small = await open({ ...full, dim: 16 });
    await small.index.add(
      Uint32Array.of(1, 2),
      Float32Array.from({ length: 32 }, (_, i) => (i % 3) - 1),
    );
    await small.index.persist();
    small.worker.terminate();
    await expect(open(full)).rejects.toThrow(/stored index of space "clip" is binary-rescore with 16 dims/);
  });
});

describe('the voy engine behind the same interface', () => {
  it('adds, finds with real cosine scores, replaces, removes, persists and restores', async () => {
    const options = freshOptions({ engine: 'voy' });
    const { rows, ids, queries } = data(500);
    const first = await open(options);
    await first.index.add(ids, rows);
    await first.index.add(ids.slice(0, 10), rows.slice(0, 10 * dim)); // again: no duplicates
    expect(await first.index.size()).toBe(500);
    const results = await searchAll(first.index, queries);
    let recall = 0;
    results.forEach((hits, q) => {
      expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
      const truth = exactTopK(rows, 500, dim, row(queries, q), 10).map((r) => ids[r]!);
      recall +=
        recallAtK(
          hits.map((h) => h.id),
          truth,
        ) / results.length;
      for (const h of hits) {
        const r = (h.id - 7) / 2;
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += rows[r * dim + i]! * queries[q * dim + i]!;
        expect(h.score).toBeCloseTo(dot, 5);
      }
    });
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(await first.index.remove([ids[0]!, ids[1]!])).toBe(2);
    const self = await first.index.search(row(rows, 0), 3);
    expect(self.map((h) => h.id)).not.toContain(ids[0]);
    await first.index.persist();
    const before = await searchAll(first.index, queries);
    first.worker.terminate();

    const second = await open(options);
    expect(second.report).toMatchObject({ count: 498, rebuilt: false });
    expect(await searchAll(second.index, queries)).toEqual(before);
  });
});
