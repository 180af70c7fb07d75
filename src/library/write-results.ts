// Writing what an item's ingest produced, and removing an item with all it produced: each in one
// transaction over every store an item touches, so a crash never leaves half an item.
import type { IDBPDatabase } from 'idb';
import { bumpVectorsVersion, nextSegmentKey } from './counters.ts';
import { CountChanges, stamped } from './item-counts.ts';
import { jobsById } from './jobs-by-id.ts';
import { KeywordChanges } from './postings.ts';
import type {
  ItemRecord,
  LibrarySchema,
  SegmentRecord,
  Space,
  ThumbnailRecord,
  VectorRecord,
} from './records.ts';
import { storedThumbnail } from './thumbnail-bytes.ts';
import { inWriteTransaction, type Track, type WriteTx } from './write-tx.ts';

/** What one item's ingest produced; written all at once by writeItemResults. */
export interface ItemResults {
  segments: SegmentRecord[];
  vectors?: Omit<VectorRecord, 'itemId'>[];
  thumbnails?: Omit<ThumbnailRecord, 'itemId'>[];
  /** Fields to update on the item (status defaults to 'ready'). */
  item?: Partial<Omit<ItemRecord, 'id'>>;
  /** A job to mark done in the same transaction, so a resumed queue never redoes finished work. */
  completeJobId?: string;
}

/** What writeItemResults stored: the item, its segments with their index keys, and the keys it replaced. */
export interface WrittenResults {
  item: ItemRecord;
  segments: (SegmentRecord & { key: number })[];
  /** Keys of the segments an earlier write had stored for this item, now gone (remove them from the index). */
  removedKeys: number[];
}

export class ItemGoneError extends Error {
  constructor(id: string) {
    super(`Item ${id} is no longer in the library (it was deleted)`);
    this.name = 'ItemGoneError';
  }
}

/** The stores an item and what it produced live in. */
export const itemStores = [
  'items',
  'segments',
  'vectors',
  'thumbnails',
  'jobs',
  'meta',
  'item-counts',
  'postings',
] as const;
type ItemTx = WriteTx<typeof itemStores>;

/**
 * Writes the results of several items in one transaction, each replacing what an earlier attempt wrote
 * for its item. An item deleted meanwhile is skipped, and its place in the answer is an ItemGoneError.
 */
export async function writeResults(
  db: IDBPDatabase<LibrarySchema>,
  entries: { itemId: string; results: ItemResults }[],
): Promise<(WrittenResults | ItemGoneError)[]> {
  for (const { itemId, results } of entries) {
    const segmentIds = new Set(results.segments.map((s) => s.id));
    for (const segment of results.segments) {
      if (segment.itemId !== itemId)
        throw new Error(`Segment ${segment.id} belongs to ${segment.itemId}, not ${itemId}`);
    }
    for (const v of results.vectors ?? []) {
      if (!segmentIds.has(v.segmentId)) throw new Error(`Vector for unknown segment ${v.segmentId}`);
    }
  }
  const thumbnails = entries.map(({ itemId, results }) =>
    (results.thumbnails ?? []).map((t) => storedThumbnail({ ...t, itemId })),
  );
  return inWriteTransaction(db, itemStores, async (tx, track) => {
    // Every read of the batch is issued at once (requests of one transaction run in order, so they need
    // not wait for each other), then the writes; a batch costs a few round trips, not a few per item.
    const meta = tx.objectStore('meta');
    const keyRead = track(nextSegmentKey(meta));
    const jobIds = entries.flatMap(({ results }) => results.completeJobId ?? []);
    const jobsRead = track(jobsById(tx.objectStore('jobs'), jobIds));
    const itemsRead = entries.map(({ itemId }) => track(tx.objectStore('items').get(itemId)));
    const jobs = await jobsRead;
    // Earlier results are looked for only where there can be some (see ItemRecord.neverWritten): three
    // index reads an item, which a batch of new photos would otherwise spend finding nothing.
    const found = (await Promise.all(itemsRead)).map((item, i) => {
      const jobId = entries[i]!.results.completeJobId;
      return [item, jobId ? jobs.get(jobId) : undefined] as const;
    });
    const derivedFound = await Promise.all(
      entries.map(({ itemId }, i) => {
        const current = found[i]![0];
        return current && !current.neverWritten ? track(derivedOf(tx, itemId)) : noneDerived;
      }),
    );
    // Keys come from a counter in the same transaction, so they are unique and never reused, even for a
    // rewrite of the same item (the index may still hold the old keys until they are removed).
    let nextKey = await keyRead;
    let vectorsChanged = false;
    const counts = new CountChanges();
    const keywords = new KeywordChanges();
    const out: (WrittenResults | ItemGoneError)[] = [];
    for (const [i, { itemId, results }] of entries.entries()) {
      const [current, job] = found[i]!;
      if (!current) {
        out.push(new ItemGoneError(itemId));
        continue;
      }
      const removed = removeFound(tx, derivedFound[i]!, track);
      const segments = results.segments.map((seg) => ({ ...seg, key: nextKey++ }));
      vectorsChanged ||= removed.vectors > 0 || (results.vectors?.length ?? 0) > 0;
      const next: ItemRecord = stamped({
        ...current,
        status: 'ready',
        error: undefined,
        ...results.item,
        id: itemId,
        neverWritten: undefined,
        updatedAt: Date.now(),
      });
      counts.change(current, next);
      // The keyword index follows the segments: the replaced ones' terms out, the new ones' in.
      keywords.removeItem(current, derivedFound[i]!.segments);
      keywords.addItem(next, segments);
      // A put can also throw synchronously (DataCloneError), so each request is tracked as it is made.
      for (const seg of segments) track(tx.objectStore('segments').put(seg));
      for (const v of results.vectors ?? []) track(tx.objectStore('vectors').put({ ...v, itemId }));
      for (const t of thumbnails[i]!) track(tx.objectStore('thumbnails').put(t));
      if (job) track(tx.objectStore('jobs').put({ ...job, state: 'done', updatedAt: Date.now() }));
      track(tx.objectStore('items').put(next));
      out.push({ item: next, segments, removedKeys: removed.keys });
    }
    track(meta.put({ name: 'nextSegmentKey', value: nextKey }));
    if (vectorsChanged) track(bumpVectorsVersion(meta));
    track(counts.apply(tx.objectStore('item-counts')));
    await keywords.apply(tx.objectStore('postings'), meta, track);
    return out;
  });
}

