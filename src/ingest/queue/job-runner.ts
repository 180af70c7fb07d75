// The queue's scheduler: runs queued jobs from their stored originals, a few slots at once (a slot is one
// file, or a batch of images), at most one video or audio file at a time, and settles each outcome. Per-file
// trouble (a corrupt file, an unsupported codec) fails that job alone, with its reason on the job and the
// item; trouble with storage itself (quota) or folder permission pauses the queue, and the job that hit it
// goes back to the queue untouched.
import type { ItemRecord, JobRecord } from '../../library/records.ts';
import { classifyFailure } from '../failure.ts';
import type { IngestStage, PauseReason } from '../queue-events.ts';
import { heavyKinds, type Entry } from './job-entry.ts';
import type { BatchClock, ActiveFile } from './progress.ts';
import type { OnProgress, QueueDeps } from './queue-types.ts';

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

type Outcome = { ok: boolean; error?: unknown };

/** What the runner needs of its queue. */
export interface RunnerHost {
  readonly deps: QueueDeps;
  readonly entries: Map<string, Entry>;
  isClosed(): boolean;
  readonly clock: BatchClock;
  emitJob(entry: Entry): void;
  /** Something changed; `now` skips the throttle. */
  changed(now?: boolean): void;
  itemReady(itemId: string, jobId: string): void;
  pause(reason: PauseReason): void;
  /** A slot is free again: the queue reports, schedules the next unit, and checks for idle. */
  unitEnded(): void;
}

export class JobRunner {
  private readonly active = new Map<string, Active>();
  /** Slots in use: a file, or a batch of images. */
  private units = 0;

  constructor(
    private readonly host: RunnerHost,
    private readonly options: { concurrency: number; imageBatch: number },
  ) {}

  /** Whether any file is being worked on. */
  get busy(): boolean {
    return this.active.size > 0;
  }

  activeFiles(): ActiveFile[] {
    return [...this.active.values()].map((a) => ({
      jobId: a.entry.id,
      itemId: a.entry.itemId,
      name: a.entry.name,
      kind: a.entry.kind,
      stage: a.stage,
      stageFraction: a.stageFraction,
    }));
  }

  /** Starts queued jobs until every slot is taken. */
  fill(): void {
    const { concurrency, imageBatch } = this.options;
    const batching = this.host.deps.ingestImages !== undefined && imageBatch > 1;
    while (this.units < concurrency) {
      const running = [...this.active.values()];
      const heavyBusy = running.some((a) => a.heavy);
      const waiting = [...this.host.entries.values()].filter(
        (e) => e.state === 'queued' && !this.active.has(e.id),
      );
      // While one batch of images runs, the encoder is busy with it: another starts once half a batch has
      // gathered, or when the running one ends. Files still coming in from the intake would otherwise go
      // one at a time, and one image alone costs the encoder a third more than in a batch of eight.
      const holdImages =
        batching &&
        running.some((a) => a.entry.kind === 'image') &&
        waiting.filter((e) => e.kind === 'image').length < Math.ceil(imageBatch / 2);
      const next = waiting.find(
        (e) => !(heavyBusy && heavyKinds.has(e.kind)) && !(holdImages && e.kind === 'image'),
      );
      if (!next) break;
      // Images go in batches (one slot each): one decode round, one encoder call, one store commit.
      const unit =
        next.kind === 'image' && batching
          ? waiting.filter((e) => e.kind === 'image').slice(0, imageBatch)
          : [next];
      // runUnit records each file's outcome, failures included; what it cannot record is only reported.
      this.runUnit(unit).catch((error: unknown) => console.warn('Trove: ending an ingest run failed', error));
    }
  }

  /**
   * Stops a running file; resolves once it has stopped (its outcome settled as a cancel). undefined when the
   * job is not running.
   */
  stop(jobId: string, keepRecord: boolean): Promise<void> | undefined {
    const active = this.active.get(jobId);
    if (!active) return undefined;
    active.cancelled = true;
    active.keepRecord = keepRecord;
    active.controller.abort(new DOMException('Cancelled', 'AbortError'));
    return active.settled;
  }

  /** Aborts every running file, as closing the tab would; their jobs stay marked running in the store. */
  abortAll(): void {
    for (const a of this.active.values()) a.controller.abort(new DOMException('Closed', 'AbortError'));
  }

