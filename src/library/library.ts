// The library store: items, their segments, vectors and thumbnails, the persistent jobs, and imported
// folders. Everything one item produces is written in one transaction, so a crash never leaves half an item.
// This class is the only way into the `trove-library` database (README.md says who writes what).
import type { IDBPDatabase } from 'idb';
import { bumpVectorsVersion, indexedSizes, markIndexed } from './counters.ts';
import { CountChanges, stamped, type CountRecord } from './item-counts.ts';
import { ItemAdds } from './item-adds.ts';
import * as jobWrites from './job-writes.ts';
import * as reads from './bulk-reads.ts';
import { itemsInWindow } from './month-window.ts';
import { sweepOrphans } from './sweep-originals.ts';
import { thumbnailFromStore } from './thumbnail-bytes.ts';
import { LIBRARY_DB_NAME, openLibraryDb, type OpenOptions } from './open-db.ts';
import { deleteOriginal, listOriginals, removeStoredFile } from './originals.ts';
import { SnapshotReader } from './snapshot.ts';
import { indexKeywords, readPostings } from './postings.ts';
import { ImportStaging } from './staging.ts';
import { inWriteTransaction } from './write-tx.ts';
import {
  ItemGoneError,
  clearRecords,
  removeItemRecords,
  writeResults,
  type ItemResults,
  type WrittenResults,
} from './write-results.ts';
import type {
  FolderRecord,
  ItemError,
  ItemRecord,
  ItemStatus,
  JobRecord,
  JobState,
  LibrarySchema,
  MetaRecord,
  MigrationRecord,
  PostingsRead,
  SegmentKind,
  SegmentRecord,
  Space,
  TermRead,
  ThumbnailRecord,
  VectorRecord,
} from './records.ts';

/** Deterministic segment ids, so rewriting an item's results replaces rather than duplicates. */
export function segmentId(itemId: string, index: number): string {
  return `${itemId}:${index}`;
}

export { ItemGoneError, type ItemResults, type WrittenResults } from './write-results.ts';
export type { CountRecord } from './item-counts.ts';
export type { ImportStaging } from './staging.ts';

export class Library {
  /** Reads for an export: what a snapshot holds, then its records a batch at a time. */
  readonly snapshot: SnapshotReader;
  private readonly adds: ItemAdds;

  /**
   * `db` is public for the library's own modules and for tests; code outside src/library uses the methods
   * (lint says so), so that this folder alone decides how the database is written.
   */
  private constructor(readonly db: IDBPDatabase<LibrarySchema>) {
    this.snapshot = new SnapshotReader(db);
    this.adds = new ItemAdds(db);
  }

  static async open(options: OpenOptions = {}): Promise<Library> {
    return new Library(await openLibraryDb(options));
  }

  /** The name of this library's database (another thread opens the same library by it). */
  get name(): string {
    return this.db.name;
  }

  /** The database `open` uses for `name` (the default library when none is given), e.g. to name its lock. */
  static dbName(name?: string): string {
    return name ?? LIBRARY_DB_NAME;
  }

  close(): void {
    this.db.close();
  }

  // ---- items ----

  /**
   * Adds an item unless one with the same content (sha256) exists; then returns that one instead.
   * The unique sha256 index makes this hold even when two tabs add the same file at once.
   */
  async addItem(item: ItemRecord): Promise<{ item: ItemRecord; existing: boolean }> {
    const tx = this.db.transaction(['items', 'item-counts'], 'readwrite');
    const items = tx.objectStore('items');
    if (item.sha256) {
      const found = await items.index('sha256').get(item.sha256);
      if (found) {
        await tx.done;
        return { item: found, existing: true };
      }
    }
    try {
      const fresh = stamped(item);
      await items.add(fresh);
      const counts = new CountChanges();
      counts.change(undefined, fresh);
      await counts.apply(tx.objectStore('item-counts'));
      await tx.done;
      return { item: fresh, existing: false };
    } catch (error) {
      if (item.sha256 && error instanceof DOMException && error.name === 'ConstraintError') {
        const found = await this.findBySha256(item.sha256);
        if (found) return { item: found, existing: true };
      }
      throw error;
    }
  }

  getItem(id: string): Promise<ItemRecord | undefined> {
    return this.db.get('items', id);
  }

  findBySha256(sha256: string): Promise<ItemRecord | undefined> {
    return this.db.getFromIndex('items', 'sha256', sha256);
  }

  listItems(filter: { status?: ItemStatus; folderId?: string } = {}): Promise<ItemRecord[]> {
    if (filter.status) return this.db.getAllFromIndex('items', 'status', filter.status);
    if (filter.folderId) return this.db.getAllFromIndex('items', 'folderId', filter.folderId);
    return this.db.getAll('items');
  }

