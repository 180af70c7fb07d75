// The persistent ingest queue. Files come in through the intake lane (intake-lane.ts: each becomes an item
// and a job in one transaction) and are then ingested from their stored originals by jobs kept in the
// library's `jobs` store, a few at a time (job-runner.ts). Because jobs persist and results are written in
// one transaction that also marks the job done, a reload or crash mid-ingest loses nothing: on open, a job
// still marked running is queued again (crash-recovery.ts). This class holds the batch the UI sees, the
// controls, and the events; progress is computed in progress.ts, and tab sharing is follower-support.ts.
import type { ItemRecord, JobRecord } from '../../library/records.ts';
import type { IngestQueue, JobView, PauseReason, QueueEventMap, QueueSnapshot } from '../queue-events.ts';
import { recoverJobs } from './crash-recovery.ts';
import { FollowerSupport } from './follower-support.ts';
import { IntakeLane } from './intake-lane.ts';
import { entryOf, isUnfinished, queuedJobFor, viewOf, type Entry } from './job-entry.ts';
import { JobRunner } from './job-runner.ts';
import { BatchClock, remainingFiles, summarize } from './progress.ts';
import { TypedEventSource } from '../../typed-event-target.ts';
import type { IntakeEntry, IntakeResult, QueueDeps, QueueOptions } from './queue-types.ts';

