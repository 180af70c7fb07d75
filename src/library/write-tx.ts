// The one way the library writes several requests as a whole. IndexedDB keeps a transaction's writes only
// when every request succeeds and the transaction commits; this helper makes the failure side as careful:
// it aborts at the first error (so nothing half-written is kept), handles the rejections of requests still
// in flight (so none is reported as unhandled), and throws the error that says why.
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { LibrarySchema } from './records.ts';

type Stores = ArrayLike<StoreNames<LibrarySchema>>;

export type WriteTx<Names extends Stores> = IDBPTransaction<LibrarySchema, Names, 'readwrite'>;

/**
 * Notes a request of the transaction and hands its promise back; noted requests are awaited before the
 * commit, so a body need not await them (and lint lets their calls float: eslint.config.js).
 */
export type Track = <T>(request: Promise<T>) => Promise<T>;

/**
 * Runs `body` in one readwrite transaction over `stores` and resolves with its answer once the transaction
 * has committed. `body` may await only requests of this transaction (awaiting anything else lets the
 * transaction commit early). Requests it makes through `track` it need not await. If `body` throws or a
 * request fails, the transaction is aborted and the error thrown: the transaction's own where it has one
 * (a request's is often only "the transaction was aborted"; the transaction's says why, e.g. a full disk).
 */
export async function inWriteTransaction<Names extends Stores, R>(
  db: IDBPDatabase<LibrarySchema>,
  stores: Names,
  body: (tx: WriteTx<Names>, track: Track) => R | Promise<R>,
): Promise<R> {
  const tx = db.transaction(stores, 'readwrite');
  const done = tx.done;
  const pending: Promise<unknown>[] = [];
  // `done` and the tracked requests are all observed below (awaited, or after the abort); these handlers
  // only keep a failure that comes while the body is still running from being reported as unhandled.
  done.catch(() => undefined);
  const track: Track = (request) => {
    pending.push(request);
    request.catch(() => undefined);
    return request;
  };
  try {
    const result = await body(tx, track);
    await Promise.all(pending);
    await done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted.
    }
    // The abort rejects `done`: that is expected here; the error worth throwing is the transaction's (or
    // the body's), below.
    await done.catch(() => undefined);
    throw tx.error ?? error;
  }
}