  /** Several items by id in one transaction, in order (undefined for one that is gone). */
  async getItems(ids: string[]): Promise<(ItemRecord | undefined)[]> {
    const tx = this.db.transaction('items', 'readonly');
    const found = await Promise.all(ids.map((id) => tx.store.get(id)));
    await tx.done;
    return found;
  }

  /** Items per month, kind and status (item-counts.ts): counting any library reads no item. */
  itemCounts(): Promise<CountRecord[]> {
    return this.db.getAll('item-counts');
  }

  /** Items dated (`when`) in [from, to), in no order; with `only`, those kind and status pairs alone. */
  itemsBetween(
    from: number,
    to: number,
    only?: readonly { kind: ItemRecord['kind']; status: ItemStatus }[],
  ): Promise<ItemRecord[]> {
    return reads.itemsBetween(this.db, from, to, only);
  }

  /** A page of items by date, newest first, after `after` ([when, id]) (bulk-reads.ts). */
  itemsNewestFirst(
    range: { from?: number; to?: number },
    count: number,
    after?: [number, string],
  ): Promise<ItemRecord[]> {
    return reads.itemsNewestFirst(this.db, range, count, after);
  }

  /** Items [first, first + count) of those dated in [from, to), in timeline order (month-window.ts). */
  itemsInWindow(from: number, to: number, first: number, count: number): Promise<ItemRecord[]> {
    return itemsInWindow(this.db, from, to, first, count);
  }

  /** Read-modify-write in one transaction. Throws ItemGoneError if the item was deleted. */
  async updateItem(id: string, patch: Partial<Omit<ItemRecord, 'id'>>): Promise<ItemRecord> {
    return inWriteTransaction(this.db, ['items', 'item-counts'], async (tx) => {
      const current = await tx.objectStore('items').get(id);
      if (!current) throw new ItemGoneError(id);
      const next: ItemRecord = stamped({ ...current, ...patch, id, updatedAt: Date.now() });
      await tx.objectStore('items').put(next);
      const counts = new CountChanges();
      counts.change(current, next);
      await counts.apply(tx.objectStore('item-counts'));
      return next;
    });
  }

  /**
   * Writes everything an item's ingest produced, replacing what an earlier attempt wrote, in one
   * transaction. If the item was deleted meanwhile, nothing is written and ItemGoneError is thrown.
   */
  async writeItemResults(itemId: string, results: ItemResults): Promise<WrittenResults> {
    const [written] = await this.writeManyItemResults([{ itemId, results }]);
    if (written instanceof ItemGoneError) throw written;
    return written!;
  }

  /**
   * writeItemResults for several items in one transaction (a batch of small images costs one commit, not
   * one each). An item deleted meanwhile is skipped, and its place in the answer is an ItemGoneError.
   */
  writeManyItemResults(
    entries: { itemId: string; results: ItemResults }[],
  ): Promise<(WrittenResults | ItemGoneError)[]> {
    return writeResults(this.db, entries);
  }

  /**
   * Marks several jobs running at once; see startJob. `knownItems` are item records the caller already
   * holds, by item id, which are then not read again (job-writes.ts says why that is safe).
   */
  startJobs(
    jobIds: string[],
    stage: string,
    knownItems: ReadonlyMap<string, ItemRecord> = new Map(),
  ): Promise<Map<string, { job: JobRecord; item: ItemRecord }>> {
    return jobWrites.startJobs(this.db, jobIds, stage, knownItems);
  }

  /** Adds or replaces vectors of existing segments, e.g. when a space is embedded after the first pass. */
  async putVectors(vectors: VectorRecord[]): Promise<void> {
    await inWriteTransaction(this.db, ['segments', 'vectors', 'meta'], async (tx) => {
      if (vectors.length) await bumpVectorsVersion(tx.objectStore('meta'));
      for (const v of vectors) {
        const segment = await tx.objectStore('segments').get(v.segmentId);
        if (!segment || segment.itemId !== v.itemId)
          throw new Error(`Vector for unknown segment ${v.segmentId}`);
        await tx.objectStore('vectors').put(v);
      }
    });
  }

  /**
   * Deletes an item with its segments, vectors, thumbnails and jobs (one transaction), then its stored
   * copy in OPFS. Returns false if there was no such item.
   */
  async deleteItem(id: string): Promise<boolean> {
    return (await this.removeItem(id)) !== null;
  }

  /**
   * deleteItem that says what it removed: the item and the index keys of its segments (for the vector
   * index), or null if there was no such item.
   */
  async removeItem(id: string): Promise<{ item: ItemRecord; keys: number[] } | null> {
    const removed = await removeItemRecords(this.db, id);
    if (!removed) return null;
    const { item, keys, lastInPack } = removed;
    // After the records are gone, so a crash in between leaves an orphan copy (see sweepOrphanOriginals)
    // rather than an item whose original is missing. A pack file goes with the last item in it; while
    // others use it, only this file's bytes are erased.
    const packRemoved =
      lastInPack && item.source?.kind === 'opfs' && (await removeStoredFile(item.source.path));
    if (!packRemoved) await deleteOriginal(item.source);
    return { item, keys };
  }

