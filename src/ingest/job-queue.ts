// The persistent ingest queue. Files come in through an in-memory intake lane (copy into the library, hash,
// dedupe: each becomes an item and a job in one transaction) and are then ingested from their stored
// originals by jobs kept in the library's `jobs` store, a few at a time. Because jobs persist and results
// are written in one transaction that also marks the job done, a reload or crash mid-ingest loses nothing:
// on open, a job still marked running is queued again and re-run from its stored original.
//
// Per-file trouble (a corrupt file, an unsupported codec) fails that job alone, with its reason on the job
// and the item. Trouble with storage itself (QuotaExceededError) or folder permission pauses the whole
// queue; the job that hit it goes back to the queue untouched.
import type { Library } from '../library/library.ts';
import type { ItemError, ItemRecord, JobRecord, JobState } from '../library/records.ts';
import type { MediaKind } from './detect-type.ts';
import { EtaEstimator } from './eta.ts';
import { classifyFailure } from './failure.ts';
import type {
  FileProgress,
  IngestStage,
  JobView,
  PauseReason,
  QueueEventMap,
  QueueSnapshot,
} from './queue-events.ts';
import { fileFraction } from './stage-weights.ts';

type Kind = MediaKind | 'unknown';

/** A file waiting to be taken into the library (in memory only: a dropped File cannot outlive the page). */
export type IntakeEntry =
  | { kind: 'file'; file: File; folderPath: string }
  | { kind: 'folder-file'; handle: FileSystemFileHandle; name: string; folderId: string; folderPath: string };

export type IntakeOutcome =
  | { outcome: 'queued'; item: ItemRecord; job: JobRecord }
  /** Detection refused the file; its item records why, and `job` is a failed job for the batch list. */
  | { outcome: 'refused'; item: ItemRecord; job: JobRecord }
  | { outcome: 'duplicate'; item: ItemRecord };

export interface IntakeResult {
  name: string;
  outcome: 'queued' | 'refused' | 'duplicate' | 'cancelled' | 'failed';
  itemId?: string;
  jobId: string;
  error?: ItemError;
}

export interface QueueDeps {
  library: Library;
  /** Records a file as an item (with the job `job` when it is accepted). */
  intake(entry: IntakeEntry, job: Omit<JobRecord, 'itemId' | 'input'>): Promise<IntakeOutcome>;
  /** Ingests a job's item: decode, encode, write (marking the job done), index. */
  ingest(
    job: JobRecord,
    item: ItemRecord,
    run: { onProgress: (stage: IngestStage, fraction: number) => void; signal: AbortSignal },
  ): Promise<void>;
  /**
   * Ingests several image items together (see image-batch.ts); one outcome per entry, in order. Without it,
   * images run one by one through `ingest`.
   */
  ingestImages?(
    entries: {
      job: JobRecord;
      item: ItemRecord;
      signal: AbortSignal;
      onProgress: (stage: IngestStage, fraction: number) => void;
    }[],
  ): Promise<{ ok: boolean; error?: unknown }[]>;
  /** Removes a cancelled file's item everywhere (store, index, stored copy). */
  discard(itemId: string): Promise<void>;
}

export interface QueueOptions {
  /** Images ingested together as one slot (default 16; 1 runs them one by one). */
  imageBatch?: number;
  /**
   * Files taken in at once (default 8). Taking a file in is mostly waiting (its copy into OPFS, its item's
   * commit), so several overlap well.
   */
  intakeConcurrency?: number;
  /** Files ingested at once (default 2; at most one of them a video or audio file). */
  concurrency?: number;
  /** A job interrupted by a crash this many times is failed instead of re-run (default 3). */
  maxAttempts?: number;
  /** Minimum time between 'change' events (default 100 ms). */
  changeIntervalMs?: number;
  /**
   * false in a tab that does not hold the library lock (src/library/tab-sync.ts): files are taken in (items
   * and jobs stored) but the leader tab runs the jobs, until takeOver(). Default true.
   */
  runsJobs?: boolean;
}

