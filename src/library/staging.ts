// The staging stores of the library database (schema v4). An import writes the records it has checked
// there, a batch per transaction, so a large file never sits in memory whole and the library's own stores
// stay as they were until the import is complete. replaceLibrary then moves the records in, in one
// transaction: the library is either the old one or the new one, never half of each, even if the tab
// closes midway. The records are moved a page at a time inside that transaction, so memory holds one
// page, not the library. What a crashed import left behind is cleared by the next one (clear). Only the
// import (src/backup) writes here, and only through ImportStaging.
import type { IDBPDatabase } from 'idb';
import { bumpVectorsVersion, nextSegmentKey } from './counters.ts';
import { CountChanges, stamped } from './item-counts.ts';
import { eachRecord, pageAfter, type KeyPaged } from './pages.ts';
import type {
  ItemRecord,
  LibrarySchema,
  OriginalSource,
  SegmentRecord,
  StoredThumbnail,
  VectorRecord,
} from './records.ts';
import { inWriteTransaction } from './write-tx.ts';

/** The stores an import is staged in, by the store each stands in for. */
export const STAGED_STORES = {
  items: 'staged-items',
  segments: 'staged-segments',
  vectors: 'staged-vectors',
  thumbnails: 'staged-thumbnails',
} as const;

const stores = Object.values(STAGED_STORES);
type StagedStore = (typeof stores)[number];
const live = [
  'items',
  'segments',
  'vectors',
  'thumbnails',
  'jobs',
  'folders',
  'item-counts',
  'postings',
] as const;

export interface Replaced {
  /** Items the library had before. */
  replacedItems: number;
  /** The replaced library's stored copies (of items and of their jobs), now referenced by nothing. */
  oldCopies: string[];
}

export class ImportStaging {
  constructor(private readonly db: IDBPDatabase<LibrarySchema>) {
    for (const name of stores)
      if (!db.objectStoreNames.contains(name))
        throw new Error(`The library database has no ${name} store (schema ${db.version}); reload Trove`);
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

  /**
   * Replaces every item, segment, vector, thumbnail, job and folder of the library with the staged
   * records, in one transaction, emptying the staging stores.
   */
  replaceLibrary(): Promise<Replaced> {
    return swapInStaged(this.db);
  }

  /** One transaction of puts; a failed request (a full disk among others) fails it as a whole. */
  private async put<S extends StagedStore>(store: S, values: LibrarySchema[S]['value'][]): Promise<void> {
    if (!values.length) return;
    await inWriteTransaction(this.db, [store], (tx, track) => {
      const target = tx.objectStore(store);
      for (const v of values) track(target.put(v));
    });
  }
}

function swapInStaged(db: IDBPDatabase<LibrarySchema>): Promise<Replaced> {
  return inWriteTransaction(db, [...live, 'meta', ...stores], async (tx) => {
    const oldCopies = new Set<string>();
    let replacedItems = 0;
    await eachRecord(tx.objectStore('items'), (item) => {
      replacedItems++;
      if (item.source?.kind === 'opfs') oldCopies.add(item.source.path);
    });
    await eachRecord(tx.objectStore('jobs'), (job) => {
      if (job.input?.source.kind === 'opfs') oldCopies.add(job.input.source.path);
    });
    const meta = tx.objectStore('meta');
    let nextKey = await nextSegmentKey(meta);
    const firstKey = nextKey;
    await Promise.all(live.map((s) => tx.objectStore(s).clear()));

    // Each item with its timeline date, and counted (the counts were cleared with the live stores).
    const counts = new CountChanges();
    await move(tx.objectStore(STAGED_STORES.items), tx.objectStore('items'), (v) => {
      const item = stamped(v);
      counts.change(undefined, item);
      return item;
    });
    await counts.apply(tx.objectStore('item-counts'));
    // Fresh index keys from the library's own counter, so no key is ever reused.
    await move(tx.objectStore(STAGED_STORES.segments), tx.objectStore('segments'), (v) => ({
      ...v,
      key: nextKey++,
    }));
    await move(tx.objectStore(STAGED_STORES.vectors), tx.objectStore('vectors'), (v) => v);
    await move(tx.objectStore(STAGED_STORES.thumbnails), tx.objectStore('thumbnails'), (v) => v);

    // The keyword index was cleared with the live stores; the new segments (keys firstKey…nextKey - 1)
    // are indexed after the swap, a page at a time (postings.ts), rather than in this transaction.
    await meta.put({ name: 'keywordFrom', value: firstKey });
    await meta.put({ name: 'keywordTo', value: nextKey });
    await meta.put({ name: 'keywordDocuments', value: 0 });
    await meta.put({ name: 'keywordLength', value: 0 });
    await meta.put({ name: 'nextSegmentKey', value: nextKey });
    // A new vectors version tells every open index that it no longer matches the store.
    await bumpVectorsVersion(meta);
    return { replacedItems, oldCopies: [...oldCopies] };
  });
}

/** Moves every record of a staging store into its library store, a page at a time, emptying the first. */
async function move<T>(
  from: KeyPaged<T> & { clear(): Promise<void> },
  to: { put(value: T): Promise<unknown> },
  map: (value: T) => T,
): Promise<void> {
  let after: IDBValidKey | undefined;
  do {
    const page = await pageAfter(from, after);
    await Promise.all(page.values.map((v) => to.put(map(v))));
    after = page.next;
  } while (after !== undefined);
  await from.clear();
}
