// A window of one month's items in timeline order (newest first, then by name), read without reading the
// month. A key cursor on the `when` index, newest first, steps to the window's first and past its last
// item (no records are read for that: the browser skips keys), which gives the dates at its edges; one
// getAll then reads the items dated between them, and a count of the newer ones says where the first of
// them sits. The index orders items of one date by id and the timeline by name, so the items of the
// edges' dates are read whole and sorted: a window costs its own items plus those of two dates. A library
// of 100k items holds several hundred items a month, and the view shows a few dozen.
import type { IDBPDatabase } from 'idb';
import { compareTimeline } from './item-counts.ts';
import type { ItemRecord, LibrarySchema } from './records.ts';

type Db = IDBPDatabase<LibrarySchema>;

/** Items [first, first + count) of those dated in [from, to) (ms), in timeline order; one transaction. */
export async function itemsInWindow(
  db: Db,
  from: number,
  to: number,
  first: number,
  count: number,
): Promise<ItemRecord[]> {
  const tx = db.transaction('items', 'readonly');
  const index = tx.store.index('when');
  let cursor = await index.openKeyCursor(IDBKeyRange.bound(from, to, false, true), 'prev');
  if (cursor && first > 0) cursor = await cursor.advance(first);
  if (!cursor || count <= 0) {
    await tx.done;
    return [];
  }
  const newest = cursor.key as number;
  cursor = await cursor.advance(count);
  const oldest = cursor ? (cursor.key as number) : from;
  const [newer, items] = await Promise.all([
    index.count(IDBKeyRange.bound(newest, to, true, true)),
    index.getAll(IDBKeyRange.bound(oldest, newest)),
  ]);
  await tx.done;
  // items[0], once sorted, is the newest item of the date `newest`: position `newer` of the month.
  return items.sort(compareTimeline).slice(first - newer, first - newer + count);
}