  /** Removes a cancelled file's item; its job record stays, as cancelled, for the batch list if `keepRecord`. */
  async settleCancel(entry: Entry, keepRecord: boolean): Promise<void> {
    const lib = this.host.deps.library;
    const job = await lib.getJob(entry.id);
    if (entry.itemId) await this.host.deps.discard(entry.itemId);
    entry.state = 'cancelled';
    // Discarding the item removed its jobs; the cancelled one is kept for the batch's list.
    if (job && keepRecord) await lib.putJob({ ...job, state: 'cancelled', updatedAt: Date.now() });
    if (!keepRecord) this.host.entries.delete(entry.id);
    this.host.emitJob(entry);
  }

  /** Runs one file, or a batch of images, as one of the queue's slots. */
  private async runUnit(entries: Entry[]): Promise<void> {
    const { host } = this;
    this.units++;
    const actives = entries.map((entry) => this.activate(entry));
    let started = new Map<string, { job: JobRecord; item: ItemRecord }>();
    try {
      const known = new Map<string, ItemRecord>();
      for (const e of entries) if (e.item) known.set(e.item.id, e.item);
      started = await host.deps.library.startJobs(
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
          host.entries.delete(entry.id);
          return;
        }
        entry.attempts = s.job.attempts + 1;
        runs.push({ entry, active: actives[i]!, job: s.job, item: s.item });
      });
      const outcomes = await this.ingest(entries.length > 1, runs);
      if (host.isClosed()) return;
      for (const [i, r] of runs.entries()) {
        const outcome = outcomes[i]!;
        if (outcome.ok) this.succeed(r.entry, r.active, r.item.id);
        else await this.settleFailure(r.entry, r.active, r.job, outcome.error);
      }
    } catch (error) {
      if (host.isClosed()) return;
      // The shared start failed (storage): every file of the unit goes back or fails alike.
      for (const [i, entry] of entries.entries()) {
        if (host.entries.get(entry.id) === entry && entry.state === 'running')
          await this.settleFailure(entry, actives[i]!, started.get(entry.id)?.job, error);
      }
    } finally {
      this.units--;
      for (const a of actives) {
        this.active.delete(a.entry.id);
        a.settle();
      }
      if (!host.isClosed()) host.unitEnded();
    }
  }

  /** Ingests the started files: as one image batch, or one by one. One outcome per run, in order. */
  private async ingest(
    batch: boolean,
    runs: { entry: Entry; active: Active; job: JobRecord; item: ItemRecord }[],
  ): Promise<Outcome[]> {
    const { deps } = this.host;
    const progress =
      (entry: Entry, active: Active): OnProgress =>
      (stage, fraction) => {
        // A new stage is reported at once: the throttle is for fractions, and a short stage would
        // otherwise never reach the UI (or a listener that collects the stages a file went through).
        const newStage = active.stage !== stage;
        active.stage = stage;
        active.stageFraction = fraction;
        entry.stage = stage;
        this.host.changed(newStage);
      };
    if (batch && deps.ingestImages) {
      return deps.ingestImages(
        runs.map((r) => ({
          job: r.job,
          item: r.item,
          signal: r.active.controller.signal,
          onProgress: progress(r.entry, r.active),
        })),
      );
    }
    const outcomes: Outcome[] = [];
    for (const r of runs) {
      try {
        await deps.ingest(r.job, r.item, {
          signal: r.active.controller.signal,
          onProgress: progress(r.entry, r.active),
        });
        outcomes.push({ ok: true });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
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
    this.host.clock.start(performance.now());
    entry.state = 'running';
    this.host.emitJob(entry);
    return active;
  }

  private succeed(entry: Entry, active: Active, itemId: string): void {
    entry.state = 'done';
    this.host.clock.finished(entry.kind, entry.size, (performance.now() - active.startedAt) / 1000);
    this.host.emitJob(entry);
    this.host.itemReady(itemId, entry.id);
  }

  private async settleFailure(
    entry: Entry,
    active: Active,
    stored: JobRecord | undefined,
    error: unknown,
  ): Promise<void> {
    const { host } = this;
    const lib = host.deps.library;
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
        host.emitJob(entry);
        host.pause({ code: failure.kind, message: failure.message });
      } else if (failure.kind === 'gone') {
        host.entries.delete(entry.id);
        await lib.deleteJob(entry.id);
      } else {
        await lib.failJob(entry.id, failure.error);
        entry.state = 'failed';
        entry.error = failure.error;
        host.emitJob(entry);
      }
    } catch (secondary) {
      // Recording the outcome failed too (storage full while writing the failure): keep it queued.
      entry.state = 'queued';
      const again = classifyFailure(secondary, 'writing');
      host.pause(
        again.kind === 'quota'
          ? { code: 'quota', message: again.message }
          : { code: 'user', message: `The queue stopped: ${(secondary as Error).message}` },
      );
    }
  }
}
