// The library store: items, their segments, vectors and thumbnails, the persistent jobs, and imported
// folders. Everything one item produces is written in one transaction, so a crash never leaves half an item.
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { jobsById } from './jobs-by-id.ts';
import { storedThumbnail, thumbnailFromStore } from './thumbnail-bytes.ts';
import { openLibraryDb, type OpenOptions } from './open-db.ts';
import { deleteOriginal, listOriginals, openOriginal, removeStoredFile } from './originals.ts';
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
  SegmentKind,
  SegmentRecord,
  Space,
  StoreName,
  ThumbnailRecord,
  VectorRecord,
} from './records.ts';

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

/** Deterministic segment ids, so rewriting an item's results replaces rather than duplicates. */
export function segmentId(itemId: string, index: number): string {
  return `${itemId}:${index}`;
}

type ItemTx = IDBPTransaction<
  LibrarySchema,
  ('items' | 'segments' | 'vectors' | 'thumbnails' | 'jobs' | 'meta')[],
  'readwrite'
>;

const itemStores = ['items', 'segments', 'vectors', 'thumbnails', 'jobs', 'meta'] as const;

export class Library {
  private constructor(readonly db: IDBPDatabase<LibrarySchema>) {}

  static async open(options: OpenOptions = {}): Promise<Library> {
    return new Library(await openLibraryDb(options));
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
    const tx = this.db.transaction('items', 'readwrite');
    if (item.sha256) {
      const found = await tx.store.index('sha256').get(item.sha256);
      if (found) {
        await tx.done;
        return { item: found, existing: true };
      }
    }
    try {
      await tx.store.add(item);
      await tx.done;
      return { item, existing: false };
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

  /** Read-modify-write in one transaction. Throws ItemGoneError if the item was deleted. */
  async updateItem(id: string, patch: Partial<Omit<ItemRecord, 'id'>>): Promise<ItemRecord> {
    const tx = this.db.transaction('items', 'readwrite');
    const current = await tx.store.get(id);
    if (!current) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new ItemGoneError(id);
    }
    const next: ItemRecord = { ...current, ...patch, id, updatedAt: Date.now() };
    await tx.store.put(next);
    await tx.done;
    return next;
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
  async writeManyItemResults(
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
    // Read before the transaction opens: an await on anything else would let it commit early.
    const thumbnails = await Promise.all(
      entries.map(({ itemId, results }) =>
        Promise.all((results.thumbnails ?? []).map((t) => storedThumbnail({ ...t, itemId }))),
      ),
    );
    const tx: ItemTx = this.db.transaction(itemStores, 'readwrite');
    const done = tx.done;
    const pending: Promise<unknown>[] = [];
    try {
      // Every read of the batch is issued at once (requests of one transaction run in order, so they need
      // not wait for each other), then the writes; a batch costs a few round trips, not a few per item.
      const track = <T>(p: Promise<T>): Promise<T> => (pending.push(p), p);
      const metaRead = track(tx.objectStore('meta').get('nextSegmentKey'));
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
      let nextKey = (await metaRead)?.value ?? 1;
      let vectorsChanged = false;
      const out: (WrittenResults | ItemGoneError)[] = [];
      for (const [i, { itemId, results }] of entries.entries()) {
        const [current, job] = found[i]!;
        const derived = derivedFound[i]!;
        if (!current) {
          out.push(new ItemGoneError(itemId));
          continue;
        }
        const removed = removeFound(tx, derived, pending);
        const segments = results.segments.map((seg) => ({ ...seg, key: nextKey++ }));
        vectorsChanged ||= removed.vectors > 0 || (results.vectors?.length ?? 0) > 0;
        const next: ItemRecord = {
          ...current,
          status: 'ready',
          error: undefined,
          ...results.item,
          id: itemId,
          neverWritten: undefined,
          updatedAt: Date.now(),
        };
        // A put can also throw synchronously (DataCloneError), so each request is tracked as it is made.
        for (const seg of segments) pending.push(tx.objectStore('segments').put(seg));
        for (const v of results.vectors ?? []) pending.push(tx.objectStore('vectors').put({ ...v, itemId }));
        for (const t of thumbnails[i]!) pending.push(tx.objectStore('thumbnails').put(t));
        if (job) pending.push(tx.objectStore('jobs').put({ ...job, state: 'done', updatedAt: Date.now() }));
        pending.push(tx.objectStore('items').put(next));
        out.push({ item: next, segments, removedKeys: removed.keys });
      }
      pending.push(tx.objectStore('meta').put({ name: 'nextSegmentKey', value: nextKey }));
      if (vectorsChanged) pending.push(bumpVectorsVersion(tx));
      await Promise.all(pending);
      await done;
      return out;
    } catch (error) {
      for (const p of pending) p.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
      await done.catch(() => undefined);
      throw error;
    }
  }

  /**
   * Marks several jobs running at once; see startJob. `knownItems` are item records the caller already holds
   * (by item id), which are then not read again: a job exists only while its item does (removeItem deletes
   * both in one transaction), so finding the job is enough to know the item is still there.
   */
  async startJobs(
    jobIds: string[],
    stage: string,
    knownItems: ReadonlyMap<string, ItemRecord> = new Map(),
  ): Promise<Map<string, { job: JobRecord; item: ItemRecord }>> {
    const tx = this.db.transaction(['jobs', 'items'], 'readwrite');
    const jobs = tx.objectStore('jobs');
    const out = new Map<string, { job: JobRecord; item: ItemRecord }>();
    // Reads first (the jobs in one range read, then the items not already known), then the writes.
    const stored = await jobsById(jobs, jobIds);
    const found = await Promise.all(
      jobIds.map(async (id) => {
        const job = stored.get(id);
        const itemId = job?.itemId;
        const item = itemId
          ? (knownItems.get(itemId) ?? (await tx.objectStore('items').get(itemId)))
          : undefined;
        return { id, job, item };
      }),
    );
    const writes: Promise<unknown>[] = [];
    for (const { id, job, item } of found) {
      if (job && item) {
        writes.push(
          jobs.put({ ...job, state: 'running', attempts: job.attempts + 1, stage, updatedAt: Date.now() }),
        );
        out.set(id, { job, item });
      } else if (job) {
        writes.push(jobs.delete(id));
      }
    }
    await Promise.all(writes);
    await tx.done;
    return out;
  }

  /** Adds or replaces vectors of existing segments, e.g. when a space is embedded after the first pass. */
  async putVectors(vectors: VectorRecord[]): Promise<void> {
    const tx = this.db.transaction(['segments', 'vectors', 'meta'], 'readwrite');
    if (vectors.length) await bumpVectorsVersion(tx);
    for (const v of vectors) {
      const segment = await tx.objectStore('segments').get(v.segmentId);
      if (!segment || segment.itemId !== v.itemId) {
        tx.abort();
        await tx.done.catch(() => undefined);
        throw new Error(`Vector for unknown segment ${v.segmentId}`);
      }
      await tx.objectStore('vectors').put(v);
    }
    await tx.done;
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
    const tx: ItemTx = this.db.transaction(itemStores, 'readwrite');
    const item = await tx.objectStore('items').get(id);
    if (!item) {
      await tx.done;
      return null;
    }
    const removed = await removeDerived(tx, id);
    if (removed.vectors > 0) await bumpVectorsVersion(tx);
    for (const key of await tx.objectStore('jobs').index('itemId').getAllKeys(id))
      await tx.objectStore('jobs').delete(key);
    await tx.objectStore('items').delete(id);
    // A pack file goes with the last item in it; while others use it, only this file's bytes are erased.
    const pack = item.source?.kind === 'opfs' && item.source.range ? item.source.path : undefined;
    const lastInPack = !!pack && (await tx.objectStore('items').index('sourcePath').count(pack)) === 0;
    await tx.done;
    // After the records are gone, so a crash in between leaves an orphan copy (see sweepOrphanOriginals)
    // rather than an item whose original is missing.
    const packRemoved = lastInPack && (await removeStoredFile(pack!));
    if (!packRemoved) await deleteOriginal(item.source);
    return { item, keys: removed.keys };
  }

  /**
   * Empties the library: every item, segment, vector, thumbnail, job and folder (one transaction), then
   * every stored copy. Segment keys keep counting, so a key is never reused.
   */
  async clearAll(): Promise<void> {
    const stores = ['items', 'segments', 'vectors', 'thumbnails', 'jobs', 'folders', 'meta'] as const;
    const tx = this.db.transaction(stores, 'readwrite');
    for (const store of stores) if (store !== 'meta') await tx.objectStore(store).clear();
    await bumpVectorsVersion(tx);
    await tx.done;
    for (const path of await listOriginals()) await removeStoredFile(path, { force: true });
  }

  /**
   * Removes stored copies that no item points at; returns their paths. A copy is written before its item,
   * so a tab closed mid-copy leaves one behind. `olderThanMs` spares recent copies, whose items another
   * tab may be about to write.
   */
  async sweepOrphanOriginals({ olderThanMs = 0 }: { olderThanMs?: number } = {}): Promise<string[]> {
    const used = new Set<string>();
    for (const item of await this.db.getAll('items'))
      if (item.source?.kind === 'opfs') used.add(item.source.path);
    for (const job of await this.db.getAll('jobs'))
      if (job.input?.source.kind === 'opfs') used.add(job.input.source.path);
    const orphans: string[] = [];
    for (const path of await listOriginals()) {
      if (used.has(path)) continue;
      if (olderThanMs > 0) {
        const file = await openOriginal({ kind: 'opfs', path }).catch(() => undefined);
        if (!file || Date.now() - file.lastModified < olderThanMs) continue;
      }
      // A pack file still being written, here or in another tab, is left for a later sweep.
      const removed = await removeStoredFile(path).catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'NoModificationAllowedError') return false;
        throw error;
      });
      if (removed) orphans.push(path);
    }
    return orphans;
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
  async *vectorPages(pageSize = 1024): AsyncGenerator<{ vector: VectorRecord; key: number }[]> {
    let after: [string, Space] | undefined;
    for (;;) {
      const tx = this.db.transaction(['vectors', 'segments'], 'readonly');
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
  async failJob(jobId: string, error: ItemError): Promise<void> {
    const tx = this.db.transaction(['jobs', 'items'], 'readwrite');
    const job = await tx.objectStore('jobs').get(jobId);
    if (job) {
      await tx.objectStore('jobs').put({ ...job, state: 'failed', error, updatedAt: Date.now() });
      const item = job.itemId ? await tx.objectStore('items').get(job.itemId) : undefined;
      if (item) await tx.objectStore('items').put({ ...item, status: 'error', error, updatedAt: Date.now() });
    }
    await tx.done;
  }

  /**
   * Marks a job running (one more attempt) and returns it as it was before, with its item, in one
   * transaction. A job whose item is gone is deleted, and null returned.
   */
  async startJob(jobId: string, stage: string): Promise<{ job: JobRecord; item: ItemRecord } | null> {
    return (await this.startJobs([jobId], stage)).get(jobId) ?? null;
  }

  /** Puts a failed job back in the queue and its item back to pending, in one transaction. */
  async requeueJob(jobId: string): Promise<JobRecord | undefined> {
    const tx = this.db.transaction(['jobs', 'items'], 'readwrite');
    const job = await tx.objectStore('jobs').get(jobId);
    if (!job) {
      await tx.done;
      return undefined;
    }
    const next: JobRecord = { ...job, state: 'queued', error: undefined, updatedAt: Date.now() };
    await tx.objectStore('jobs').put(next);
    const item = job.itemId ? await tx.objectStore('items').get(job.itemId) : undefined;
    if (item)
      await tx
        .objectStore('items')
        .put({ ...item, status: 'pending', error: undefined, updatedAt: Date.now() });
    await tx.done;
    return next;
  }

  /**
   * Adds an item and the job that will ingest it, in one transaction, so neither exists without the other.
   * Calls made while an earlier one is being written are written together in the next transaction (files
   * are taken in several at a time, and a commit costs more than its requests); if that shared write
   * fails, each is tried again alone, so every call gets its own outcome.
   */
  addItemWithJob(item: ItemRecord, job: JobRecord): Promise<{ item: ItemRecord; existing: boolean }> {
    return new Promise((resolve, reject) => {
      this.pendingAdds.push({ item, job, resolve, reject });
      if (!this.addsRunning) void this.writePendingAdds();
    });
  }

  private readonly pendingAdds: {
    item: ItemRecord;
    job: JobRecord;
    resolve(value: { item: ItemRecord; existing: boolean }): void;
    reject(error: unknown): void;
  }[] = [];
  private addsRunning = false;

  private async writePendingAdds(): Promise<void> {
    this.addsRunning = true;
    try {
      while (this.pendingAdds.length) {
        const batch = this.pendingAdds.splice(0, 64);
        let results: { item: ItemRecord; existing: boolean }[] | undefined;
        try {
          results = await this.addItemsWithJobs(batch);
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
        }
        if (results) batch.forEach((b, i) => b.resolve(results[i]!));
        else if (batch.length > 1)
          for (const b of batch) await this.addItemsWithJobs([b]).then(([r]) => b.resolve(r!), b.reject);
      }
    } finally {
      this.addsRunning = false;
    }
  }

  /** Items with their jobs in one transaction; content already stored (or earlier in the list) is `existing`. */
  private async addItemsWithJobs(
    list: { item: ItemRecord; job: JobRecord }[],
  ): Promise<{ item: ItemRecord; existing: boolean }[]> {
    const tx = this.db.transaction(['items', 'jobs'], 'readwrite');
    const done = tx.done;
    const pending: Promise<unknown>[] = [];
    try {
      const bySha = tx.objectStore('items').index('sha256');
      const found = await Promise.all(
        list.map(({ item }) => (item.sha256 ? bySha.get(item.sha256) : undefined)),
      );
      const added = new Map<string, ItemRecord>();
      const out = list.map(({ item, job }, i) => {
        const known = found[i] ?? (item.sha256 ? added.get(item.sha256) : undefined);
        if (known) return { item: known, existing: true };
        const fresh: ItemRecord = { ...item, neverWritten: true };
        pending.push(tx.objectStore('items').add(fresh));
        pending.push(tx.objectStore('jobs').put({ ...job, itemId: item.id }));
        if (item.sha256) added.set(item.sha256, fresh);
        return { item: fresh, existing: false };
      });
      await Promise.all(pending);
      await done;
      return out;
    } catch (error) {
      for (const p of pending) p.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
      await done.catch(() => undefined);
      throw error;
    }
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

  /** Number of stored vectors of one space (to check a restored index against). */
  countVectors(space: Space): Promise<number> {
    return this.db.countFromIndex('vectors', 'space', space);
  }

  appliedMigrations(): Promise<MigrationRecord[]> {
    return this.db.getAll('migrations');
  }

  /** Record counts per store, for diagnostics and tests. */
  async counts(): Promise<Record<Exclude<StoreName, 'migrations' | 'meta'>, number>> {
    const [items, segments, vectors, thumbnails, jobs, folders] = await Promise.all(
      (['items', 'segments', 'vectors', 'thumbnails', 'jobs', 'folders'] as const).map((s) =>
        this.db.count(s),
      ),
    );
    return {
      items: items!,
      segments: segments!,
      vectors: vectors!,
      thumbnails: thumbnails!,
      jobs: jobs!,
      folders: folders!,
    };
  }
}

/** Deletes an item's segments, vectors and thumbnails; returns the segments' index keys and the vector count. */
async function removeDerived(tx: ItemTx, itemId: string): Promise<{ keys: number[]; vectors: number }> {
  const deletes: Promise<unknown>[] = [];
  const removed = removeFound(tx, await derivedOf(tx, itemId), deletes);
  await Promise.all(deletes);
  return removed;
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

/** Issues the deletes of what derivedOf found (tracked in `pending`); returns the index keys and vector count. */
function removeFound(
  tx: ItemTx,
  derived: Derived,
  pending: Promise<unknown>[],
): { keys: number[]; vectors: number } {
  const keys: number[] = [];
  for (const seg of derived.segments) {
    if (seg.key !== undefined) keys.push(seg.key);
    pending.push(tx.objectStore('segments').delete(seg.id));
  }
  for (const key of derived.vectorKeys)
    pending.push(tx.objectStore('vectors').delete(key as [string, Space]));
  for (const key of derived.thumbnailKeys) pending.push(tx.objectStore('thumbnails').delete(key as string));
  return { keys, vectors: derived.vectorKeys.length };
}

type MetaTx = IDBPTransaction<LibrarySchema, ('meta' | StoreName)[], 'readwrite'>;

async function bumpVectorsVersion(tx: MetaTx): Promise<void> {
  const meta = tx.objectStore('meta');
  const current = (await meta.get('vectorsVersion'))?.value ?? 0;
  await meta.put({ name: 'vectorsVersion', value: current + 1 });
}
