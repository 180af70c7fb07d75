// The default engine (binary codes + exact int8 rescoring) and its parts, in Node with the in-memory
// vector file. Storage (IndexedDB, OPFS) and the worker are tested in the browser project.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClusteredVectors, exactTopK, recallAtK } from '../../bench/lib/clustered-vectors.ts';
import { BinaryRescoreIndex } from '../../src/vector-index/binary-rescore-index.ts';
import { ExactIndex } from '../../src/vector-index/exact-index.ts';
import { HammingKernel } from '../../src/vector-index/hamming-kernel.ts';
import { IdSlots } from '../../src/vector-index/id-slots.ts';
import { compileWat } from '../../src/vector-index/kernels/compile-wat.ts';
import { hammingWasmBase64 } from '../../src/vector-index/kernels/hamming-wasm.ts';
import { mulberry32 } from '../../src/vector-index/sign-codes.ts';

const dim = 32;

function dataset(n: number, seed = 7, d = dim) {
  const source = new ClusteredVectors({ dim: d, clusters: Math.max(4, Math.round(n / 100)), seed });
  const rows = source.sample(n);
  const ids = Uint32Array.from({ length: n }, (_, i) => 1000 + i * 3); // sparse, not slot numbers
  return { source, rows, ids };
}

function row(rows: Float32Array, r: number, d = dim): Float32Array {
  return rows.slice(r * d, (r + 1) * d);
}

describe('the WebAssembly kernel', () => {
  it('is the compiled form of hamming.wat', async () => {
    const wat = readFileSync(new URL('../../src/vector-index/kernels/hamming.wat', import.meta.url), 'utf8');
    const bytes = await compileWat(wat);
    expect(Buffer.from(bytes).toString('base64')).toBe(hammingWasmBase64);
  });

  for (const codeBytes of [8, 24, 64]) {
    it(`computes Hamming distances and keeps the nearest (${codeBytes * 8}-bit codes)`, () => {
      const n = codeBytes === 64 ? 20000 : 3000; // ≥ 64 × want takes the sampled cut, fewer the full histogram
      const kernel = new HammingKernel(codeBytes, 16);
      kernel.ensureCapacity(n);
      const random = mulberry32(codeBytes);
      const codes = kernel.codeWords();
      for (let i = 0; i < codes.length; i++) codes[i] = (random() * 2 ** 32) >>> 0;
      const query = kernel.queryWords();
      for (let i = 0; i < query.length; i++) query[i] = (random() * 2 ** 32) >>> 0;
      const words = codeBytes / 4;
      const expected = Array.from({ length: n }, (_, s) => {
        let d = 0;
        for (let w = 0; w < words; w++) d += popcount(codes[s * words + w]! ^ query[w]!);
        return d;
      });
      expect(Array.from(kernel.scan(n))).toEqual(expected);

      const want = 100;
      const nearest = Array.from(kernel.nearest(n, want, codeBytes * 8));
      expect(nearest).toHaveLength(want);
      expect(new Set(nearest).size).toBe(want);
      const cut = [...expected].sort((a, b) => a - b)[want - 1]!;
      for (const s of nearest) expect(expected[s]).toBeLessThanOrEqual(cut);
      const strictlyCloser = expected.filter((d) => d < cut).length;
      expect(nearest.filter((s) => expected[s]! < cut)).toHaveLength(strictlyCloser);
    });
  }
});

