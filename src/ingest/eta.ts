// Time left for a batch, from the files finished so far: each kind's time is modelled as a fixed part plus
// a part per byte (a tiny photo and a large one differ less than their sizes; a long video and a short one
// differ by about their sizes), fitted crudely from the mean time and the mean time per byte.
import type { MediaKind } from './detect-type.ts';

type Kind = MediaKind | 'unknown';

export interface RemainingFile {
  kind: Kind;
  size: number;
  /** How much of this file is done already, 0…1. */
  fraction: number;
}

export class EtaEstimator {
  private readonly byKind = new Map<Kind, { files: number; seconds: number; bytes: number }>();
  private files = 0;
  private seconds = 0;

  /** A file finished after `seconds` of work on it. */
  record(kind: Kind, size: number, seconds: number): void {
    const k = this.byKind.get(kind) ?? { files: 0, seconds: 0, bytes: 0 };
    k.files++;
    k.seconds += seconds;
    k.bytes += size;
    this.byKind.set(kind, k);
    this.files++;
    this.seconds += seconds;
  }

  /** Seconds one file is expected to take, or null before any file has finished. */
  predict(kind: Kind, size: number): number | null {
    const k = this.byKind.get(kind);
    if (!k) return this.files ? this.seconds / this.files : null;
    const mean = k.seconds / k.files;
    const perByte = k.bytes > 0 ? k.seconds / k.bytes : 0;
    return 0.5 * mean + 0.5 * perByte * size;
  }

  /** Seconds until `remaining` is done with `parallelism` files worked on at once; null until known. */
  estimate(remaining: RemainingFile[], parallelism = 1): number | null {
    if (remaining.length === 0) return 0;
    let total = 0;
    for (const f of remaining) {
      const p = this.predict(f.kind, f.size);
      if (p === null) return null;
      total += p * (1 - Math.min(1, Math.max(0, f.fraction)));
    }
    return total / Math.max(1, parallelism);
  }

  reset(): void {
    this.byKind.clear();
    this.files = 0;
    this.seconds = 0;
  }
}
