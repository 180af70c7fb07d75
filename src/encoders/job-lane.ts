// The order in which one encoder worker takes its jobs: one at a time (a worker runs one ORT call at once,
// and when it crashes only the job in flight fails), urgent jobs (a query's) before the queued ordinary
// ones (ingest's), and after `idleMs` without a job, a call to `onIdle` (the client lets its worker go).

export type Urgency = 'urgent' | 'ordinary';

interface Waiting {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class JobLane {
  private readonly urgent: Waiting[] = [];
  private readonly ordinary: Waiting[] = [];
  private running = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly idle?: { ms: number; onIdle: () => void }) {}

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
    const job = this.urgent.shift() ?? this.ordinary.shift();
    if (!job) {
      if (this.idle) this.idleTimer = setTimeout(this.idle.onIdle, this.idle.ms);
      return;
    }
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