interface Entry {
  id: string;
  itemId?: string;
  name: string;
  kind: Kind;
  size: number;
  state: JobState;
  attempts: number;
  stage?: string;
  error?: ItemError;
  retryable: boolean;
  /** The item as intake stored it, until the job starts (saves reading it back). */
  item?: ItemRecord;
}

interface Active {
  entry: Entry;
  controller: AbortController;
  stage: IngestStage;
  stageFraction: number;
  startedAt: number;
  heavy: boolean;
  cancelled: boolean;
  /** Keep a 'cancelled' job record for the batch list (false when the item is being deleted anyway). */
  keepRecord: boolean;
  settled: Promise<void>;
  settle(): void;
}

interface PendingIntake {
  id: string;
  entry: IntakeEntry;
  name: string;
  size: number;
  resolve(result: IntakeResult): void;
}

const heavyKinds = new Set<Kind>(['video', 'audio']);

let sequence = 0;
/** Job ids sort in the order jobs were made, so the queue keeps its order across reloads. */
export function newJobId(): string {
  sequence = (sequence + 1) % 1e6;
  return `${Date.now().toString(36).padStart(9, '0')}-${String(sequence).padStart(6, '0')}-${crypto.randomUUID().slice(0, 8)}`;
}

export class JobQueue extends EventTarget {
  private readonly entries = new Map<string, Entry>();
  private readonly active = new Map<string, Active>();
  private readonly intakes: PendingIntake[] = [];
  /** Ids of the intakes in progress (at most intakeConcurrency). */
  private readonly intaking = new Set<string>();
  private readonly intakeConcurrency: number;
  private running = false;
  private pauseReason: PauseReason | undefined;
  private closed = false;
  private readonly eta = new EtaEstimator();
  private busyMs = 0;
  private wallMs = 0;
  private wallFrom: number | null = null;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private lastChange = 0;
  private readonly concurrency: number;
  private readonly imageBatch: number;
  /** Slots in use: a file, or a batch of images. */
  private units = 0;
  private readonly maxAttempts: number;
  private readonly changeIntervalMs: number;
  private runsJobs: boolean;
  private idleWaiters: ((s: QueueSnapshot) => void)[] = [];
  /** 'idle' was dispatched for the current batch; reset when work arrives. */
  private idleReported = false;

  private constructor(
    private readonly deps: QueueDeps,
    options: QueueOptions,
  ) {
    super();
    this.concurrency = Math.max(1, Math.min(2, options.concurrency ?? 2));
    this.imageBatch = Math.max(1, options.imageBatch ?? 16);
    this.intakeConcurrency = Math.max(1, options.intakeConcurrency ?? 8);
    this.maxAttempts = options.maxAttempts ?? 3;
    this.changeIntervalMs = options.changeIntervalMs ?? 100;
    this.runsJobs = options.runsJobs ?? true;
  }

  /**
   * Loads the persisted jobs: a job still marked running was interrupted (reload or crash) and is queued
   * again, unless that has happened maxAttempts times; items left pending without a job get one. The queue
   * starts working at start().
   */
  static async open(deps: QueueDeps, options: QueueOptions = {}): Promise<JobQueue> {
    const queue = new JobQueue(deps, options);
    // Another tab runs the stored jobs; touching them here (requeueing its running ones) would be wrong.
    if (queue.runsJobs) await queue.recover();
    return queue;
  }

  /** This tab now holds the library lock: load the stored jobs (the old leader's running ones were cut off) and run them. */
  async takeOver(): Promise<void> {
    if (this.runsJobs || this.closed) return;
    await this.recover();
    this.runsJobs = true;
    this.changed(true);
    this.pump();
  }

  /** Leader: picks up queued jobs that another tab stored. */
  async refresh(): Promise<void> {
    if (!this.runsJobs || this.closed) return;
    let added = false;
    for (const job of await this.deps.library.listJobs('queued')) {
      if (this.entries.has(job.id)) continue;
      this.beginBatchIfIdle();
      this.entries.set(job.id, entryOf(job));
      this.emitJob(this.entries.get(job.id)!);
      added = true;
    }
    if (added) this.pump();
  }