export class JobQueue extends TypedEventSource<QueueEventMap> implements IngestQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly clock = new BatchClock();
  private readonly intake: IntakeLane;
  private readonly runner: JobRunner;
  private readonly tabs: FollowerSupport;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly changeIntervalMs: number;
  private running = false;
  private pauseReason: PauseReason | undefined;
  private closed = false;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private lastChange = 0;
  private idleWaiters: ((s: QueueSnapshot) => void)[] = [];
  /** 'idle' was dispatched for the current batch; reset when work arrives. */
  private idleReported = false;

  private constructor(
    private readonly deps: QueueDeps,
    options: QueueOptions,
  ) {
    super();
    this.concurrency = Math.max(1, Math.min(2, options.concurrency ?? 2));
    this.maxAttempts = options.maxAttempts ?? 3;
    this.changeIntervalMs = options.changeIntervalMs ?? 100;
    // The parts reach the queue through this one object, and only what their host interfaces name.
    const host = {
      deps,
      entries: this.entries,
      clock: this.clock,
      isClosed: () => this.closed,
      intakeBlocked: () => this.intakeBlocked(),
      taken: (job: JobRecord, item: ItemRecord | undefined) => {
        const entry = { ...entryOf(job), item };
        this.entries.set(job.id, entry);
        this.emitJob(entry);
      },
      intakeEnded: () => {
        this.changed();
        this.pump();
        this.intake.run();
        this.checkIdle();
      },
      unitEnded: () => {
        this.changed(true);
        this.pump();
        this.checkIdle();
      },
      itemReady: (itemId: string, jobId: string) => this.emit('item-ready', { itemId, jobId }),
      emitJob: (entry: Entry) => this.emitJob(entry),
      changed: (now?: boolean) => this.changed(now),
      pause: (reason: PauseReason) => this.pause(reason),
      pump: () => this.pump(),
      checkIdle: () => this.checkIdle(),
      beginBatchIfIdle: () => this.beginBatchIfIdle(),
      recover: () => this.recover(),
    };
    this.intake = new IntakeLane(deps.intake, host, Math.max(1, options.intakeConcurrency ?? 8));
    this.runner = new JobRunner(host, {
      concurrency: this.concurrency,
      imageBatch: Math.max(1, options.imageBatch ?? 16),
    });
    this.tabs = new FollowerSupport(host, options.runsJobs ?? true);
  }

  /**
   * Loads the persisted jobs: a job still marked running was interrupted (reload or crash) and is queued
   * again, unless that has happened maxAttempts times; items left pending without a job get one. The queue
   * starts working at start().
   */
  static async open(deps: QueueDeps, options: QueueOptions = {}): Promise<JobQueue> {
    const queue = new JobQueue(deps, options);
    // Another tab runs the stored jobs; touching them here (requeueing its running ones) would be wrong.
    if (queue.tabs.runsJobs) await queue.recover();
    return queue;
  }

  /** This tab now holds the library lock: load the stored jobs and run them. */
  takeOver(): Promise<void> {
    return this.tabs.takeOver();
  }

  /** Leader: picks up queued jobs that another tab stored. */
  refresh(): Promise<void> {
    return this.tabs.refresh();
  }

  /** Not the leader: re-reads the jobs this tab shows, as the leader runs them. */
  syncFromStore(): Promise<void> {
    return this.tabs.syncFromStore();
  }

  /** Starts (or restarts) work. */
  start(): void {
    if (this.closed) return;
    this.running = true;
    this.pump();
    this.intake.run();
    this.changed(true);
  }

  // ---- adding ----

  /** Queues files for intake; each promise resolves when that file is recorded (not when it is ingested). */
  add(entries: IntakeEntry[]): Promise<IntakeResult>[] {
    if (this.closed) throw new Error('The ingest queue is closed');
    this.beginBatchIfIdle();
    const promises = this.intake.add(entries);
    this.changed(true);
    this.intake.run();
    return promises;
  }

  /** Queues an existing item again (a failed file from an earlier batch). */
  async requeueItem(item: ItemRecord): Promise<string> {
    if (!item.source) throw new Error(`${item.name} has no stored original to ingest again`);
    this.beginBatchIfIdle();
    const job = queuedJobFor(item, item.source);
    await this.deps.library.putJob(job);
    await this.deps.library.updateItem(item.id, { status: 'pending', error: undefined });
    const entry = entryOf(job);
    this.entries.set(job.id, entry);
    this.emitJob(entry);
    this.pump();
    return job.id;
  }

  // ---- control ----

  /**
   * Stops a file and removes its item (a cancelled add leaves nothing in the library). Resolves when the
   * file has stopped. `keepRecord: false` also forgets the job (used when the item is being deleted).
   */
  async cancel(jobId: string, { keepRecord = true }: { keepRecord?: boolean } = {}): Promise<void> {
    if (this.intake.cancel(jobId)) {
      this.changed(true);
      this.checkIdle();
      return;
    }
    const stopping = this.runner.stop(jobId, keepRecord);
    if (stopping) return stopping;
    const entry = this.entries.get(jobId);
    if (entry?.state !== 'queued') return;
    entry.state = 'cancelled';
    await this.runner.settleCancel(entry, keepRecord);
    this.changed(true);
    this.checkIdle();
  }

  async cancelAll(options: { keepRecord?: boolean } = {}): Promise<void> {
    this.intake.cancelWaiting();
    const ids = [...this.entries.values()].filter(isUnfinished).map((e) => e.id);
    await Promise.all(ids.map((id) => this.cancel(id, options)));
    this.checkIdle();
  }

  /** Stops and forgets every job of an item that is about to be deleted. */
  async forgetItem(itemId: string): Promise<void> {
    const ids = [...this.entries.values()].filter((e) => e.itemId === itemId).map((e) => e.id);
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && isUnfinished(entry)) await this.cancel(id, { keepRecord: false });
      this.entries.delete(id);
    }
    this.changed(true);
    this.checkIdle();
  }

  /** Runs a failed file again (from its stored original). */
  async retry(jobId: string): Promise<void> {
    const entry = this.entries.get(jobId);
    if (!entry || entry.state !== 'failed') return;
    if (!entry.retryable) throw new Error(`${entry.name} cannot be retried: Trove kept no copy of it`);
    this.beginBatchIfIdle(jobId);
    const job = await this.deps.library.requeueJob(jobId);
    if (!job) return;
    Object.assign(entry, entryOf(job));
    this.emitJob(entry);
    this.changed(true);
    this.pump();
  }

  pause(reason: PauseReason = { code: 'user', message: 'Paused' }): void {
    const changed = this.pauseReason?.code !== reason.code;
    this.pauseReason = reason;
    this.clock.stop(performance.now());
    if (changed) this.emit('paused', reason);
    this.changed(true);
    this.checkIdle();
  }

  resume(): void {
    if (this.closed) return;
    this.pauseReason = undefined;
    this.running = true;
    this.changed(true);
    this.pump();
    this.intake.run();
  }

  // ---- reporting ----

  snapshot(): QueueSnapshot {
    return summarize(
      {
        entries: this.entries.values(),
        active: this.runner.activeFiles(),
        intakeCount: this.intake.count,
        pause: this.pauseReason,
        running: this.running,
      },
      this.clock,
      { concurrency: this.concurrency, now: performance.now() },
    );
  }

  subscribe(run: (snapshot: QueueSnapshot) => void): () => void {
    const listener = (e: CustomEvent<QueueSnapshot>) => run(e.detail);
    this.addEventListener('change', listener);
    run(this.snapshot());
    return () => this.removeEventListener('change', listener as EventListener);
  }

  jobs(): Promise<JobView[]> {
    return Promise.resolve([...this.entries.values()].map(viewOf));
  }

  /**
   * Resolves when nothing is left to do, or when the queue is paused and the files it was working on have
   * stopped.
   */
  whenIdle(): Promise<QueueSnapshot> {
    const s = this.snapshot();
    if (!this.runner.busy && !this.intake.busy && (s.remaining === 0 || s.state === 'paused'))
      return Promise.resolve(s);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops at once, as closing the tab would: running jobs stay marked running in the store. */
  close(): void {
    this.closed = true;
    clearTimeout(this.changeTimer);
    this.runner.abortAll();
    this.intake.close();
  }

  // ---- inside ----

  private async recover(): Promise<void> {
    for (const job of await recoverJobs(this.deps.library, this.maxAttempts))
      this.entries.set(job.id, entryOf(job));
  }

  /** A new batch starts when work arrives at an idle queue: the finished one (but `keep`) is forgotten. */
  private beginBatchIfIdle(keep?: string): void {
    if (this.remaining() > 0) return;
    // Items keep their status and errors; only the job records of the finished batch go.
    const finished = [...this.entries.values()].filter((e) => !isUnfinished(e) && e.id !== keep);
    for (const e of finished) this.entries.delete(e.id);
    // Nothing waits on it: records left by a failure are only finished jobs, which a reload does not run.
    void this.deps.library
      .deleteJobs(finished.map((e) => e.id))
      .catch((error: unknown) => console.warn('Trove: forgetting the finished jobs failed', error));
    this.clock.reset();
  }

  /** Intake goes on while the user has paused ingest (it is light, and makes files safe across a reload). */
  private intakeBlocked(): boolean {
    return !this.running || this.closed || (!!this.pauseReason && this.pauseReason.code !== 'user');
  }

  private pump(): void {
    if (this.remaining() > 0) this.idleReported = false;
    if (!this.running || this.pauseReason || this.closed || !this.tabs.runsJobs) return;
    this.runner.fill();
    this.checkIdle();
  }

  private remaining(): number {
    return remainingFiles(this.entries.values(), this.intake.size);
  }

  private checkIdle(): void {
    if (this.closed || this.runner.busy || this.intake.busy) return;
    if (this.remaining() > 0 && !this.pauseReason) return;
    if (this.pauseReason) return this.flushIdleWaiters();
    this.clock.stop(performance.now());
    const s = this.snapshot();
    if (!this.idleReported) this.emit('idle', s);
    this.idleReported = true;
    this.flushIdleWaiters();
  }

  private flushIdleWaiters(): void {
    const waiters = this.idleWaiters.splice(0);
    if (!waiters.length) return;
    const s = this.snapshot();
    for (const w of waiters) w(s);
  }

  private emitJob(entry: Entry): void {
    this.emit('job', viewOf(entry));
    this.changed();
  }

  private changed(now = false): void {
    if (this.closed) return;
    const due = this.lastChange + this.changeIntervalMs - performance.now();
    if (now || due <= 0) {
      clearTimeout(this.changeTimer);
      this.changeTimer = undefined;
      this.lastChange = performance.now();
      this.emit('change', this.snapshot());
    } else {
      this.changeTimer ??= setTimeout(() => {
        this.changeTimer = undefined;
        this.changed(true);
      }, due);
    }
  }
}
