// The staging stores of the library database (schema v4): an import writes the records it has checked
// there, a batch per transaction, so a large file never sits in memory whole and the library's own stores
// stay as they were until the import is complete (swap-library.ts moves the records in). One import runs
// at a time per origin (a Web Lock); what a crashed import left behind is cleared by the next one.
import type { IDBPDatabase } from 'idb';
import type { Library } from '../library/library.ts';
import {
  STAGED_STORES,
  type ItemRecord,
  type LibrarySchema,
  type OriginalSource,
  type SegmentRecord,
  type StoredThumbnail,
  type VectorRecord,
} from '../library/records.ts';
import { BackupError } from './errors.ts';

const LOCK = 'trove-library-import';
const stores = Object.values(STAGED_STORES);

/** Runs `work` holding the import lock; refuses at once when another tab (or this one) is importing. */
export async function withImportLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return work();
  return locks.request(LOCK, { ifAvailable: true }, async (lock) => {
    if (!lock)
      throw new BackupError(
        'busy',
        'Another import is running (in this tab or another one). Nothing was changed; wait for it to finish, then try again.',
      );
    return work();
  });
}

export class Staging {
  private readonly db: IDBPDatabase<LibrarySchema>;

  constructor(library: Library) {
    this.db = library.db;
    for (const name of stores)
      if (!this.db.objectStoreNames.contains(name))
        throw new Error(
          `The library database has no ${name} store (schema ${this.db.version}); reload Trove`,
        );
  }

  /** Empties every staging store. */
  async clear(): Promise<void> {
    const tx = this.db.transaction(stores, 'readwrite');
    await Promise.all([...stores.map((s) => tx.objectStore(s).clear()), tx.done]);
  }

  addItems(items: ItemRecord[]): Promise<void> {
    return this.put(STAGED_STORES.items, items);
  }

  addSegments(segments: SegmentRecord[]): Promise<void> {
    return this.put(STAGED_STORES.segments, segments);
  }

  addVectors(vectors: VectorRecord[]): Promise<void> {
    return this.put(STAGED_STORES.vectors, vectors);
  }

  addThumbnails(thumbnails: StoredThumbnail[]): Promise<void> {
    return this.put(STAGED_STORES.thumbnails, thumbnails);
  }

  getItem(id: string): Promise<ItemRecord | undefined> {
    return this.db.get(STAGED_STORES.items, id);
  }

  /** Points a staged item at the stored copy of its original. */
  async setSource(id: string, source: OriginalSource): Promise<void> {
    const tx = this.db.transaction(STAGED_STORES.items, 'readwrite');
    const item = await tx.store.get(id);
    if (item) await tx.store.put({ ...item, source });
    await tx.done;
  }

  /** One transaction of puts; a failed request (a full disk among others) fails it as a whole. */
  private async put<S extends (typeof stores)[number]>(
    store: S,
    values: LibrarySchema[S]['value'][],
  ): Promise<void> {
    if (!values.length) return;
    const tx = this.db.transaction(store, 'readwrite');
    const pending: Promise<unknown>[] = [];
    try {
      for (const v of values) pending.push(tx.store.put(v as never));
      await Promise.all([...pending, tx.done]);
    } catch (error) {
      for (const p of pending) p.catch(() => undefined);
      tx.done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // Already aborted.
      }
      // The request's error is often only "the transaction was aborted"; the transaction's says why.
      throw tx.error ?? error;
    }
  }
}
