// The search worker fills its catalog from the library's store itself, a page at a time, so the page never
// holds the library's segments (issue 26); and it follows one item at a time afterwards. While it fills, a
// search without filters is answered from the store (store-answers.ts): samples, described results and
// item ids at once, and keyword hits from the store's keyword index, which needs no catalog. (The import
// in beforeAll leaves its segments to be indexed by keyword; the first fill does it.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteCatalog } from '../../src/search/catalog-client.ts';
import type { Trove } from '../../src/trove.ts';
import { syntheticItem, syntheticLibrary, type SyntheticOptions } from '../support/synthetic-library.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const ITEMS = 600;
const names = freshNames('catalog-load');
let trove: Trove;
let options: SyntheticOptions;
const catalog = new RemoteCatalog();

beforeAll(async () => {
  trove = await openTestTrove(names);
  options = {
    items: ITEMS,
    dims: { clip: 32, clap: 24, text: 16 },
    schemaVersion: trove.library.schemaVersion,
  };
  const parts: Uint8Array[] = [];
  for await (const part of syntheticLibrary(options)) parts.push(part.slice());
  await trove.importLibrary(new Blob(parts as BlobPart[]));
}, MAX_HOOK_TIME);

afterAll(async () => {
  catalog.terminate();
  await destroyTrove(trove, names);
}, MAX_HOOK_TIME);

describe('the search worker reads the store itself', () => {
  it(
    'loads every ready item with its keyed segments, a page at a time',
    async () => {
      let segments = 0;
      let ready = 0;
      for (let i = 0; i < ITEMS; i++) {
        const { item, segments: s } = syntheticItem(i, options);
        if (item.status !== 'ready') continue;
        ready++;
        segments += s.length;
      }
      expect(await catalog.loadLibrary(trove.library.name)).toBe(ready);
      expect(await catalog.size()).toBe(segments);
      const { hits } = await catalog.lexical('lighthouse', []);
      expect(hits.length).toBeGreaterThan(0);
      const [described] = await catalog.describe([{ key: hits[0]!.key }], 'lighthouse');
      expect(described!.snippet?.text).toMatch(/lighthouse/);
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'follows an item removed and an item re-read, and a reload replaces what it held',
    async () => {
      const { item, segments } = syntheticItem(ITEMS - 1, options);
      const before = await catalog.size();
      await trove.deleteItem(item.id);
      await catalog.loadItem(trove.library.name, item.id);
      expect(await catalog.size()).toBe(before - segments.length);
      await catalog.loadLibrary(trove.library.name);
      expect(await catalog.size()).toBe(before - segments.length);
      await catalog.clear();
      expect(await catalog.size()).toBe(0);
    },
    MAX_TEST_EXECUTION_TIME,
  );
});

describe('while the catalog fills, the store answers', () => {
  it(
    'samples, describes and names items from the store, with its keyword hits at once',
    async () => {
      const fresh = new RemoteCatalog();
      try {
        // Sent in the same task as the fill, so the worker takes each of them while it fills. This
        // library's keys run from 1 (imported into a fresh database), so keys 1..400 name segments.
        const keys = Array.from({ length: 400 }, (_, i) => i + 1);
        const fill = fresh.loadLibrary(trove.library.name);
        const [prepared, early, described, ids] = await Promise.all([
          fresh.prepare(['clip', 'clap', 'text'], undefined, 64),
          fresh.lexical('lighthouse', []),
          fresh.describe(
            keys.map((key) => ({ key })),
            'lighthouse',
          ),
          fresh.itemIds([1, 0]),
        ]);
        // Changed deliberately (issue 26): the keyword index is in the store, so its hits need no catalog.
        expect(early.pending).toBeUndefined();
        expect(early.hits.length).toBeGreaterThan(0);
        for (const space of ['clip', 'clap', 'text']) {
          const sample = prepared[space]!.sample;
          expect(prepared[space]!.allowed).toBeNull();
          expect(sample.length).toBeGreaterThan(16);
          expect(sample.length).toBeLessThanOrEqual(64);
          expect([...sample]).toEqual([...sample].sort((a, b) => a - b));
        }
        // Described from the store as the catalog describes them: ready items' segments, with snippets.
        expect(described.length).toBeGreaterThan(100);
        const withText = described.filter((d) => d.segment.text);
        expect(withText.length).toBeGreaterThan(0);
        expect(withText.every((d) => d.snippet && d.item.id === d.segment.itemId)).toBe(true);
        expect(ids).toEqual([described.find((d) => d.key === 1)?.item.id ?? expect.any(String), null]);

        // Filled: the catalog answers, keyword hits and all, and describes the same segments the same way.
        await fill;
        await fresh.loaded();
        const full = await fresh.lexical('lighthouse', []);
        expect(full).toEqual(early);
        expect(
          await fresh.describe(
            keys.map((key) => ({ key })),
            'lighthouse',
          ),
        ).toEqual(described);
        // The sample from the store spans the same keys as the catalog's: its keys are keys of the space.
        const catalogSample = (await fresh.prepare(['clap'], undefined, 64)).clap!.sample;
        const clapKeys = new Set(
          (
            await fresh.describe(
              [...catalogSample].map((key) => ({ key })),
              '',
            )
          ).map((d) => d.key),
        );
        expect(clapKeys.size).toBe(catalogSample.length);
        const early2 = await fresh.describe(
          [...prepared.clap!.sample].map((key) => ({ key })),
          '',
        );
        expect(early2.every((d) => d.segment.spaces.includes('clap'))).toBe(true);
      } finally {
        fresh.terminate();
      }
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'pauses the fill between pages while a search holds it, and goes on when it is released',
    async () => {
      const fresh = new RemoteCatalog();
      try {
        await fresh.hold();
        let filled = false;
        const fill = fresh.loadLibrary(trove.library.name).then(() => (filled = true));
        // The first page (256 of the items) is read, then the fill waits for the search.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(filled).toBe(false);
        // Keyword hits do not wait for the fill, with a filter or without: a filter needs the items, which
        // describe reads from the store meanwhile (the answer says the filter is still to be applied).
        const early = await fresh.lexical('lighthouse', []);
        expect(early.pending).toBeUndefined();
        expect(early.hits.length).toBeGreaterThan(0);
        const filters = { modalities: ['text' as const] };
        const withFilter = await fresh.lexical('lighthouse', [], filters);
        expect(filled).toBe(false);
        expect(withFilter.postFiltered).toBe(true);
        const described = await fresh.describe(
          withFilter.hits.map((h) => ({ key: h.key })),
          'lighthouse',
          undefined,
          filters,
        );
        expect(described.length).toBeGreaterThan(0);
        expect(described.length).toBeLessThan(withFilter.hits.length);
        expect(described.every((d) => d.modality === 'text')).toBe(true);
        await fresh.release();
        await fill;
        // Once the catalog is in, the filter is applied to the hits themselves.
        const { hits, postFiltered } = await fresh.lexical('lighthouse', [], filters);
        expect(postFiltered).toBeUndefined();
        expect(hits.length).toBeGreaterThanOrEqual(described.length);
      } finally {
        fresh.terminate();
      }
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
