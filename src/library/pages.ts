// Reading a store a page at a time in key order, so neither an export nor an import's swap ever holds a
// whole library in memory.

/** Records per page where the caller does not say. */
export const PAGE_RECORDS = 512;

/** A store (or index) read a page at a time in key order. */
export interface KeyPaged<T> {
  getAll(range?: IDBKeyRange, count?: number): Promise<T[]>;
  getAllKeys(range?: IDBKeyRange, count?: number): Promise<IDBValidKey[]>;
}

/**
 * Up to `size` records after the key `after` (from the start without it), and the key to go on from:
 * undefined once the store is done. Both requests go to the caller's transaction, so it stays open.
 */
export async function pageAfter<T>(
  store: KeyPaged<T>,
  after: IDBValidKey | undefined,
  size = PAGE_RECORDS,
): Promise<{ values: T[]; next: IDBValidKey | undefined }> {
  const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
  const [values, keys] = await Promise.all([store.getAll(range, size), store.getAllKeys(range, size)]);
  return { values, next: values.length < size ? undefined : keys[keys.length - 1] };
}

/** Calls `visit` on every record of a store in key order, a page at a time, in the caller's transaction. */
export async function eachRecord<T>(
  store: KeyPaged<T>,
  visit: (value: T) => void,
  size = PAGE_RECORDS,
): Promise<void> {
  let after: IDBValidKey | undefined;
  do {
    const page = await pageAfter(store, after, size);
    page.values.forEach(visit);
    after = page.next;
  } while (after !== undefined);
}
