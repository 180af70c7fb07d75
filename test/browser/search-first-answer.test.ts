// The first search after an import does not wait for the search catalog nor for the keyword index (issue
// 26): an import leaves its segments to be indexed by keyword after it (src/library/postings.ts), and
// while the search worker does that, SearchService's answer comes from the store, by meaning only, and
// says that its keyword matches are pending; SearchState then asks again once the library is loaded,
// without going back to "Searching…", and the keyword matches fill in. (A library opened again has its
// keyword index already: test/browser/keyword-store.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareQueries } from '../../src/search/fan-out.ts';
import type { Trove } from '../../src/trove.ts';
import { SearchService } from '../../src/ui/state/search-service.ts';
import { SearchState } from '../../src/ui/state/search-state.svelte.ts';
import { syntheticLibraryBlob } from '../support/synthetic-library.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_QUERY_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const names = freshNames('first-answer');
let trove: Trove;
let service: SearchService | undefined;

beforeAll(async () => {
  trove = await openTestTrove(names);
  await trove.importLibrary(
    await syntheticLibraryBlob({
      items: 600,
      dims: { clip: 32, clap: 24, text: 16 },
      schemaVersion: trove.library.schemaVersion,
    }),
  );
  // The query encoders loaded beforehand, so the search reaches the catalog within a few milliseconds,
  // long before the worker has read 6,000 segments.
  await prepareQueries(trove.encoders.forQueries);
}, MAX_HOOK_TIME);

afterAll(async () => {
  await destroyTrove(trove, names);
  // After the Trove: the service follows its events (clearing the library) until it is gone.
  service?.terminate();
}, MAX_HOOK_TIME);

describe('the first search after opening', () => {
  it(
    'is answered while the catalog loads, then again with its keyword matches',
    async () => {
      service = new SearchService(trove);
      const search = new SearchState();
      search.attach(service);
      search.text = 'lighthouse';
      await search.run();
      expect(search.status).toBe('done');
      expect(search.response?.pending).toBe('keywords');
      const first = search.response;

      const statuses: string[] = [];
      await service.whenLoaded();
      await expect
        .poll(() => (statuses.push(search.status), search.response), { timeout: MAX_QUERY_TIME })
        .not.toBe(first);
      expect(search.response?.pending).toBeUndefined();
      expect(statuses).not.toContain('searching');
      const keywordHit = search.results
        .flatMap((item) => [item.best, ...item.others])
        .some((s) => s.matched.some((m) => m.source === 'lexical'));
      expect(keywordHit).toBe(true);
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'asked for while the app still opens, says it is searching and runs once the library is open',
    async () => {
      const search = new SearchState();
      search.text = 'lighthouse';
      await search.run();
      expect(search.status).toBe('searching');
      expect(search.askedFor).toBe('“lighthouse”');
      search.attach(service ?? (service = new SearchService(trove)));
      await expect.poll(() => search.status, { timeout: MAX_QUERY_TIME }).toBe('done');
      expect(search.results.length).toBeGreaterThan(0);
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
