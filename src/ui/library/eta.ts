// Overall progress and time left for a batch of files. Work is counted in files (each file's own progress
// 0..1 adds to the done count), and the rate is taken over a recent window, so a slow video early on does
// not fix the estimate for the photos after it, and adding files mid-batch only raises the total.

export interface EtaSample {
  /** ms, from any monotonic clock. */
  at: number;
  /** Work done so far, in files. */
  done: number;
}

export class EtaEstimator {
  private samples: EtaSample[] = [];

  constructor(
    /** How far back the rate looks, in ms. */
    private readonly windowMs = 30_000,
    /** The shortest stretch of time a rate is believed over, in ms. */
    private readonly minSpanMs = 1_500,
  ) {}

  /** Records progress; work done going backwards (a retry, a new batch) starts the estimate afresh. */
  record(at: number, done: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && done < last.done) this.samples = [];
    this.samples.push({ at, done });
    const from = at - this.windowMs;
    while (this.samples.length > 2 && this.samples[1]!.at <= from) this.samples.shift();
  }

  /** Seconds until `total` files are done, or null while the rate is not known. */
  secondsLeft(total: number): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last) return null;
    const span = last.at - first.at;
    const gained = last.done - first.done;
    if (span < this.minSpanMs || gained <= 0) return null;
    const remaining = Math.max(0, total - last.done);
    return remaining / (gained / span) / 1000;
  }

  reset(): void {
    this.samples = [];
  }
}
