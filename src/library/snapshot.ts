// Reading the library for an export without holding it in memory: one read-only transaction to decide
// what a snapshot holds (SnapshotView: ids and counts, a page of records at a time), then the records a
// batch at a time, each batch in a short transaction of its own. What the export does with them, and how it
// notices a change between the two, is the export's business (src/backup/export-library.ts).
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { eachRecord, pageAfter } from './pages.ts';
import type {
  ItemRecord,
  LibrarySchema,
  SegmentRecord,
  Space,
  StoredThumbnail,
  VectorRecord,
} from './records.ts';

const viewStores = ['items', 'segments', 'vectors', 'thumbnails'] as const;
type ViewTx = IDBPTransaction<LibrarySchema, typeof viewStores, 'readonly'>;
/** Vector keys are small: they are read this many a page. */
const KEYS_PER_PAGE = 4096;
/** Items whose thumbnail ids are asked for at once. */
const ITEMS_PER_READ = 512;

/** The library at one moment, read inside one read-only transaction. Await nothing else while using it. */
export class SnapshotView {
  constructor(private readonly tx: ViewTx) {}

  /** Calls `visit` on every item in key order, a page at a time. */
  eachItem(visit: (item: ItemRecord) => void): Promise<void> {
    return eachRecord(this.tx.objectStore('items'), visit);
  }

  /** Calls `visit` on every segment in key order, a page at a time. */
  eachSegment(visit: (segment: SegmentRecord) => void): Promise<void> {
    return eachRecord(this.tx.objectStore('segments'), visit);
  }

  /** Calls `visit` on every vector's key in key order (segment id, then space); the numbers are not read. */
  async eachVectorKey(visit: (segmentId: string, space: Space) => void): Promise<void> {
    const vectors = this.tx.objectStore('vectors');
    let after: IDBValidKey | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const keys = await vectors.getAllKeys(range, KEYS_PER_PAGE);
      for (const [segmentId, space] of keys) visit(segmentId, space);
      if (keys.length < KEYS_PER_PAGE) return;
      after = keys[keys.length - 1];
    }
  }

  /** How many numbers a stored vector has. */
  async vectorLength(segmentId: string, space: Space): Promise<number | undefined> {
    return (await this.tx.objectStore('vectors').get([segmentId, space]))?.vector.length;
  }

  /** The ids of the thumbnails of these items, item by item. */
  async thumbnailIdsOf(itemIds: string[]): Promise<string[]> {
    const byItem = this.tx.objectStore('thumbnails').index('itemId');
    const ids: string[] = [];
    for (let at = 0; at < itemIds.length; at += ITEMS_PER_READ) {
      const found = await Promise.all(
        itemIds.slice(at, at + ITEMS_PER_READ).map((id) => byItem.getAllKeys(id)),
      );
      for (const keys of found) ids.push(...keys);
    }
    return ids;
  }
}

export class SnapshotReader {
  constructor(private readonly db: IDBPDatabase<LibrarySchema>) {}

  /** Runs `read` in one read-only transaction over items, segments, vectors and thumbnails. */
  async view<T>(read: (view: SnapshotView) => Promise<T>): Promise<T> {
    const tx = this.db.transaction(viewStores, 'readonly');
    const answer = await read(new SnapshotView(tx));
    await tx.done;
    return answer;
  }

  /** The items with these ids as they are now (undefined where one is gone), in one transaction. */
  async items(ids: string[]): Promise<(ItemRecord | undefined)[]> {
    const tx = this.db.transaction('items', 'readonly');
    return Promise.all(ids.map((id) => tx.store.get(id)));
  }

  /** Every segment in key order, `size` a page, each page read in a transaction of its own. */
  async *segmentPages(size: number): AsyncGenerator<SegmentRecord[]> {
    let after: IDBValidKey | undefined;
    do {
      const tx = this.db.transaction('segments', 'readonly');
      const page = await pageAfter(tx.store, after, size);
      yield page.values;
      after = page.next;
    } while (after !== undefined);
  }

  /** The vectors of these segments in one space (undefined where one is gone), in one transaction. */
  async vectors(space: Space, segmentIds: string[]): Promise<(VectorRecord | undefined)[]> {
    const tx = this.db.transaction('vectors', 'readonly');
    return Promise.all(segmentIds.map((id) => tx.store.get([id, space])));
  }

  /**
   * Thumbnails as they are stored (undefined where one is gone), in one transaction: their bytes can be
   * written straight out, without a Blob to make and read back for each (see thumbnail-bytes.ts).
   */
  async storedThumbnails(ids: string[]): Promise<(StoredThumbnail | undefined)[]> {
    const tx = this.db.transaction('thumbnails', 'readonly');
    return Promise.all(ids.map((id) => tx.store.get(id)));
  }
}