describe('the prefix plane', () => {
  it('scans the first 128 bits of each code and ranks a shortlist by full code', () => {
    const n = 5000;
    const kernel = new HammingKernel(64, 16);
    kernel.ensureCapacity(n);
    const random = mulberry32(99);
    const codes = kernel.codeWords();
    for (let i = 0; i < codes.length; i++) codes[i] = (random() * 2 ** 32) >>> 0;
    kernel.codesChanged(0, n);
    kernel.ensureCapacity(3 * n); // growing moves the plane; its contents must follow
    const query = kernel.queryWords();
    for (let i = 0; i < query.length; i++) query[i] = (random() * 2 ** 32) >>> 0;
    const words = kernel.codeWords();
    const distance = (s: number, upTo: number) => {
      let d = 0;
      for (let w = 0; w < upTo; w++) d += popcount(words[s * 16 + w]! ^ query[w]!);
      return d;
    };
    const prefix = Array.from({ length: n }, (_, s) => distance(s, 4));
    expect(Array.from(kernel.scanPrefix(n))).toEqual(prefix);
    const shortlist = kernel.nearest(n, 600, 128);
    const best = kernel.nearestOf(shortlist, 50);
    const full = Array.from(shortlist, (s) => distance(s, 16)).sort((a, b) => a - b);
    expect(best).toHaveLength(50);
    for (const s of best) expect(distance(s, 16)).toBeLessThanOrEqual(full[49]!);
  });
});

describe('the id → slot table', () => {
  it('agrees with a Map through inserts, updates and deletes', () => {
    const table = new IdSlots(4);
    const map = new Map<number, number>();
    const random = mulberry32(3);
    for (let step = 0; step < 20000; step++) {
      const id = Math.floor(random() * 3000) * 0x10001; // spread over the u32 range, with collisions
      const op = random();
      if (op < 0.5) {
        table.set(id >>> 0, step);
        map.set(id >>> 0, step);
      } else if (op < 0.8) {
        expect(table.delete(id >>> 0)).toBe(map.delete(id >>> 0));
      } else {
        expect(table.get(id >>> 0)).toBe(map.get(id >>> 0));
      }
    }
    expect(table.size).toBe(map.size);
    for (const [id, slot] of map) expect(table.get(id)).toBe(slot);
  });
});

