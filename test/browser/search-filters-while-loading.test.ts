// A search with filters made while the search worker's catalog is still being filled (the first minutes
// after opening a large library) is answered from the store, not after the fill: its results are filtered
// by their items as read from the store, the answer says so (pending: 'filters') and is asked again once
// the catalog is in. A query of filters alone reads items newest first from the store until enough pass.
// Compared here with the catalog's own answers, on a 600-item synthetic library in IndexedDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemFilter, SearchCatalog } from '../../src/search/catalog.ts';
import { prepareQueries } from '../../src/search/fan-out.ts';
import type { SearchFilters } from '../../src/search/query.ts';
import { StoreAnswers } from '../../src/search/store-answers.ts';
import type { Trove } from '../../src/trove.ts';
import { SearchService } from '../../src/ui/state/search-service.ts';
import { syntheticLibraryBlob } from '../support/synthetic-library.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const names = freshNames('filters-loading');
let trove: Trove;
const services: SearchService[] = [];
/** The catalog as the search worker fills it, here in the test's thread. */
const catalog = new SearchCatalog();

beforeAll(async () => {
  trove = await openTestTrove(names);
  await trove.importLibrary(
    await syntheticLibraryBlob({
      items: 600,
      dims: { clip: 32, clap: 24, text: 16 },
      schemaVersion: trove.library.schemaVersion,
    }),
  );
  for await (const page of trove.library.itemPages()) {
    const ready = page.filter(({ item }) => item.status === 'ready');
    catalog.upsertItems(
      ready.map(({ item, segments }) => ({
        item,
        segments: segments.flatMap((s) => (s.key === undefined ? [] : [{ key: s.key, segment: s }])),
      })),
    );
  }
  await prepareQueries(trove.encoders.forQueries);
}, MAX_HOOK_TIME);

afterAll(async () => {
  await destroyTrove(trove, names);
  for (const s of services) s.terminate();
}, MAX_HOOK_TIME);

const year = (y: number) => Date.UTC(y, 0, 1);
const cases: [string, SearchFilters][] = [
  ['videos', { modalities: ['video'] }],
  ['recordings of 2019', { modalities: ['audio'], date: { from: year(2019), to: year(2020) - 1 } }],
  ['anything before 2015', { date: { to: year(2015) - 1 } }],
  ['pictures by their file date', { modalities: ['image'], date: { from: year(2020), by: 'file' } }],
];

describe('filters before the catalog is in', () => {
  it('a query of filters alone, from the store, lists what the catalog lists', async () => {
    const store = new StoreAnswers(Promise.resolve(trove.library));
    for (const [name, filters] of cases) {
      expect((await catalog.browse(filters, 30)).length, name).toBeGreaterThan(0);
      for (const limit of [0, 1, 7, 30]) {
        const fromStore = await store.browse(filters, limit);
        expect(fromStore, `${name}, ${limit}`).toEqual(await catalog.browse(filters, limit));
      }
    }
  });

  it('describes only the segments of items that pass', async () => {
    const store = new StoreAnswers(Promise.resolve(trove.library));
    const keys = [...Array(400).keys()].map((i) => i * 13 + 1);
    for (const [name, filters] of cases) {
      const described = await store.describe(
        keys.map((key) => ({ key })),
        '',
        { items: 20, perItem: 2 },
        filters,
      );
      const pass = itemFilter(filters);
      expect(described.length, name).toBeGreaterThan(0);
      expect(
        described.every((d) => pass(d.item)),
        name,
      ).toBe(true);
      expect(new Set(described.map((d) => d.item.id)).size, name).toBeLessThanOrEqual(20);
      expect(described, name).toEqual(
        await catalog.describe(
          keys.map((key) => ({ key })),
          '',
          { items: 20, perItem: 2 },
          filters,
        ),
      );
    }
  });

  it(
    'a search with filters is answered while the catalog fills, says so, and is whole once it is in',
    async () => {
      const service = new SearchService(trove);
      services.push(service);
      const query = { text: 'lighthouse', filters: { modalities: ['text' as const] }, limit: 30 };
      const first = await service.search(query);
      expect(first.pending).toBe('filters');
      expect(first.items.length).toBeGreaterThan(0);
      expect(first.items.every((i) => i.modality === 'text')).toBe(true);
      await service.whenLoaded();
      const whole = await service.search(query);
      expect(whole.pending).toBeUndefined();
      expect(whole.items.every((i) => i.modality === 'text')).toBe(true);
      expect(whole.items.length).toBeGreaterThanOrEqual(first.items.length);
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
