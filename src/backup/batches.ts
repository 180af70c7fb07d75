// How much of a library an export or an import holds at once. Records, vectors and thumbnails are read and
// written in batches of at most BATCH_RECORDS records and about BATCH_BYTES bytes, each in its own
// IndexedDB request or transaction; what stays in memory for the whole run is an index of ids (tens of
// bytes per record) so references can be checked, never the records themselves.

/** Records per staging write, and per page when the export reads the library or the import swaps it in. */
export const BATCH_RECORDS = 512;
/** Bytes of records (JSON text, vector rows, thumbnails) gathered before they are written. */
export const BATCH_BYTES = 4 * 1024 * 1024;

/** A store (or index) read a page at a time in key order. */
export interface KeyPaged<T> {
  getAll(range?: IDBKeyRange, count?: number): Promise<T[]>;
  getAllKeys(range?: IDBKeyRange, count?: number): Promise<IDBValidKey[]>;
}

/**
 * Up to BATCH_RECORDS records after the key `after` (from the start without it), and the key to go on from:
 * undefined once the store is done. Both requests go to the caller's transaction, so it stays open.
 */
export async function pageAfter<T>(
  store: KeyPaged<T>,
  after: IDBValidKey | undefined,
): Promise<{ values: T[]; next: IDBValidKey | undefined }> {
  const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
  const [values, keys] = await Promise.all([
    store.getAll(range, BATCH_RECORDS),
    store.getAllKeys(range, BATCH_RECORDS),
  ]);
  return { values, next: values.length < BATCH_RECORDS ? undefined : keys[keys.length - 1] };
}