describe('the binary-rescore engine', () => {
  it('agrees with exact search when every vector is rescored, with scores within int8 precision', async () => {
    const { source, rows, ids } = dataset(800);
    const index = new BinaryRescoreIndex({ dim, rerank: 1024 });
    const exact = new ExactIndex({ dim });
    await index.add(ids, rows);
    await exact.add(ids, rows);
    const queries = source.sample(20);
    for (let q = 0; q < 20; q++) {
      const got = await index.search(row(queries, q), 10);
      const want = await exact.search(row(queries, q), 10);
      expect(
        recallAtK(
          got.map((h) => h.id),
          want.map((h) => h.id),
        ),
      ).toBeGreaterThanOrEqual(0.9);
      const exactScore = new Map(want.map((h) => [h.id, h.score]));
      for (const hit of got)
        if (exactScore.has(hit.id)) expect(hit.score).toBeCloseTo(exactScore.get(hit.id)!, 2);
      for (let i = 1; i < got.length; i++) expect(got[i]!.score).toBeLessThanOrEqual(got[i - 1]!.score);
    }
  });

  it('finds the exact neighbours through the first pass when the collection is larger than rerank', async () => {
    const d = 64;
    const { source, rows, ids } = dataset(6000, 11, d);
    const index = new BinaryRescoreIndex({ dim: d, rerank: 400 });
    await index.add(ids, rows);
    const queries = source.sample(30);
    let recall = 0;
    for (let q = 0; q < 30; q++) {
      const got = (await index.search(row(queries, q, d), 10)).map((h) => h.id);
      const truth = exactTopK(rows, 6000, d, row(queries, q, d), 10).map((r) => ids[r]!);
      recall += recallAtK(got, truth) / 30;
    }
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps its recall when the 128-bit prefix scan shortlists (large collections)', async () => {
    const d = 256;
    const { source, rows, ids } = dataset(4000, 13, d);
    const index = new BinaryRescoreIndex({ dim: d, prefilter: 200, candidates: 150, rerank: 100 });
    await index.add(ids, rows);
    await index.remove(Array.from(ids.slice(0, 500))); // moved codes must move their prefixes too
    const queries = source.sample(30);
    let recall = 0;
    for (let q = 0; q < 30; q++) {
      const got = (await index.search(row(queries, q, d), 10)).map((h) => h.id);
      const truth = exactTopK(rows.subarray(500 * d), 3500, d, row(queries, q, d), 10).map(
        (r) => ids[r + 500]!,
      );
      recall += recallAtK(got, truth) / 30;
    }
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('really removes: removed ids never come back, and the moved vectors are still found', async () => {
    const { rows, ids } = dataset(500);
    const index = new BinaryRescoreIndex({ dim, rerank: 64 });
    await index.add(ids, rows);
    const gone = Array.from(ids.filter((_, i) => i % 3 === 0));
    expect(await index.remove([...gone, 999_999_999])).toBe(gone.length);
    expect(await index.size()).toBe(500 - gone.length);
    const goneSet = new Set(gone);
    for (let r = 0; r < 500; r++) {
      const hits = await index.search(row(rows, r), 5);
      for (const h of hits) expect(goneSet.has(h.id)).toBe(false);
      if (!goneSet.has(ids[r]!)) {
        expect(hits[0]!.id).toBe(ids[r]);
        expect(hits[0]!.score).toBeGreaterThan(0.999);
      }
    }
    expect(await index.remove(gone)).toBe(0);
  });

  it('replaces a vector added again under the same id', async () => {
    const { rows, ids } = dataset(200);
    const index = new BinaryRescoreIndex({ dim });
    await index.add(ids, rows);
    await index.add([ids[0]!], row(rows, 150));
    expect(await index.size()).toBe(200);
    const hits = await index.search(row(rows, 150), 2);
    expect(new Set(hits.map((h) => h.id))).toEqual(new Set([ids[0], ids[150]]));
    expect(hits[1]!.score).toBeGreaterThan(0.999);
  });

  it('applies include and exclude filters', async () => {
    const { rows, ids } = dataset(3000);
    const index = new BinaryRescoreIndex({ dim, rerank: 50 });
    await index.add(ids, rows);
    const q = row(rows, 5);
    const top = await index.search(q, 5);
    const excluded = await index.search(q, 5, { exclude: top.map((h) => h.id) });
    expect(excluded.some((h) => top.some((t) => t.id === h.id))).toBe(false);
    const include = Array.from(ids.filter((_, i) => i % 7 === 0));
    for (const subset of [include.slice(0, 40), include]) {
      const hits = await index.search(q, 5, { include: subset });
      expect(hits).toHaveLength(5);
      for (const h of hits) expect(subset).toContain(h.id);
    }
  });

  it('rejects bad input', async () => {
    const index = new BinaryRescoreIndex({ dim });
    await expect(index.add([1], new Float32Array(dim))).rejects.toThrow(/zero/);
    const mixed = new Float32Array(3 * dim).fill(0.5);
    mixed.fill(0, dim, 2 * dim);
    await expect(index.add([1, 2, 3], mixed)).rejects.toThrow(/vector 1 is zero/);
    expect(await index.size()).toBe(0); // nothing of the rejected batch was added
    const valid = mixed.slice(0, 2 * dim);
    valid.fill(0.5, dim).fill(-0.5, dim, dim + 3);
    await index.add([1, 2], valid);
    expect(await index.size()).toBe(2);
    expect((await index.search(valid.slice(dim), 1))[0]!.id).toBe(2);
    await expect(index.add([1, 2], new Float32Array(dim))).rejects.toThrow(/expected/);
    await expect(index.add([-1], new Float32Array(dim).fill(1))).rejects.toThrow(/ids/);
    await expect(index.search(new Float32Array(dim + 1), 3)).rejects.toThrow(/dims/);
    expect(await new BinaryRescoreIndex({ dim }).search(new Float32Array(dim).fill(1), 3)).toEqual([]);
  });
});

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24;
}
