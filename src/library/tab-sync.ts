// Two or more tabs on one library. The library store (IndexedDB) is shared and its transactions keep it
// whole; what tabs must coordinate is the work around it:
//
// - Leadership (Web Locks): one tab at a time holds the 'trove-library' lock. It runs the ingest queue and
//   owns the persisted vector indexes (their OPFS file can be open in one worker only). Other tabs wait in
//   line for the lock, and the next one takes over when the leader's tab closes (the browser releases a
//   closed tab's locks).
// - Messages (BroadcastChannel): a tab that stores or removes items says so, so every other tab refreshes
//   its view and its in-memory indexes; a tab that queues files tells the leader to pick them up.
//
// Messages carry ids only; every tab reads the records themselves from the shared store.

export type LibraryMessage =
  /** An item's results are stored (new or re-ingested); `removedKeys` are index keys its segments no longer have. */
  | { type: 'item-ready'; itemId: string; removedKeys: number[] }
  /** An item is gone, with the index keys its segments had. */
  | { type: 'item-removed'; itemId: string; keys: number[] }
  /** Jobs were added to the shared jobs store by a tab that is not the leader. */
  | { type: 'jobs-added'; jobIds: string[] }
  /** The leader's jobs moved on (started, finished, failed); other tabs re-read the jobs they show. */
  | { type: 'jobs-changed' }
  /** The whole library changed at once (cleared, or replaced by an import): reload everything. */
  | { type: 'library-replaced'; reason: 'cleared' | 'imported' };

export interface Envelope {
  message: LibraryMessage;
  /** The tab that sent it. */
  from: string;
}

export interface TabSync {
  /** This tab's id, unique per page load. */
  readonly tabId: string;
  /** Whether this tab holds the library lock now. */
  readonly isLeader: boolean;
  /** Resolves once this tab holds the library lock (at once if it already does). */
  readonly whenLeader: Promise<void>;
  /** Resolves once it is known whether this tab started as the leader. */
  readonly ready: Promise<{ isLeader: boolean }>;
  /** Tells every other tab (never this one); does nothing once closed. */
  post(message: LibraryMessage): void;
  /** Calls `listener` for every message from another tab; returns the unsubscribe function. */
  subscribe(listener: (message: LibraryMessage, from: string) => void): () => void;
  /**
   * Runs `work` once this tab leads (at once in the leader tab; another tab waits for the lock), one call
   * at a time. For work that must not overlap another tab's ingest: import, clear. The caller pauses its
   * own queue first.
   */
  exclusive<T>(work: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
  /** Gives up leadership (or the place in line) and stops listening; resolves once the lock is free. */
  close(): Promise<void>;
}

export interface TabSyncOptions {
  /** Lock and channel name; tests use their own. */
  name?: string;
  locks?: LockManager;
}

export const LIBRARY_LOCK = 'trove-library';

export function createTabSync(options: TabSyncOptions = {}): TabSync {
  const name = options.name ?? LIBRARY_LOCK;
  const locks = options.locks ?? navigator.locks;
  const tabId = crypto.randomUUID();
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: LibraryMessage, from: string) => void>();
  const abort = new AbortController();
  let closed = false;

  let isLeader = false;
  let becameLeader!: () => void;
  const whenLeader = new Promise<void>((resolve) => (becameLeader = resolve));
  let releaseLock!: () => void;
  const held = new Promise<void>((resolve) => (releaseLock = resolve));
  let settleReady!: (v: { isLeader: boolean }) => void;
  const ready = new Promise<{ isLeader: boolean }>((resolve) => (settleReady = resolve));

  const lead = async () => {
    isLeader = true;
    becameLeader();
    await held;
  };
  // First ask without waiting, to know at once whether this tab leads; if not, queue for the lock. Each
  // request's promise settles once the lock it got is released (or the wait is given up).
  let held$: Promise<unknown> = locks
    .request(name, { ifAvailable: true }, async (lock) => {
      if (lock) {
        settleReady({ isLeader: true });
        return lead();
      }
      settleReady({ isLeader: false });
      held$ = locks.request(name, { signal: abort.signal }, lead).catch((error: unknown) => {
        // close() gives up the wait by aborting it; any other failure leaves this tab a follower for good.
        if (!abort.signal.aborted) console.warn('Trove: waiting to lead the library failed', error);
      });
    })
    .catch(() => settleReady({ isLeader: false }));

  channel.onmessage = (event: MessageEvent) => {
    const envelope = event.data as Envelope;
    if (!isEnvelope(envelope) || envelope.from === tabId) return;
    for (const listener of listeners) listener(envelope.message, envelope.from);
  };

  // Work that must not overlap ingest runs under the leadership; a tab that is not leader waits for it.
  let exclusiveChain: Promise<unknown> = Promise.resolve();

  return {
    tabId,
    get isLeader() {
      return isLeader;
    },
    whenLeader,
    ready,
    post(message) {
      // A late timer or callback of a closed tab has no one left to tell.
      if (closed) return;
      channel.postMessage({ message, from: tabId } satisfies Envelope);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exclusive(work, opts = {}) {
      const run = async () => {
        if (!isLeader) {
          await new Promise<void>((resolve, reject) => {
            const signal = opts.signal;
            if (signal?.aborted) return reject(signal.reason);
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            void whenLeader.then(resolve); // whenLeader never rejects
          });
        }
        return work();
      };
      const result = exclusiveChain.then(run, run);
      // The chain only orders the work: each caller gets its own failure through `result`.
      exclusiveChain = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      abort.abort();
      releaseLock();
      isLeader = false;
      listeners.clear();
      channel.close();
      // The first request may still be choosing between leading and queueing; wait for whichever holds.
      await ready;
      await held$;
    },
  };
}

const types = new Set(['item-ready', 'item-removed', 'jobs-added', 'jobs-changed', 'library-replaced']);

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const { message, from } = value as Partial<Envelope>;
  return (
    typeof from === 'string' && typeof message === 'object' && message !== null && types.has(message.type)
  );
}
