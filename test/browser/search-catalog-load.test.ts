// The search worker fills its catalog from the library's store itself, a page at a time, so the page never
// holds the library's segments (issue 26); and it follows one item at a time afterwards.
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
