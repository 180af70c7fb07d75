// Reads over the whole library that never hold it in memory at once: pages of items with their segments
// (the search catalog), pages of vectors (rebuilding indexes), and segments by index key or spread over
// the keys (a search answered before the catalog is built), items by timeline date, vectors by key. Each
// page is its own short transaction.
import type { IDBPDatabase } from 'idb';
import type { ItemRecord, ItemStatus, LibrarySchema, SegmentRecord, Space, VectorRecord } from './records.ts';

type Db = IDBPDatabase<LibrarySchema>;

export async function segmentsByKeys(
  db: Db,
  keys: readonly number[],
): Promise<(SegmentRecord | undefined)[]> {
  const tx = db.transaction('segments', 'readonly');
  const index = tx.store.index('key');
  const found = await Promise.all(keys.map((key) => index.get(key)));
  await tx.done;
  return found;
}

/**
 * Segments spread over the whole library without reading it: at each of `points` points evenly spaced over
 * the range of index keys given so far, the `run` segments from it on in key order (keys follow ingest
 * order, so these span old and new items). One transaction of `points` range reads: a run of neighbours
 * costs one seek, where single reads cost one each (a first search at 10k items spent 0.89 s in its search
 * stage with 2,048 single reads, 0.24 s with 64 runs of 32). A segment found twice is kept once.
 */
export async function segmentsSpread(db: Db, points: number, run: number): Promise<SegmentRecord[]> {
  const tx = db.transaction(['segments', 'meta'], 'readonly');
  const index = tx.objectStore('segments').index('key');
  const [first, end] = await Promise.all([
    index.openKeyCursor(),
    tx.objectStore('meta').get('nextSegmentKey'),
  ]);
  const from = typeof first?.key === 'number' ? first.key : 0;
  const to = end?.value ?? from;
  const starts =
    to > from
      ? Array.from({ length: points }, (_, i) => from + Math.floor(((i + 0.5) * (to - from)) / points))
      : [];
  const found = await Promise.all(starts.map((p) => index.getAll(IDBKeyRange.lowerBound(p), run)));
  await tx.done;
  const seen = new Set<number>();
  return found.flat().filter((s) => {
    if (s.key === undefined || seen.has(s.key)) return false;
    seen.add(s.key);
    return true;
  });
}

export async function* itemPages(
  db: Db,
  pageSize: number,
): AsyncGenerator<{ item: ItemRecord; segments: SegmentRecord[] }[]> {
  let after: string | undefined;
  for (;;) {
    const tx = db.transaction(['items', 'segments'], 'readonly');
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const items = await tx.objectStore('items').getAll(range, pageSize);
    const segments = items.length
      ? await tx
          .objectStore('segments')
          .index('itemId')
          .getAll(IDBKeyRange.bound(items[0]!.id, items[items.length - 1]!.id))
      : [];
    await tx.done;
    const byItem = new Map<string, SegmentRecord[]>(items.map((i) => [i.id, []]));
    for (const segment of segments) byItem.get(segment.itemId)?.push(segment);
    if (items.length) yield items.map((item) => ({ item, segments: byItem.get(item.id)! }));
    if (items.length < pageSize) return;
    after = items[items.length - 1]!.id;
  }
}

export async function* vectorPages(
  db: Db,
  pageSize: number,
): AsyncGenerator<{ vector: VectorRecord; key: number }[]> {
  let after: [string, Space] | undefined;
  for (;;) {
    const tx = db.transaction(['vectors', 'segments'], 'readonly');
    const range = after ? IDBKeyRange.lowerBound(after, true) : undefined;
    const vectors = await tx.objectStore('vectors').getAll(range, pageSize);
    const segments = await Promise.all(vectors.map((v) => tx.objectStore('segments').get(v.segmentId)));
    await tx.done;
    const page: { vector: VectorRecord; key: number }[] = [];
    vectors.forEach((vector, i) => {
      const key = segments[i]?.key;
      if (key !== undefined) page.push({ vector, key });
    });
    if (page.length) yield page;
    if (vectors.length < pageSize) return;
    const last = vectors[vectors.length - 1]!;
    after = [last.segmentId, last.space];
  }
}

/** Items whose timeline date is in [from, to), optionally only of some kind and status pairs. */
export async function itemsBetween(
  db: Db,
  from: number,
  to: number,
  only?: readonly { kind: ItemRecord['kind']; status: ItemStatus }[],
): Promise<ItemRecord[]> {
  const tx = db.transaction('items', 'readonly');
  let found: ItemRecord[];
  if (!only) found = await tx.store.index('when').getAll(IDBKeyRange.bound(from, to, false, true));
  else {
    const index = tx.store.index('kind-status-when');
    const parts = await Promise.all(
      only.map(({ kind, status }) =>
        index.getAll(IDBKeyRange.bound([kind, status, from], [kind, status, to], false, true)),
      ),
    );
    found = parts.flat();
  }
  await tx.done;
  return found;
}

/**
 * Up to `count` items dated (`when`) in [from, to] (ms, inclusive; either open), newest first (ties by id,
 * descending), starting after `after` ([when, id] of the last item of the page before). One transaction.
 */
export async function itemsNewestFirst(
  db: Db,
  range: { from?: number; to?: number },
  count: number,
  after?: [number, string],
): Promise<ItemRecord[]> {
  const tx = db.transaction('items', 'readonly');
  const index = tx.store.index('when');
  const upper = after ? after[0] : range.to;
  const bounds =
    range.from !== undefined && upper !== undefined
      ? IDBKeyRange.bound(range.from, upper)
      : range.from !== undefined
        ? IDBKeyRange.lowerBound(range.from)
        : upper !== undefined
          ? IDBKeyRange.upperBound(upper)
          : undefined;
  const out: ItemRecord[] = [];
  let cursor = await index.openCursor(bounds, 'prev');
  if (cursor && after && cursor.key === after[0]) {
    // Among the items of that date, to the last one of the page before (or below, if it is gone), then past it.
    if (cursor.primaryKey > after[1]) cursor = await cursor.continuePrimaryKey(after[0], after[1]);
    if (cursor && cursor.key === after[0] && cursor.primaryKey === after[1]) cursor = await cursor.continue();
  }
  while (cursor && out.length < count) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  await tx.done;
  return out;
}

/** Stored vectors of segments by index key, every space each has, in one transaction. */
export async function vectorsByKeys(
  db: Db,
  keys: number[],
): Promise<(Partial<Record<Space, Float32Array>> | undefined)[]> {
  const tx = db.transaction(['segments', 'vectors'], 'readonly');
  const segments = tx.objectStore('segments').index('key');
  const vectors = tx.objectStore('vectors');
  const out = await Promise.all(
    keys.map(async (key) => {
      const segment = await segments.get(key);
      if (!segment) return undefined;
      const found = await Promise.all(segment.spaces.map((space) => vectors.get([segment.id, space])));
      const bySpace: Partial<Record<Space, Float32Array>> = {};
      for (const v of found) if (v) bySpace[v.space] = v.vector;
      return bySpace;
    }),
  );
  await tx.done;
  return out;
}
