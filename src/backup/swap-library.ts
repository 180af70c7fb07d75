// Replaces the library's records with the staged ones (staging.ts) in one transaction: the library is
// either the old one or the new one, never half of each, even if the tab closes midway. The records are
// moved a page at a time inside that transaction, so memory holds one page, not the library.
import type { IDBPObjectStore, IDBPTransaction } from 'idb';
import type { Library } from '../library/library.ts';
import { STAGED_STORES, type LibrarySchema, type SegmentRecord } from '../library/records.ts';
import { pageAfter, type KeyPaged } from './batches.ts';

const live = ['items', 'segments', 'vectors', 'thumbnails', 'jobs', 'folders'] as const;
const scope = [...live, 'meta', ...Object.values(STAGED_STORES)] as const;
type SwapTx = IDBPTransaction<LibrarySchema, (typeof scope)[number][], 'readwrite'>;
type AnyStore = IDBPObjectStore<LibrarySchema, (typeof scope)[number][], (typeof scope)[number], 'readwrite'>;

export interface Swapped {
  /** Items the library had before. */
  replacedItems: number;
  /** The replaced library's stored copies (of items and of their jobs), now referenced by nothing. */
  oldCopies: string[];
}

export async function swapInStaged(library: Library): Promise<Swapped> {
  const tx: SwapTx = library.db.transaction([...scope], 'readwrite');
  const done = tx.done;
  try {
    const oldCopies = new Set<string>();
    let replacedItems = 0;
    await eachPage(tx.objectStore('items'), (item) => {
      replacedItems++;
      if (item.source?.kind === 'opfs') oldCopies.add(item.source.path);
    });
    await eachPage(tx.objectStore('jobs'), (job) => {
      if (job.input?.source.kind === 'opfs') oldCopies.add(job.input.source.path);
    });
    const meta = tx.objectStore('meta');
    let nextKey = (await meta.get('nextSegmentKey'))?.value ?? 1;
    const vectorsVersion = (await meta.get('vectorsVersion'))?.value ?? 0;
    await Promise.all(live.map((s) => tx.objectStore(s).clear()));

    await move(tx, STAGED_STORES.items, 'items', (v) => v);
    // Fresh index keys from the library's own counter, so no key is ever reused.
    await move(tx, STAGED_STORES.segments, 'segments', (v) => ({ ...(v as SegmentRecord), key: nextKey++ }));
    await move(tx, STAGED_STORES.vectors, 'vectors', (v) => v);
    await move(tx, STAGED_STORES.thumbnails, 'thumbnails', (v) => v);

    await meta.put({ name: 'nextSegmentKey', value: nextKey });
    // A new vectors version tells every open index that it no longer matches the store.
    await meta.put({ name: 'vectorsVersion', value: vectorsVersion + 1 });
    await done;
    return { replacedItems, oldCopies: [...oldCopies] };
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted.
    }
    await done.catch(() => undefined);
    throw tx.error ?? error;
  }
}

/** Calls `visit` on every record of a store, a page at a time, inside the caller's transaction. */
async function eachPage<S extends 'items' | 'jobs'>(
  store: IDBPObjectStore<LibrarySchema, (typeof scope)[number][], S, 'readwrite'>,
  visit: (value: LibrarySchema[S]['value']) => void,
): Promise<void> {
  let after: IDBValidKey | undefined;
  do {
    const page = await pageAfter(store, after);
    page.values.forEach(visit);
    after = page.next;
  } while (after !== undefined);
}

/** Moves every record of a staging store into its library store, a page at a time, emptying the first. */
async function move(
  tx: SwapTx,
  from: (typeof STAGED_STORES)[keyof typeof STAGED_STORES],
  to: (typeof live)[number],
  map: (value: unknown) => unknown,
): Promise<void> {
  const source = tx.objectStore(from) as unknown as AnyStore;
  const target = tx.objectStore(to) as unknown as AnyStore;
  let after: IDBValidKey | undefined;
  do {
    const page = await pageAfter(source as unknown as KeyPaged<unknown>, after);
    await Promise.all(page.values.map((v) => target.put(map(v) as never)));
    after = page.next;
  } while (after !== undefined);
  await source.clear();
}
