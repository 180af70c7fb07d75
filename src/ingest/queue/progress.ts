// The queue's progress as plain numbers: the batch's counts, its fraction done and the time left. Pure (the
// caller passes the clock's `now`), so Node tests reach it; the queue calls it on every change.
import { EtaEstimator, type RemainingFile } from '../eta.ts';
import type { FileProgress, PauseReason, QueueSnapshot } from '../queue-events.ts';
import { fileFraction } from '../stage-weights.ts';
import { isUnfinished, type Entry, type Kind } from './job-entry.ts';

/**
 * Throughput of the current batch: each kind's time per file (for the ETA), and busy time against wall time,
 * which says how many files really run at once (two slots on a busy machine may work like one).
 */
export class BatchClock {
  private readonly eta = new EtaEstimator();
  private busyMs = 0;
  private wallMs = 0;
  private wallFrom: number | null = null;

  /** A file started: the wall clock runs from now while anything is being worked on. */
  start(now: number): void {
    if (this.wallFrom === null) this.wallFrom = now;
  }

  /** Nothing is being worked on any more (idle or paused). */
  stop(now: number): void {
    if (this.wallFrom !== null) this.wallMs += now - this.wallFrom;
    this.wallFrom = null;
  }

  /** A file finished after `seconds` of work on it. */
  finished(kind: Kind, size: number, seconds: number): void {
    this.eta.record(kind, size, seconds);
    this.busyMs += seconds * 1000;
  }

  /** A new batch: what the last one took says little about the next (other kinds, other sizes). */
  reset(): void {
    this.eta.reset();
    this.busyMs = 0;
    this.wallMs = 0;
    this.wallFrom = null;
  }

  /** Seconds until `left` is done, with at most `concurrency` files at once; null until known. */
  estimate(left: RemainingFile[], concurrency: number, now: number): number | null {
    const wall = this.wallMs + (this.wallFrom !== null ? now - this.wallFrom : 0);
    const parallelism = wall > 0 ? Math.min(concurrency, Math.max(1, this.busyMs / wall)) : 1;
    return this.eta.estimate(left, parallelism);
  }
}

/** A file being worked on, before its stages are weighed into one fraction. */
export type ActiveFile = Omit<FileProgress, 'fraction'>;

export interface BatchState {
  entries: Iterable<Pick<Entry, 'id' | 'state' | 'kind' | 'size'>>;
  active: ActiveFile[];
  /** Files waiting for intake or being taken in (not entries yet; their kind is unknown). */
  intakeCount: number;
  pause: PauseReason | undefined;
  /** start() was called (a queue that has not started reports 'idle' with files waiting). */
  running: boolean;
}

/** Files not finished yet: taken in or waiting for intake, queued or running. */
export function remainingFiles(entries: Iterable<Pick<Entry, 'state'>>, intakes: number): number {
  let n = intakes;
  for (const e of entries) if (isUnfinished(e)) n++;
  return n;
}

export function summarize(
  batch: BatchState,
  clock: BatchClock,
  options: { concurrency: number; now: number },
): QueueSnapshot {
  const entries = [...batch.entries];
  let done = 0;
  let failed = 0;
  let cancelled = 0;
  let queued = 0;
  for (const e of entries) {
    if (e.state === 'done') done++;
    else if (e.state === 'failed') failed++;
    else if (e.state === 'cancelled') cancelled++;
    else queued++;
  }
  const intakes = batch.intakeCount;
  const total = entries.length + intakes;
  const active: FileProgress[] = batch.active.map((a) => ({
    ...a,
    fraction: fileFraction(a.kind, a.stage, a.stageFraction),
  }));
  const finished = done + failed + cancelled;
  const activeSum = active.reduce((s, a) => s + a.fraction, 0);
  const remaining = queued + intakes;
  const fractions = new Map(active.map((a) => [a.jobId, a.fraction]));
  const left: RemainingFile[] = entries
    .filter(isUnfinished)
    .map((e) => ({ kind: e.kind, size: e.size, fraction: fractions.get(e.id) ?? 0 }));
  // A file not taken in yet has no kind, and its size is not read (intake-lane.ts): it is predicted by the
  // mean time of a file so far, which needs neither.
  for (let i = 0; i < intakes; i++) left.push({ kind: 'unknown', size: 0, fraction: 0 });
  return {
    state: batch.pause ? 'paused' : remaining > 0 && batch.running ? 'running' : 'idle',
    pause: batch.pause,
    total,
    done,
    failed,
    cancelled,
    remaining,
    active,
    fraction: total ? Math.min(1, (finished + activeSum) / total) : 1,
    etaS: clock.estimate(left, options.concurrency, options.now),
  };
}
