// The unit of a space under query-bank calibration: how far apart the bank's generic queries score on a
// segment. A segment that has been in the space's background sample has its own; any other, the median over
// the sample. Per segment it is the robust spread of the bank's scores there (1.4826 · MAD: a few generic
// queries that happen to be about the segment do not count), but never below a quarter of their standard
// deviation: a small model scores most generic queries exactly alike on a segment, and a MAD of 0 would make
// any difference a match. Measured against the plain standard deviation, the MAD alone and one unit per
// space on the calibration grid (bench/RESULTS.md, "Calibration grid"): own units took out chance matches in
// small libraries.
//
// A segment's bank scores depend only on its vector and the bank, never on the query or on what else the
// library holds, so they are worked out once per key and kept: the sample changes as the library grows, but
// only its new keys cost anything (one restricted search per bank query), and a segment keeps its own unit
// when it leaves the sample. A segment that matches the query does not widen the median, as it widens the
// query's own scores, and a plain one narrows it rather than widening it.
//
// The bank's scores on a segment are kept too (a number per distinct bank vector), so a query can leave out
// the bank phrases that are about it (query-bank.ts, `queryBank`) without scoring anything again: its unit
// on a segment is then the spread of the rest, still never below a quarter of the space's median (the
// median of whole-bank spreads, so a bank left with one distinct vector, spread 0, keeps a unit).
import type { VectorIndex } from '../vector-index/types.ts';
import type { ReferenceBank } from './query-bank.ts';

/** Segments kept per space before they are forgotten (their bank scores: a number per bank vector, and the spread). */
const KEEP = 65_536;
const MAD_TO_SIGMA = 1.4826;
/** The spread is at least the standard deviation over this. */
const STD_SHARE = 4;
/** Below this, a bank's spread is rounding: the space's segments all score alike for every query. */
const MIN_UNIT = 1e-4;
/** A sampled segment's own unit is at least the space's over this. */
const OWN_FLOOR = 4;

interface SpaceSpreads {
  bank: ReferenceBank;
  perKey: Map<number, Scored>;
  unit?: { id: string; value: Promise<BankUnit> };
}

/** A segment's scores for each of the bank's vectors, and their spread. */
interface Scored {
  row: Float32Array;
  spread: number;
}

/** The space's unit, and each segment's. */
export interface BankUnit {
  /** The median over the sample: the unit of a segment never sampled. */
  median: number;
  /** A segment's unit: its own spread once it has been in a sample (never below a quarter of the median). */
  of(key: number): number;
  /**
   * The same with the bank's vectors `leftOut` (indices in `ReferenceBank.vectors`) out of each segment's
   * spread; the median, and so the floor and a never-sampled segment's unit, stay the whole bank's.
   */
  without(leftOut: ReadonlySet<number>): BankUnit;
}

export class BankSpreads {
  private readonly spaces = new Map<string, SpaceSpreads>();

  /** The space's unit over `sample` (identified by `sampleId`); 0 for an empty sample. */
  unit(
    space: string,
    index: VectorIndex,
    bank: ReferenceBank,
    sample: Uint32Array,
    sampleId: string,
  ): Promise<BankUnit> {
    let entry = this.spaces.get(space);
    if (!entry || entry.bank !== bank) this.spaces.set(space, (entry = { bank, perKey: new Map() }));
    if (entry.unit?.id === sampleId) return entry.unit.value;
    const kept = entry;
    const value = this.compute(kept, index, sample);
    kept.unit = { id: sampleId, value };
    value.catch(() => {
      if (kept.unit?.value === value) kept.unit = undefined;
    });
    return value;
  }

  private async compute(entry: SpaceSpreads, index: VectorIndex, sample: Uint32Array): Promise<BankUnit> {
    const missing = Uint32Array.from(new Set(sample)).filter((k) => !entry.perKey.has(k));
    if (missing.length) {
      if (entry.perKey.size + missing.length > KEEP) entry.perKey.clear();
      const { vectors } = entry.bank;
      const scored = await Promise.all(
        vectors.map((v) => index.search(v, missing.length, { include: missing })),
      );
      const rows = new Map<number, Float32Array>();
      scored.forEach((hits, v) => {
        for (const h of hits) {
          let row = rows.get(h.id);
          if (!row) rows.set(h.id, (row = new Float32Array(vectors.length)));
          row[v] = h.score;
        }
      });
      for (const [key, row] of rows) entry.perKey.set(key, { row, spread: spread(Array.from(row)) });
    }
    const mid = Math.max(MIN_UNIT, median(Array.from(sample, (k) => entry.perKey.get(k)?.spread ?? 0)));
    return unitOf(entry.perKey, mid, (s) => s.spread);
  }
}

function unitOf(perKey: Map<number, Scored>, mid: number, own: (s: Scored) => number): BankUnit {
  const unit: BankUnit = {
    median: mid,
    of(key) {
      const scored = perKey.get(key);
      return scored === undefined ? mid : Math.max(mid / OWN_FLOOR, own(scored));
    },
    without(leftOut) {
      if (leftOut.size === 0) return unit;
      return unitOf(perKey, mid, ({ row }) => spread(Array.from(row).filter((_, v) => !leftOut.has(v))));
    },
  };
  return unit;
}

/** One segment's spread over the bank's scores on it. */
export function spread(scores: number[]): number {
  if (scores.length < 2) return 0;
  const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length);
  const centre = median(scores);
  const mad = median(scores.map((x) => Math.abs(x - centre)));
  return Math.max(MAD_TO_SIGMA * mad, std / STD_SHARE);
}

function median(xs: number[]): number {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
}
