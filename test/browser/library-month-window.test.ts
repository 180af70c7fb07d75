// A window of a month read through the `when` index (month-window.ts), against real IndexedDB: every
// window of a month, wherever it starts and ends, holds exactly the items a sort of the whole month puts
// there, also when many items share a date (the index orders those by id, the timeline by name), and no
// item of another month.
import { deleteDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library/library.ts';
import { compareTimeline, monthOf, monthStart } from '../../src/library/item-counts.ts';
import type { ItemRecord } from '../../src/library/records.ts';
import { itemRecord } from '../support/factories.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const name = `trove-month-window-test-${Date.now()}`;
let lib: Library;
const MAY = Date.UTC(2023, 4, 1);
const month = monthOf(MAY);
let may: ItemRecord[];

beforeAll(async () => {
  lib = await Library.open({ name });
  const items: ItemRecord[] = [];
  for (let i = 0; i < 120; i++) {
    // Runs of six items of one date: read newest first through the index, a run comes by id, descending,
    // and the timeline wants it by name, ascending; and items either side of the month.
    const when = MAY + Math.floor(i / 7) * 3_600_000 + (i % 7 === 6 ? 1 : 0);
    items.push(
      itemRecord(`id-${String(i).padStart(3, '0')}`, {
        name: `name-${String(i).padStart(3, '0')}.jpg`,
        mtime: when,
        sha256: i.toString(16).padStart(64, '0'),
      }),
    );
  }
  items.push(itemRecord('april', { mtime: MAY - 1, sha256: 'a'.repeat(64) }));
  items.push(itemRecord('june', { mtime: monthStart(month + 1), sha256: 'b'.repeat(64) }));
  for (const item of items) await lib.addItem(item);
  may = (await lib.itemsBetween(monthStart(month), monthStart(month + 1))).sort(compareTimeline);
}, MAX_HOOK_TIME);

afterAll(async () => {
  lib?.close();
  await deleteDB(name);
});

describe('a window of a month (real IndexedDB)', () => {
  it(
    'holds the items a sort of the whole month puts there, for any start and length',
    async () => {
      expect(may).toHaveLength(120);
      const ids = (items: ItemRecord[]) => items.map((i) => i.id);
      for (const count of [1, 5, 7, 32])
        for (let first = 0; first <= 121; first += 3) {
          const window = await lib.itemsInWindow(monthStart(month), monthStart(month + 1), first, count);
          expect(ids(window), `[${first}, ${first + count})`).toEqual(ids(may.slice(first, first + count)));
        }
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
