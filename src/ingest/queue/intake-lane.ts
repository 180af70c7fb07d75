// The intake lane: files waiting to be taken into the library (copied, hashed, deduplicated; each becomes an
// item and a job in one transaction), a few at once. It lives in memory only, since a dropped File cannot
// outlive the page; once a file is taken in, its job is in the store and the queue runs it from there.
import type { ItemRecord, JobRecord } from '../../library/records.ts';
import { classifyFailure } from '../failure.ts';
import type { PauseReason } from '../queue-events.ts';
import { newJobId } from './job-entry.ts';
import type { IntakeEntry, IntakeResult, QueueDeps } from './queue-types.ts';

interface PendingIntake {
  id: string;
  entry: IntakeEntry;
  name: string;
  resolve(result: IntakeResult): void;
}

/** What the lane needs of its queue. */
export interface IntakeHost {
  isClosed(): boolean;
  /** Whether intake must wait (the queue is stopped, or paused for storage or permission). */
  intakeBlocked(): boolean;
  /** A file was recorded with a job: queued (with its item, as stored), or refused (a failed job). */
  taken(job: JobRecord, item: ItemRecord | undefined): void;
  pause(reason: PauseReason): void;
  /** An intake ended, either way: the queue reports, schedules, and starts the next intake. */
  intakeEnded(): void;
}

export class IntakeLane {
  private readonly pending: PendingIntake[] = [];
  /** Ids of the intakes in progress (at most `concurrency`). */
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly intake: QueueDeps['intake'],
    private readonly host: IntakeHost,
    private readonly concurrency: number,
  ) {}

  /** Files waiting or being taken in. */
  get size(): number {
    return this.pending.length;
  }

  /** Whether any file is being taken in now. */
  get busy(): boolean {
    return this.inProgress.size > 0;
  }

  /**
   * How many files are waiting or being taken in. Their sizes are not read: the first read of a picked
   * File's size is a synchronous stat in Chromium (0.12 ms a file, more while the disk is busy), which for a
   * thousand files picked at once held the page for 116 ms; intake reads each one when it takes it in.
   */
  get count(): number {
    return this.pending.length;
  }

  /** Adds files to the lane; each promise resolves when that file is recorded (or cancelled, or failed). */
  add(entries: IntakeEntry[]): Promise<IntakeResult>[] {
    return entries.map(
      (entry) =>
        new Promise<IntakeResult>((resolve) => {
          const name = entry.kind === 'file' ? entry.file.name : entry.name;
          this.pending.push({ id: newJobId(), entry, name, resolve });
        }),
    );
  }

  /** Starts intakes up to the concurrency; each one that ends starts the next (through the host). */
  run(): void {
    for (const next of this.pending) {
      if (this.inProgress.size >= this.concurrency || this.host.intakeBlocked()) break;
      if (this.inProgress.has(next.id)) continue;
      this.inProgress.add(next.id);
      // takeIn settles the file's own promise with its outcome; what it cannot settle is only reported.
      this.takeIn(next).catch((error: unknown) => console.warn('Trove: taking a file in failed', error));
    }
  }

  /** Cancels a file still waiting for intake; false if it is not waiting (being taken in, or not here). */
  cancel(id: string): boolean {
    const i = this.pending.findIndex((p) => p.id === id);
    if (i < 0 || this.inProgress.has(id)) return false;
    const [p] = this.pending.splice(i, 1);
    p!.resolve({ name: p!.name, outcome: 'cancelled', jobId: id });
    return true;
  }

  /** Cancels every file still waiting; those being taken in finish. */
  cancelWaiting(): void {
    const waiting = this.pending.filter((p) => !this.inProgress.has(p.id));
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => this.inProgress.has(p.id)));
    for (const p of waiting) p.resolve({ name: p.name, outcome: 'cancelled', jobId: p.id });
  }

  /** The page is closing: every file not recorded yet is cancelled. */
  close(): void {
    for (const p of this.pending.splice(0)) p.resolve({ name: p.name, outcome: 'cancelled', jobId: p.id });
  }

  private async takeIn(next: PendingIntake): Promise<void> {
    const now = Date.now();
    const job = { id: next.id, state: 'queued' as const, attempts: 0, createdAt: now, updatedAt: now };
    let result: IntakeResult | undefined;
    try {
      const outcome = await this.intake(next.entry, job);
      if (this.host.isClosed()) return;
      result = { name: next.name, outcome: outcome.outcome, itemId: outcome.item.id, jobId: next.id };
      if (outcome.outcome !== 'duplicate')
        this.host.taken(outcome.job, outcome.outcome === 'queued' ? outcome.item : undefined);
    } catch (error) {
      if (this.host.isClosed()) return;
      const failure = classifyFailure(error, 'intake');
      if (failure.kind === 'quota' || failure.kind === 'permission') {
        // The file stays in the lane, to be taken in again on resume.
        this.host.pause({ code: failure.kind, message: failure.message });
      } else {
        const itemError =
          failure.kind === 'file'
            ? failure.error
            : { code: 'intake-failed', message: 'The file could not be added', stage: 'intake' };
        result = { name: next.name, outcome: 'failed', jobId: next.id, error: itemError };
      }
    } finally {
      this.inProgress.delete(next.id);
    }
    if (result) {
      this.pending.splice(this.pending.indexOf(next), 1);
      next.resolve(result);
    }
    this.host.intakeEnded();
  }
}