  /**
   * Empties the library: every item, segment, vector, thumbnail, job and folder (one transaction), then
   * every stored copy. Segment keys keep counting, so a key is never reused.
   */
  async clearAll(): Promise<void> {
    await clearRecords(this.db);
    for (const path of await listOriginals()) await removeStoredFile(path, { force: true });
  }

  /**
   * Removes stored copies that no item points at; returns their paths. A copy is written before its item,
   * so a tab closed mid-copy leaves one behind. `olderThanMs` spares recent copies, whose items another
   * tab may be about to write.
   */
  sweepOrphanOriginals({ olderThanMs = 0 }: { olderThanMs?: number } = {}): Promise<string[]> {
    return sweepOrphans(this.db, olderThanMs);
  }

  // ---- segments, vectors, thumbnails ----

  async getSegments(itemId: string): Promise<SegmentRecord[]> {
    const segments = await this.db.getAllFromIndex('segments', 'itemId', itemId);
    return segments.sort(
      (a, b) =>
        (a.t0 ?? 0) - (b.t0 ?? 0) || (a.page ?? 0) - (b.page ?? 0) || (a.charStart ?? 0) - (b.charStart ?? 0),
    );
  }

  getSegment(id: string): Promise<SegmentRecord | undefined> {
    return this.db.get('segments', id);
  }

  /** The segment with this index key (see SegmentRecord.key). */
  segmentByKey(key: number): Promise<SegmentRecord | undefined> {
    return this.db.getFromIndex('segments', 'key', key);
  }

  /** Segments by index key, read in one transaction, in order (undefined for a key no segment has). */
  segmentsByKeys(keys: readonly number[]): Promise<(SegmentRecord | undefined)[]> {
    return reads.segmentsByKeys(this.db, keys);
  }

  /** Runs of `run` segments at `points` places evenly over the library's index keys (bulk-reads.ts). */
  segmentsSpread(points: number, run: number): Promise<SegmentRecord[]> {
    return reads.segmentsSpread(this.db, points, run);
  }

  /**
   * Every item with its segments, a page of items at a time in id order (each page its own short
   * transaction), so a search catalog is built without the library ever being in memory at once.
   */
  itemPages(pageSize = 256): AsyncGenerator<{ item: ItemRecord; segments: SegmentRecord[] }[]> {
    return reads.itemPages(this.db, pageSize);
  }

  /** The postings of some terms (postings.ts) and the index's counts: what a keyword search reads. */
  keywordPostings(terms: readonly TermRead[]): Promise<PostingsRead> {
    return readPostings(this.db, terms);
  }

  /**
   * Indexes by keyword what an import or a migration brought, a page a transaction (awaiting `between`
   * after each), until none is left; resumable. Returns the number of pages indexed.
   */
  indexKeywords(between?: () => Promise<void>, pageSize = 512): Promise<number> {
    return indexKeywords(this.db, between, pageSize);
  }

  /** Every segment, for building a search catalog. */
  allSegments(): Promise<SegmentRecord[]> {
    return this.db.getAll('segments');
  }

  segmentsOfKind(kind: SegmentKind): Promise<SegmentRecord[]> {
    return this.db.getAllFromIndex('segments', 'kind', kind);
  }

  getVector(segmentId: string, space: Space): Promise<VectorRecord | undefined> {
    return this.db.get('vectors', [segmentId, space]);
  }

  /** Every vector of one space, for building or rebuilding that space's index. */
  vectorsOfSpace(space: Space): Promise<VectorRecord[]> {
    return this.db.getAllFromIndex('vectors', 'space', space);
  }

  /**
   * Every stored vector with its segment's index key, a page at a time (each page its own transaction, so
   * the caller may await other work between pages), for rebuilding vector indexes.
   */
  vectorPages(pageSize = 1024): AsyncGenerator<{ vector: VectorRecord; key: number }[]> {
    return reads.vectorPages(this.db, pageSize);
  }

  /**
   * The stored vectors of segments by their index keys, in every space each has one (undefined for a key
   * no segment has), read in one transaction: "More like this" and near-duplicate grouping use them.
   */
  vectorsByKeys(keys: number[]): Promise<(Partial<Record<Space, Float32Array>> | undefined)[]> {
    return reads.vectorsByKeys(this.db, keys);
  }

  vectorsOfItem(itemId: string): Promise<VectorRecord[]> {
    return this.db.getAllFromIndex('vectors', 'itemId', itemId);
  }