  /** Not the leader: re-reads the jobs this tab shows, as the leader runs them. */
  async syncFromStore(): Promise<void> {
    if (this.runsJobs || this.closed) return;
    const lib = this.deps.library;
    for (const entry of [...this.entries.values()]) {
      if (entry.state !== 'queued' && entry.state !== 'running') continue;
      const job = await lib.getJob(entry.id);
      if (job) {
        if (job.state === entry.state && job.stage === entry.stage) continue;
        Object.assign(entry, entryOf(job));
      } else {
        // Pruned by the leader once finished: the item says how it went (or it was deleted).
        const item = entry.itemId ? await lib.getItem(entry.itemId) : undefined;
        if (!item) {
          this.entries.delete(entry.id);
          this.changed(true);
          continue;
        }
        if (item.status === 'pending' || item.status === 'processing') continue;
        entry.state = item.status === 'ready' ? 'done' : 'failed';
        entry.error = item.error;
      }
      this.emitJob(entry);
    }
    this.checkIdle();
  }

  private async recover(): Promise<void> {
    const lib = this.deps.library;
    const jobs = await lib.listJobs();
    const open = new Set<string>();
    for (const job of jobs) {
      if (job.state === 'running') {
        if (job.attempts >= this.maxAttempts) {
          const error: ItemError = {
            code: 'crashed',
            message: `Trove stopped ${job.attempts} times while ingesting this file (the tab closed or crashed); it may be too large for this device`,
            stage: job.stage,
          };
          await lib.failJob(job.id, error);
          job.state = 'failed';
          job.error = error;
        } else {
          job.state = 'queued';
          await lib.putJob({ ...job, updatedAt: Date.now() });
        }
      }
      if (job.state === 'queued' && job.itemId) open.add(job.itemId);
    }
    // An item whose job was never written (a crash between two steps of an older version) gets one now.
    for (const item of await lib.listItems({ status: 'pending' })) {
      if (open.has(item.id) || !item.source) continue;
      const job: JobRecord = {
        id: newJobId(),
        itemId: item.id,
        state: 'queued',
        attempts: 0,
        createdAt: Date.now(),
        updatedAt: Date.now(),
        input: { name: item.name, folderPath: item.folderPath, folderId: item.folderId, source: item.source },
        kind: item.kind,
        size: item.size,
      };
      await lib.putJob(job);
      jobs.push(job);
    }
    const unfinished = jobs.some((j) => j.state === 'queued');
    for (const job of jobs.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      // The batch the UI counts is the unfinished one; jobs of a finished batch are pruned.
      if (!unfinished && job.state !== 'queued') {
        await lib.deleteJob(job.id);
        continue;
      }
      this.entries.set(job.id, entryOf(job));
    }
  }

  /** Starts (or restarts) work. */
  start(): void {
    if (this.closed) return;
    this.running = true;
    this.pump();
    this.runIntake();
    this.changed(true);
  }

  // ---- adding ----

  /** Queues files for intake; each promise resolves when that file is recorded (not when it is ingested). */
  add(entries: IntakeEntry[]): Promise<IntakeResult>[] {
    if (this.closed) throw new Error('The ingest queue is closed');
    this.beginBatchIfIdle();
    const promises = entries.map(
      (entry) =>
        new Promise<IntakeResult>((resolve) => {
          const name = entry.kind === 'file' ? entry.file.name : entry.name;
          const size = entry.kind === 'file' ? entry.file.size : 0;
          this.intakes.push({ id: newJobId(), entry, name, size, resolve });
        }),
    );
    this.changed(true);
    this.runIntake();
    return promises;
  }

  /** Queues an existing item again (a failed file from an earlier batch). */
  async requeueItem(item: ItemRecord): Promise<string> {
    if (!item.source) throw new Error(`${item.name} has no stored original to ingest again`);
    this.beginBatchIfIdle();
    const job: JobRecord = {
      id: newJobId(),
      itemId: item.id,
      state: 'queued',
      attempts: 0,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      input: { name: item.name, folderPath: item.folderPath, folderId: item.folderId, source: item.source },
      kind: item.kind,
      size: item.size,
    };
    await this.deps.library.putJob(job);
    await this.deps.library.updateItem(item.id, { status: 'pending', error: undefined });
    this.entries.set(job.id, entryOf(job));
    this.emitJob(this.entries.get(job.id)!);
    this.pump();
    return job.id;
  }

