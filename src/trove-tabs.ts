// A Trove's part in sharing its library with the other tabs open on it (src/library/tab-sync.ts): it tells
// them what this tab's queue does, follows what they change, and takes over the library's work when the
// leader tab closes. The other posts (an item deleted, the library cleared or imported) are one line each
// where they happen, in trove.ts.
import type { IndexSync } from './ingest/index-sync.ts';
import type { JobQueue } from './ingest/queue/job-queue.ts';
import type { Space } from './library/records.ts';
import type { LibraryMessage, TabSync } from './library/tab-sync.ts';
import type { TabRole, TroveEventMap } from './trove-api.ts';
import type { RestoreReport } from './vector-index/types.ts';

/** What the wiring needs of its Trove. */
export interface TabPeer {
  readonly tabs: TabSync;
  readonly queue: JobQueue;
  readonly sync: IndexSync;
  emit<K extends keyof TroveEventMap>(type: K, detail: TroveEventMap[K]): void;
  /** Tells listeners the library was replaced, in the events a search catalog follows. */
  afterReplace(reason: 'cleared' | 'imported'): Promise<void>;
  isClosed(): boolean;
}

/** Opens the persisted vector indexes again, in the tab that now leads; returns what each restore found. */
export type ReopenIndexes = () => Promise<Partial<Record<Space, RestoreReport>>>;

export class TroveTabs {
  private leading: boolean;

  constructor(private readonly peer: TabPeer) {
    const { tabs, queue } = peer;
    this.leading = tabs.isLeader;
    tabs.subscribe((message) => void this.follow(message)); // it reports its own failures
    // The leader tells other tabs when its jobs move on, a few times a second at most; a follower tells the
    // leader about the jobs it stored, for the leader to run.
    let jobsTimer: ReturnType<typeof setTimeout> | undefined;
    queue.addEventListener('job', ({ detail: job }) => {
      if (!this.leading) {
        if (job.state === 'queued') tabs.post({ type: 'jobs-added', jobIds: [job.id] });
        return;
      }
      jobsTimer ??= setTimeout(() => {
        jobsTimer = undefined;
        tabs.post({ type: 'jobs-changed' });
      }, 250);
    });
  }

  get role(): TabRole {
    return this.leading ? 'leader' : 'follower';
  }

  /** In a follower: takes over the library's work once this tab gets the lock (the leader closed). */
  takeOverWhenLeader(reopen: ReopenIndexes): void {
    if (this.leading) return;
    void this.peer.tabs.whenLeader.then(() =>
      this.promote(reopen).catch((error: unknown) =>
        console.warn('Trove: taking over from the closed tab failed', error),
      ),
    );
  }

  /** Persisted indexes first (checked against the store), then the stored jobs. */
  private async promote(reopen: ReopenIndexes): Promise<void> {
    const { sync, queue } = this.peer;
    const reports = await sync.takeOverPersisted(reopen);
    const rebuilt = await sync.verify(reports);
    for (const r of rebuilt) this.peer.emit('index-rebuilt', r);
    await queue.takeOver();
    this.leading = true;
    this.peer.emit('tab-role', { role: 'leader' });
  }

  private async follow(message: LibraryMessage): Promise<void> {
    const { sync, queue } = this.peer;
    try {
      switch (message.type) {
        case 'item-ready':
          await sync.applyRemote(message);
          await queue.syncFromStore();
          this.peer.emit('item-ready', { itemId: message.itemId });
          return;
        case 'item-removed':
          await sync.applyRemote(message);
          await queue.forgetItem(message.itemId);
          this.peer.emit('item-removed', { itemId: message.itemId, keys: message.keys });
          return;
        case 'jobs-added':
          await queue.refresh();
          return;
        case 'jobs-changed':
          await queue.syncFromStore();
          return;
        case 'library-replaced':
          await sync.rebuildFromStore();
          await this.peer.afterReplace(message.reason);
          return;
      }
    } catch (error) {
      if (!this.peer.isClosed())
        console.warn(`Trove: could not follow another tab's change (${message.type})`, error);
    }
  }
}
