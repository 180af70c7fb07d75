// The queue's part in sharing one library between tabs (src/library/tab-sync.ts). Only the leader tab runs
// jobs; a follower's queue takes files in (their items and jobs go to the shared store, and the leader is
// told to pick them up) and shows the jobs as the leader runs them, re-reading them from the store when the
// leader says they moved on. When the leader closes, the next tab takes over and runs what is stored.
import { entryOf, type Entry } from './job-entry.ts';
import type { QueueDeps } from './queue-types.ts';

/** What the support needs of its queue. */
export interface FollowerHost {
  readonly deps: QueueDeps;
  readonly entries: Map<string, Entry>;
  isClosed(): boolean;
  /** Loads the stored jobs into the queue, requeueing those a closed tab was running. */
  recover(): Promise<void>;
  beginBatchIfIdle(): void;
  emitJob(entry: Entry): void;
  changed(now?: boolean): void;
  pump(): void;
  checkIdle(): void;
}

export class FollowerSupport {
  constructor(
    private readonly host: FollowerHost,
    private leading: boolean,
  ) {}

  /** Whether this tab runs the jobs (it leads); a follower only takes files in. */
  get runsJobs(): boolean {
    return this.leading;
  }

  /** This tab now holds the library lock: load the stored jobs (the old leader's running ones were cut off) and run them. */
  async takeOver(): Promise<void> {
    const { host } = this;
    if (this.leading || host.isClosed()) return;
    await host.recover();
    this.leading = true;
    host.changed(true);
    host.pump();
  }

  /** Leader: picks up queued jobs that another tab stored. */
  async refresh(): Promise<void> {
    const { host } = this;
    if (!this.leading || host.isClosed()) return;
    let added = false;
    for (const job of await host.deps.library.listJobs('queued')) {
      if (host.entries.has(job.id)) continue;
      host.beginBatchIfIdle();
      const entry = entryOf(job);
      host.entries.set(job.id, entry);
      host.emitJob(entry);
      added = true;
    }
    if (added) host.pump();
  }

  /** Follower: re-reads the jobs this tab shows, as the leader runs them. */
  async syncFromStore(): Promise<void> {
    const { host } = this;
    if (this.leading || host.isClosed()) return;
    const lib = host.deps.library;
    for (const entry of [...host.entries.values()]) {
      if (entry.state !== 'queued' && entry.state !== 'running') continue;
      const job = await lib.getJob(entry.id);
      if (job) {
        if (job.state === entry.state && job.stage === entry.stage) continue;
        Object.assign(entry, entryOf(job));
      } else {
        // Pruned by the leader once finished: the item says how it went (or it was deleted).
        const item = entry.itemId ? await lib.getItem(entry.itemId) : undefined;
        if (!item) {
          host.entries.delete(entry.id);
          host.changed(true);
          continue;
        }
        if (item.status === 'pending' || item.status === 'processing') continue;
        entry.state = item.status === 'ready' ? 'done' : 'failed';
        entry.error = item.error;
      }
      host.emitJob(entry);
    }
    host.checkIdle();
  }
}
