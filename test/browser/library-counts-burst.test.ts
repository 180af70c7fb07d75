// Adding many photos through the library view (issue 26): while the changes of an ingest keep coming, the
// view gathers them over BURST_GATHER_MS before reading the store's counts again, so the count records
// (several hundred in a large library) are read a few times a second, not after every 60 ms gathering.
// What is checked is the spacing of the reads the view makes (at most one closer together: the one the
// add's own report asks for at once), never how long anything took; and every photo shows at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import { BURST_GATHER_MS } from '../../src/ui/state/library-state.svelte.ts';
import { distinctPhotos } from '../support/media-files.ts';
import { mountLibrary, type MountedLibrary } from '../support/mount-library.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const PHOTOS = 64;
const names = freshNames('counts-burst');
let trove: Trove;
let view: MountedLibrary | undefined;

beforeAll(async () => {
  trove = await openTestTrove(names);
  view = mountLibrary(trove);
}, MAX_HOOK_TIME);

afterAll(async () => {
  await view?.unmount();
  await destroyTrove(trove, names);
}, MAX_HOOK_TIME);

describe('the library view during an add of many photos', () => {
  it(
    'reads the counts a few times a second while changes keep coming, and shows every photo',
    async () => {
      const app = view!.app;
      const files = await distinctPhotos(PHOTOS, 'burst');
      while (app.library.loading) await new Promise((r) => setTimeout(r, 20));
      const reads: number[] = [];
      const itemCounts = trove.library.itemCounts.bind(trove.library);
      trove.library.itemCounts = () => {
        reads.push(performance.now());
        return itemCounts();
      };
      await app.library.addFiles(files);
      while (app.library.totals.ready < PHOTOS) await new Promise((r) => setTimeout(r, 20));
      const gaps = reads.slice(1).map((t, i) => t - reads[i]!);
      // A few milliseconds of slack for the timer's own resolution.
      const close = gaps.filter((g) => g < BURST_GATHER_MS - 5);
      expect(reads.length).toBeGreaterThanOrEqual(3);
      expect(
        close.length,
        `gaps between count reads: ${gaps.map(Math.round).join(', ')} ms`,
      ).toBeLessThanOrEqual(1);
      expect(app.library.totals).toMatchObject({ all: PHOTOS, ready: PHOTOS, adding: 0 });
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
