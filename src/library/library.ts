// The library store: items, their segments, vectors and thumbnails, the persistent jobs, and imported
// folders. Everything one item produces is written in one transaction, so a crash never leaves half an item.
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { openLibraryDb, type OpenOptions } from './open-db.ts';
import { deleteOriginal, listOriginals } from './originals.ts';
import type {
  FolderRecord,
  ItemRecord,
  ItemStatus,
  JobRecord,
  JobState,
  LibrarySchema,
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
  ('items' | 'segments' | 'vectors' | 'thumbnails' | 'jobs')[],
  'readwrite'
>;

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
  async writeItemResults(itemId: string, results: ItemResults): Promise<ItemRecord> {
    const segmentIds = new Set(results.segments.map((s) => s.id));
    for (const segment of results.segments) {
      if (segment.itemId !== itemId)
        throw new Error(`Segment ${segment.id} belongs to ${segment.itemId}, not ${itemId}`);
    }
    for (const v of results.vectors ?? []) {
      if (!segmentIds.has(v.segmentId)) throw new Error(`Vector for unknown segment ${v.segmentId}`);
    }
    const tx: ItemTx = this.db.transaction(
      ['items', 'segments', 'vectors', 'thumbnails', 'jobs'],
      'readwrite',
    );
    const done = tx.done;
    const pending: Promise<unknown>[] = [];
    try {
      const current = await tx.objectStore('items').get(itemId);
      if (!current) throw new ItemGoneError(itemId);
      const job = results.completeJobId ? await tx.objectStore('jobs').get(results.completeJobId) : undefined;
      await removeDerived(tx, itemId);
      const next: ItemRecord = {
        ...current,
        status: 'ready',
        error: undefined,
        ...results.item,
        id: itemId,
        updatedAt: Date.now(),
      };
      // Requests of one transaction run in the order they are issued, so they need not be awaited one by
      // one. A put can also throw synchronously (DataCloneError), so each request is tracked as it is made.
      for (const seg of results.segments) pending.push(tx.objectStore('segments').put(seg));
      for (const v of results.vectors ?? []) pending.push(tx.objectStore('vectors').put({ ...v, itemId }));
      for (const t of results.thumbnails ?? [])
        pending.push(tx.objectStore('thumbnails').put({ ...t, itemId }));
      if (job) pending.push(tx.objectStore('jobs').put({ ...job, state: 'done', updatedAt: Date.now() }));
      pending.push(tx.objectStore('items').put(next));
      await Promise.all(pending);
      await done;
      return next;
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

  /** Adds or replaces vectors of existing segments, e.g. when a space is embedded after the first pass. */
  async putVectors(vectors: VectorRecord[]): Promise<void> {
    const tx = this.db.transaction(['segments', 'vectors'], 'readwrite');
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
    const tx: ItemTx = this.db.transaction(
      ['items', 'segments', 'vectors', 'thumbnails', 'jobs'],
      'readwrite',
    );
    const item = await tx.objectStore('items').get(id);
    if (!item) {
      await tx.done;
      return false;
    }
    await removeDerived(tx, id);
    for (const key of await tx.objectStore('jobs').index('itemId').getAllKeys(id))
      await tx.objectStore('jobs').delete(key);
    await tx.objectStore('items').delete(id);
    await tx.done;
    // After the records are gone, so a crash in between leaves an orphan copy (see sweepOrphanOriginals)
    // rather than an item whose original is missing.
    await deleteOriginal(item.source);
    return true;
  }

  /** Removes stored copies that no item points at; returns their paths. */
  async sweepOrphanOriginals(): Promise<string[]> {
    const used = new Set<string>();
    for (const item of await this.db.getAll('items'))
      if (item.source?.kind === 'opfs') used.add(item.source.path);
    for (const job of await this.db.getAll('jobs'))
      if (job.input?.source.kind === 'opfs') used.add(job.input.source.path);
    const orphans = (await listOriginals()).filter((p) => !used.has(p));
    for (const path of orphans) await deleteOriginal({ kind: 'opfs', path });
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

  vectorsOfItem(itemId: string): Promise<VectorRecord[]> {
    return this.db.getAllFromIndex('vectors', 'itemId', itemId);
  }

  getThumbnail(id: string): Promise<ThumbnailRecord | undefined> {
    return this.db.get('thumbnails', id);
  }

  thumbnailsOfItem(itemId: string): Promise<ThumbnailRecord[]> {
    return this.db.getAllFromIndex('thumbnails', 'itemId', itemId);
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

  async deleteJob(id: string): Promise<void> {
    await this.db.delete('jobs', id);
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

  appliedMigrations(): Promise<MigrationRecord[]> {
    return this.db.getAll('migrations');
  }

  /** Record counts per store, for diagnostics and tests. */
  async counts(): Promise<Record<Exclude<StoreName, 'migrations'>, number>> {
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

async function removeDerived(tx: ItemTx, itemId: string): Promise<void> {
  const deletes: Promise<void>[] = [];
  for (const store of ['segments', 'vectors', 'thumbnails'] as const) {
    const os = tx.objectStore(store);
    for (const key of await os.index('itemId').getAllKeys(itemId)) deletes.push(os.delete(key));
  }
  await Promise.all(deletes);
}