  /** A new batch starts when work arrives at an idle queue: the finished one (but `keep`) is forgotten. */
  private beginBatchIfIdle(keep?: string): void {
    if (this.remaining() > 0) return;
    // Items keep their status and errors; only the job records of the finished batch go.
    const finished = [...this.entries.values()].filter(
      (e) => e.state !== 'queued' && e.state !== 'running' && e.id !== keep,
    );
    for (const e of finished) this.entries.delete(e.id);
    void this.deps.library.deleteJobs(finished.map((e) => e.id)).catch(() => undefined);
    this.eta.reset();
    this.busyMs = 0;
    this.wallMs = 0;
    this.wallFrom = null;
  }

  /** Intake goes on while the user has paused ingest (it is light, and makes files safe across a reload). */
  private intakeBlocked(): boolean {
    return !this.running || this.closed || (!!this.pauseReason && this.pauseReason.code !== 'user');
  }

  /** Starts intakes up to the intake concurrency; each one that ends starts the next. */
  private runIntake(): void {
    for (const next of this.intakes) {
      if (this.intaking.size >= this.intakeConcurrency || this.intakeBlocked()) break;
      if (this.intaking.has(next.id)) continue;
      this.intaking.add(next.id);
      void this.intakeOne(next);
    }
  }

  private async intakeOne(next: PendingIntake): Promise<void> {
    const now = Date.now();
    const job = { id: next.id, state: 'queued' as const, attempts: 0, createdAt: now, updatedAt: now };
    let result: IntakeResult | undefined;
    try {
      const outcome = await this.deps.intake(next.entry, job);
      if (this.closed) return;
      result = { name: next.name, outcome: outcome.outcome, itemId: outcome.item.id, jobId: next.id };
      if (outcome.outcome !== 'duplicate') {
        const item = outcome.outcome === 'queued' ? outcome.item : undefined;
        this.entries.set(outcome.job.id, { ...entryOf(outcome.job), item });
        this.emitJob(this.entries.get(outcome.job.id)!);
      }
    } catch (error) {
      if (this.closed) return;
      const failure = classifyFailure(error, 'intake');
      if (failure.kind === 'quota' || failure.kind === 'permission') {
        // The file stays in the intake list, to be taken in again on resume.
        this.pause({ code: failure.kind, message: failure.message });
      } else {
        const itemError =
          failure.kind === 'file'
            ? failure.error
            : { code: 'intake-failed', message: 'The file could not be added', stage: 'intake' };
        result = { name: next.name, outcome: 'failed', jobId: next.id, error: itemError };
      }
    } finally {
      this.intaking.delete(next.id);
    }
    if (result) {
      this.intakes.splice(this.intakes.indexOf(next), 1);
      next.resolve(result);
    }
    this.changed();
    this.pump();
    this.runIntake();
    this.checkIdle();
  }

  // ---- running ----

  private pump(): void {
    if (this.remaining() > 0) this.idleReported = false;
    if (!this.running || this.pauseReason || this.closed || !this.runsJobs) return;
    while (this.units < this.concurrency) {
      const heavyBusy = [...this.active.values()].some((a) => a.heavy);
      const waiting = [...this.entries.values()].filter(
        (e) => e.state === 'queued' && !this.active.has(e.id),
      );
      const next = waiting.find((e) => !(heavyBusy && heavyKinds.has(e.kind)));
      if (!next) break;
      // Images go in batches (one slot each): one decode round, one encoder call, one store commit.
      const unit =
        next.kind === 'image' && this.deps.ingestImages && this.imageBatch > 1
          ? waiting.filter((e) => e.kind === 'image').slice(0, this.imageBatch)
          : [next];
      void this.runUnit(unit);
    }
    this.checkIdle();
  }