  async getThumbnail(id: string): Promise<ThumbnailRecord | undefined> {
    const stored = await this.db.get('thumbnails', id);
    return stored && thumbnailFromStore(stored);
  }

  async thumbnailsOfItem(itemId: string): Promise<ThumbnailRecord[]> {
    return (await this.db.getAllFromIndex('thumbnails', 'itemId', itemId)).map(thumbnailFromStore);
  }

  // ---- jobs ----

  async putJob(job: JobRecord): Promise<void> {
    await this.db.put('jobs', job);
  }

  getJob(id: string): Promise<JobRecord | undefined> {
    return this.db.get('jobs', id);
  }

  listJobs(state?: JobState): Promise<JobRecord[]> {
    return state ? this.db.getAllFromIndex('jobs', 'state', state) : this.db.getAll('jobs');
  }

  /** Marks a job failed and its item in error with the same reason, in one transaction. */
  failJob(jobId: string, error: ItemError): Promise<void> {
    return jobWrites.failJob(this.db, jobId, error);
  }

  /**
   * Marks a job running (one more attempt) and returns it as it was before, with its item, in one
   * transaction. A job whose item is gone is deleted, and null returned.
   */
  async startJob(jobId: string, stage: string): Promise<{ job: JobRecord; item: ItemRecord } | null> {
    return (await this.startJobs([jobId], stage)).get(jobId) ?? null;
  }

  /** Puts a failed job back in the queue and its item back to pending, in one transaction. */
  requeueJob(jobId: string): Promise<JobRecord | undefined> {
    return jobWrites.requeueJob(this.db, jobId);
  }

  /**
   * Adds an item and the job that will ingest it, in one transaction, so neither exists without the other.
   * Calls made while an earlier one is being written are written together in the next transaction (files
   * are taken in several at a time, and a commit costs more than its requests); if that shared write
   * fails, each is tried again alone, so every call gets its own outcome.
   */
  addItemWithJob(item: ItemRecord, job: JobRecord): Promise<{ item: ItemRecord; existing: boolean }> {
    return this.adds.add(item, job);
  }

  async deleteJob(id: string): Promise<void> {
    await this.db.delete('jobs', id);
  }

  /** Deletes many job records in one transaction (a finished batch's, when the next one starts). */
  async deleteJobs(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const tx = this.db.transaction('jobs', 'readwrite');
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  }

  // ---- folders ----

  async putFolder(folder: FolderRecord): Promise<void> {
    await this.db.put('folders', folder);
  }

  getFolder(id: string): Promise<FolderRecord | undefined> {
    return this.db.get('folders', id);
  }

  listFolders(): Promise<FolderRecord[]> {
    return this.db.getAll('folders');
  }

  async deleteFolder(id: string): Promise<void> {
    await this.db.delete('folders', id);
  }

  // ---- bookkeeping ----

  /** A counter of the meta store (see MetaRecord); 0 when never set. */
  async meta(name: MetaRecord['name']): Promise<number> {
    return (await this.db.get('meta', name))?.value ?? 0;
  }

  async setMeta(name: MetaRecord['name'], value: number): Promise<void> {
    await this.db.put('meta', { name, value });
  }

  /** Records that the vector indexes, now persisted, hold the store's vectors at `vectorsVersion`. */
  async markIndexed(vectorsVersion: number, sizes?: Record<Space, number>): Promise<void> {
    const tx = this.db.transaction('meta', 'readwrite');
    await Promise.all([markIndexed(tx.store, vectorsVersion, sizes), tx.done]);
  }

  /** The sizes the indexes had when they were last marked (markIndexed), if recorded. */
  indexedSizes(): Promise<Record<Space, number> | undefined> {
    return indexedSizes(this.db.transaction('meta').store);
  }

  /** The database's schema version (an export records it; an import refuses a newer one). */
  get schemaVersion(): number {
    return this.db.version;
  }

  /** The stores an import is staged in before it replaces the library (see staging.ts). */
  importStaging(): ImportStaging {
    return new ImportStaging(this.db);
  }

  /** Number of stored vectors of one space (to check a restored index against). */
  countVectors(space: Space): Promise<number> {
    return this.db.countFromIndex('vectors', 'space', space);
  }

  appliedMigrations(): Promise<MigrationRecord[]> {
    return this.db.getAll('migrations');
  }

  /** Record counts per store, for diagnostics and tests. */
  async counts(): Promise<Record<(typeof countedStores)[number], number>> {
    const n = await Promise.all(countedStores.map((s) => this.db.count(s)));
    return Object.fromEntries(countedStores.map((s, i) => [s, n[i]!])) as Record<
      (typeof countedStores)[number],
      number
    >;
  }
}

const countedStores = ['items', 'segments', 'vectors', 'thumbnails', 'jobs', 'folders'] as const;
