// Queries go ahead of ingest across workers, not only within one (job-lane.ts). On 2 cores the three text
// encoders of a query share the CPU with ingest's workers, and a batch of 8 photos is about a second of
// both cores' work: a query started beside it took 2.5 s instead of 0.16 s (bench/RESULTS.md, realsize).
// While a query encodes, ingest's lanes start no new job; the one already running finishes.

/** What a lane asks before it starts an ordinary job. */
export interface Hold {
  readonly held: boolean;
  /** Calls `run` once, when nothing holds any more or after `maxMs`, whichever comes first. */
  whenClear(run: () => void, maxMs: number): void;
}

export class QueryGate implements Hold {
  private active = 0;
  private readonly waiting = new Set<() => void>();

  get held(): boolean {
    return this.active > 0;
  }

  whenClear(run: () => void, maxMs: number): void {
    const once = () => {
      clearTimeout(timer);
      if (this.waiting.delete(once)) run();
    };
    this.waiting.add(once);
    // A query that hangs (a worker that never answers) must not stop ingest for good.
    const timer = setTimeout(once, maxMs);
  }

  /** Runs a query's encoding; ingest waits while any runs. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      if (--this.active === 0) for (const run of [...this.waiting]) run();
    }
  }
}