  /** Runs one file, or a batch of images, as one of the queue's slots. */
  private async runUnit(entries: Entry[]): Promise<void> {
    this.units++;
    const actives = entries.map((entry) => this.activate(entry));
    const lib = this.deps.library;
    let started = new Map<string, { job: JobRecord; item: ItemRecord }>();
    try {
      const known = new Map<string, ItemRecord>();
      for (const e of entries) if (e.item) known.set(e.item.id, e.item);
      started = await lib.startJobs(
        entries.map((e) => e.id),
        'reading',
        known,
      );
      for (const e of entries) e.item = undefined;
      const runs: { entry: Entry; active: Active; job: JobRecord; item: ItemRecord }[] = [];
      entries.forEach((entry, i) => {
        const s = started.get(entry.id);
        if (!s) {
          // Deleted while it waited.
          this.entries.delete(entry.id);
          return;
        }
        entry.attempts = s.job.attempts + 1;
        runs.push({ entry, active: actives[i]!, job: s.job, item: s.item });
      });
      const progress = (entry: Entry, active: Active) => (stage: IngestStage, fraction: number) => {
        active.stage = stage;
        active.stageFraction = fraction;
        entry.stage = stage;
        this.changed();
      };
      let outcomes: { ok: boolean; error?: unknown }[];
      if (entries.length > 1 && this.deps.ingestImages) {
        outcomes = await this.deps.ingestImages(
          runs.map((r) => ({
            job: r.job,
            item: r.item,
            signal: r.active.controller.signal,
            onProgress: progress(r.entry, r.active),
          })),
        );
      } else {
        outcomes = [];
        for (const r of runs) {
          try {
            await this.deps.ingest(r.job, r.item, {
              signal: r.active.controller.signal,
              onProgress: progress(r.entry, r.active),
            });
            outcomes.push({ ok: true });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }
      if (this.closed) return;
      for (const [i, r] of runs.entries()) {
        const outcome = outcomes[i]!;
        if (outcome.ok) this.succeed(r.entry, r.active, r.item.id);
        else await this.settleFailure(r.entry, r.active, r.job, outcome.error);
      }
    } catch (error) {
      if (this.closed) return;
      // The shared start failed (storage): every file of the unit goes back or fails alike.
      for (const [i, entry] of entries.entries()) {
        if (this.entries.get(entry.id) === entry && entry.state === 'running')
          await this.settleFailure(entry, actives[i]!, started.get(entry.id)?.job, error);
      }
    } finally {
      this.units--;
      for (const a of actives) {
        this.active.delete(a.entry.id);
        a.settle();
      }
      if (!this.closed) {
        this.changed(true);
        this.pump();
        this.checkIdle();
      }
    }
  }

  private activate(entry: Entry): Active {
    let settle = () => {};
    const active: Active = {
      entry,
      controller: new AbortController(),
      stage: 'reading',
      stageFraction: 0,
      startedAt: performance.now(),
      heavy: heavyKinds.has(entry.kind),
      cancelled: false,
      keepRecord: true,
      settled: new Promise<void>((resolve) => (settle = resolve)),
      settle: () => settle(),
    };
    this.active.set(entry.id, active);
    if (this.wallFrom === null) this.wallFrom = performance.now();
    entry.state = 'running';
    this.emitJob(entry);
    return active;
  }

  private succeed(entry: Entry, active: Active, itemId: string): void {
    entry.state = 'done';
    const seconds = (performance.now() - active.startedAt) / 1000;
    this.eta.record(entry.kind, entry.size, seconds);
    this.busyMs += seconds * 1000;
    this.emitJob(entry);
    this.emit('item-ready', { itemId, jobId: entry.id });
  }

  private async settleFailure(
    entry: Entry,
    active: Active,
    stored: JobRecord | undefined,
    error: unknown,
  ): Promise<void> {
    const lib = this.deps.library;
    if (active.cancelled) {
      await this.settleCancel(entry, active.keepRecord);
      return;
    }
    const failure = classifyFailure(error, active.stage);
    try {
      if (failure.kind === 'quota' || failure.kind === 'permission') {
        // Not this file's fault: back to the queue as it was, to run again on resume.
        if (stored) await lib.putJob({ ...stored, state: 'queued', updatedAt: Date.now() });
        entry.state = 'queued';
        entry.attempts = stored?.attempts ?? entry.attempts;
        this.emitJob(entry);
        this.pause({ code: failure.kind, message: failure.message });
      } else if (failure.kind === 'gone') {
        this.entries.delete(entry.id);
        await lib.deleteJob(entry.id);
      } else {
        await lib.failJob(entry.id, failure.error);
        entry.state = 'failed';
        entry.error = failure.error;
        this.emitJob(entry);
      }
    } catch (secondary) {
      // Recording the outcome failed too (storage full while writing the failure): keep it queued.
      entry.state = 'queued';
      const again = classifyFailure(secondary, 'writing');
      this.pause(
        again.kind === 'quota'
          ? { code: 'quota', message: again.message }
          : { code: 'user', message: `The queue stopped: ${(secondary as Error).message}` },
      );
    }
  }

  private async settleCancel(entry: Entry, keepRecord: boolean): Promise<void> {
    const lib = this.deps.library;
    const job = await lib.getJob(entry.id);
    if (entry.itemId) await this.deps.discard(entry.itemId);
    entry.state = 'cancelled';
    // Discarding the item removed its jobs; the cancelled one is kept for the batch's list.
    if (job && keepRecord) await lib.putJob({ ...job, state: 'cancelled', updatedAt: Date.now() });
    if (!keepRecord) this.entries.delete(entry.id);
    this.emitJob(entry);
  }

  // ---- control ----

  /**
   * Stops a file and removes its item (a cancelled add leaves nothing in the library). Resolves when the
   * file has stopped. `keepRecord: false` also forgets the job (used when the item is being deleted).
   */
  async cancel(jobId: string, { keepRecord = true }: { keepRecord?: boolean } = {}): Promise<void> {
    const intake = this.intakes.findIndex((p) => p.id === jobId);
    if (intake >= 0 && !this.intaking.has(jobId)) {
      const [p] = this.intakes.splice(intake, 1);
      p!.resolve({ name: p!.name, outcome: 'cancelled', jobId });
      this.changed(true);
      this.checkIdle();
      return;
    }
    const active = this.active.get(jobId);
    if (active) {
      active.cancelled = true;
      active.keepRecord = keepRecord;
      active.controller.abort(new DOMException('Cancelled', 'AbortError'));
      await active.settled;
      return;
    }
    const entry = this.entries.get(jobId);
    if (entry?.state !== 'queued') return;
    entry.state = 'cancelled';
    await this.settleCancel(entry, keepRecord);
    this.changed(true);
    this.checkIdle();
  }

  async cancelAll(options: { keepRecord?: boolean } = {}): Promise<void> {
    const waiting = this.intakes.filter((p) => !this.intaking.has(p.id));
    this.intakes.splice(0, this.intakes.length, ...this.intakes.filter((p) => this.intaking.has(p.id)));
    for (const p of waiting) p.resolve({ name: p.name, outcome: 'cancelled', jobId: p.id });
    const ids = [...this.entries.values()]
      .filter((e) => e.state === 'queued' || e.state === 'running')
      .map((e) => e.id);
    await Promise.all(ids.map((id) => this.cancel(id, options)));
    this.checkIdle();
  }

  /** Stops and forgets every job of an item that is about to be deleted. */
  async forgetItem(itemId: string): Promise<void> {
    const ids = [...this.entries.values()].filter((e) => e.itemId === itemId).map((e) => e.id);
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry?.state === 'queued' || entry?.state === 'running')
        await this.cancel(id, { keepRecord: false });
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
    this.stopWallClock();
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
    this.runIntake();
  }

  // ---- reporting ----

  snapshot(): QueueSnapshot {
    let done = 0;
    let failed = 0;
    let cancelled = 0;
    let queued = 0;
    for (const e of this.entries.values()) {
      if (e.state === 'done') done++;
      else if (e.state === 'failed') failed++;
      else if (e.state === 'cancelled') cancelled++;
      else queued++;
    }
    const total = this.entries.size + this.intakes.length;
    const active: FileProgress[] = [...this.active.values()].map((a) => ({
      jobId: a.entry.id,
      itemId: a.entry.itemId,
      name: a.entry.name,
      kind: a.entry.kind,
      stage: a.stage,
      stageFraction: a.stageFraction,
      fraction: fileFraction(a.entry.kind, a.stage, a.stageFraction),
    }));
    const finished = done + failed + cancelled;
    const activeSum = active.reduce((s, a) => s + a.fraction, 0);
    const remaining = queued + this.intakes.length;
    return {
      state: this.pauseReason ? 'paused' : remaining > 0 && this.running ? 'running' : 'idle',
      pause: this.pauseReason,
      total,
      done,
      failed,
      cancelled,
      remaining,
      active,
      fraction: total ? Math.min(1, (finished + activeSum) / total) : 1,
      etaS: this.estimate(active),
    };
  }

  subscribe(run: (snapshot: QueueSnapshot) => void): () => void {
    const listener = (e: Event) => run((e as CustomEvent<QueueSnapshot>).detail);
    this.addEventListener('change', listener);
    run(this.snapshot());
    return () => this.removeEventListener('change', listener);
  }

  async jobs(): Promise<JobView[]> {
    return [...this.entries.values()].map(viewOf);
  }

  /**
   * Resolves when nothing is left to do, or when the queue is paused and the files it was working on have
   * stopped.
   */
  whenIdle(): Promise<QueueSnapshot> {
    const s = this.snapshot();
    if (this.active.size === 0 && this.intaking.size === 0 && (s.remaining === 0 || s.state === 'paused'))
      return Promise.resolve(s);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops at once, as closing the tab would: running jobs stay marked running in the store. */
  close(): void {
    this.closed = true;
    clearTimeout(this.changeTimer);
    for (const a of this.active.values()) a.controller.abort(new DOMException('Closed', 'AbortError'));
    for (const p of this.intakes.splice(0)) p.resolve({ name: p.name, outcome: 'cancelled', jobId: p.id });
  }

  private remaining(): number {
    let n = this.intakes.length;
    for (const e of this.entries.values()) if (e.state === 'queued' || e.state === 'running') n++;
    return n;
  }

  private estimate(active: FileProgress[]): number | null {
    const fractions = new Map(active.map((a) => [a.jobId, a.fraction]));
    const left = [...this.entries.values()]
      .filter((e) => e.state === 'queued' || e.state === 'running')
      .map((e) => ({ kind: e.kind, size: e.size, fraction: fractions.get(e.id) ?? 0 }));
    for (const p of this.intakes) left.push({ kind: 'unknown', size: p.size, fraction: 0 });
    const wall = this.wallMs + (this.wallFrom !== null ? performance.now() - this.wallFrom : 0);
    const parallelism = wall > 0 ? Math.min(this.concurrency, Math.max(1, this.busyMs / wall)) : 1;
    return this.eta.estimate(left, parallelism);
  }

  private stopWallClock(): void {
    if (this.wallFrom !== null) this.wallMs += performance.now() - this.wallFrom;
    this.wallFrom = null;
  }

  private checkIdle(): void {
    if (this.closed || this.active.size > 0 || this.intaking.size > 0) return;
    if (this.remaining() > 0 && !this.pauseReason) return;
    if (this.pauseReason) return this.flushIdleWaiters();
    this.stopWallClock();
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

  private emit<K extends keyof QueueEventMap>(type: K, detail: QueueEventMap[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function entryOf(job: JobRecord): Entry {
  return {
    id: job.id,
    itemId: job.itemId,
    name: job.input?.name ?? job.name ?? job.itemId ?? job.id,
    kind: job.kind ?? 'unknown',
    size: job.size ?? 0,
    state: job.state,
    attempts: job.attempts,
    stage: job.stage,
    error: job.error,
    retryable: job.input !== undefined,
  };
}

function viewOf(e: Entry): JobView {
  return {
    id: e.id,
    itemId: e.itemId,
    name: e.name,
    state: e.state,
    stage: e.stage,
    attempts: e.attempts,
    error: e.error,
    retryable: e.retryable,
  };
}
