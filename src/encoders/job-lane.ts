// The order in which one encoder worker takes its jobs: one at a time (a worker runs one ORT call at once,
// and when it crashes only the job in flight fails), urgent jobs (a query's) before the queued ordinary
// ones (ingest's), ordinary ones not while a query holds the machine (query-gate.ts), and after `idleMs`
// without a job, a call to `onIdle` (the client lets its worker go).
import type { Hold } from './query-gate';

export type Urgency = 'urgent' | 'ordinary';

interface Waiting {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** The longest an ordinary job waits for queries at a time: a stream of queries must not starve ingest. */
export const MAX_HOLD_MS = 5_000;

export class JobLane {
  private readonly urgent: Waiting[] = [];
  private readonly ordinary: Waiting[] = [];
  private running = false;
  /** Waiting for a hold to clear (or MAX_HOLD_MS) before the next ordinary job. */
  private parked = false;
  /** The hold was waited out once: the next ordinary job starts whatever holds. */
  private passHold = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly idle?: { ms: number; onIdle: () => void },
    private readonly hold?: Hold,
  ) {}

  /** Jobs queued or running. */
  get size(): number {
    return this.urgent.length + this.ordinary.length + (this.running ? 1 : 0);
  }

  add<T>(run: () => Promise<T>, urgency: Urgency = 'ordinary'): Promise<T> {
    clearTimeout(this.idleTimer);
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = { run, resolve: resolve as (v: unknown) => void, reject };
      (urgency === 'urgent' ? this.urgent : this.ordinary).push(waiting);
      void this.next(); // it hands each job's error to that job's promise, and never rejects itself
    });
  }

  private async next(): Promise<void> {
    if (this.running) return;
    const urgent = this.urgent.shift();
    if (urgent) return this.run(urgent);
    if (this.parked) return;
    if (!this.ordinary.length) {
      if (this.idle) this.idleTimer = setTimeout(this.idle.onIdle, this.idle.ms);
      return;
    }
    if (!this.passHold && this.hold?.held) {
      this.parked = true;
      // Cleared, or held for MAX_HOLD_MS: either way one ordinary job goes next.
      this.hold.whenClear(() => {
        this.parked = false;
        this.passHold = true;
        void this.next();
      }, MAX_HOLD_MS);
      return;
    }
    this.passHold = false;
    return this.run(this.ordinary.shift()!);
  }

  private async run(job: Waiting): Promise<void> {
    this.running = true;
    try {
      job.resolve(await job.run());
    } catch (error) {
      job.reject(error);
    } finally {
      this.running = false;
    }
    await this.next();
  }
}