/**
 * Deletes an item's records: the item, its segments, vectors, thumbnails and jobs, in one transaction.
 * Returns the item, its segments' index keys, and whether it was the last item in its pack file; null if
 * there was no such item.
 */
export async function removeItemRecords(
  db: IDBPDatabase<LibrarySchema>,
  id: string,
): Promise<{ item: ItemRecord; keys: number[]; lastInPack: boolean } | null> {
  return inWriteTransaction(db, itemStores, async (tx, track) => {
    const item = await tx.objectStore('items').get(id);
    if (!item) return null;
    const derived = await derivedOf(tx, id);
    const removed = removeFound(tx, derived, track);
    const keywords = new KeywordChanges();
    keywords.removeItem(item, derived.segments);
    await keywords.apply(tx.objectStore('postings'), tx.objectStore('meta'), track);
    await Promise.all(
      (await tx.objectStore('jobs').index('itemId').getAllKeys(id)).map((key) =>
        track(tx.objectStore('jobs').delete(key)),
      ),
    );
    if (removed.vectors > 0) await bumpVectorsVersion(tx.objectStore('meta'));
    await tx.objectStore('items').delete(id);
    const counts = new CountChanges();
    counts.change(item, undefined);
    await counts.apply(tx.objectStore('item-counts'));
    const pack = item.source?.kind === 'opfs' && item.source.range ? item.source.path : undefined;
    const lastInPack = !!pack && (await tx.objectStore('items').index('sourcePath').count(pack)) === 0;
    return { item, keys: removed.keys, lastInPack };
  });
}

/**
 * Empties every store of items and what they produced, and the folders, in one transaction. Segment keys
 * keep counting, so a key is never reused.
 */
export async function clearRecords(db: IDBPDatabase<LibrarySchema>): Promise<void> {
  const stores = [...itemStores, 'folders'] as const;
  const tx = db.transaction(stores, 'readwrite');
  for (const store of stores) if (store !== 'meta') await tx.objectStore(store).clear();
  const meta = tx.objectStore('meta');
  await bumpVectorsVersion(meta);
  for (const name of ['keywordDocuments', 'keywordLength', 'keywordFrom', 'keywordTo'] as const)
    await meta.put({ name, value: 0 });
  await tx.done;
}

interface Derived {
  segments: SegmentRecord[];
  vectorKeys: IDBValidKey[];
  thumbnailKeys: IDBValidKey[];
}

const noneDerived: Derived = { segments: [], vectorKeys: [], thumbnailKeys: [] };

/** What an item's earlier ingest stored (segments, vector and thumbnail keys), read in parallel. */
async function derivedOf(tx: ItemTx, itemId: string): Promise<Derived> {
  const [segments, vectorKeys, thumbnailKeys] = await Promise.all([
    tx.objectStore('segments').index('itemId').getAll(itemId),
    tx.objectStore('vectors').index('itemId').getAllKeys(itemId),
    tx.objectStore('thumbnails').index('itemId').getAllKeys(itemId),
  ]);
  return { segments, vectorKeys, thumbnailKeys };
}

/** Issues the deletes of what derivedOf found; returns the segments' index keys and the vector count. */
function removeFound(tx: ItemTx, derived: Derived, track: Track): { keys: number[]; vectors: number } {
  const keys: number[] = [];
  for (const seg of derived.segments) {
    if (seg.key !== undefined) keys.push(seg.key);
    track(tx.objectStore('segments').delete(seg.id));
  }
  for (const key of derived.vectorKeys) track(tx.objectStore('vectors').delete(key as [string, Space]));
  for (const key of derived.thumbnailKeys) track(tx.objectStore('thumbnails').delete(key as string));
  return { keys, vectors: derived.vectorKeys.length };
}
