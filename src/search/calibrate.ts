// Calibration: a raw cosine means different things in different spaces, for different query kinds and for
// different models (CLIP text→image cosines sit around 0.2–0.35, image→image around 0.5–0.9, e5's unrelated
// passages at 0.7–0.8, CLAP-like models compress everything near 1), so each list's scores are put on one
// scale before fusion: how many units a segment's score stands above what an unrelated query would score.
//
// 'query-bank' (the default; query-bank.ts, bank-spread.ts, space-search.ts): the background comes from the
// model, not from the library. Generic queries embedded once per text encoder (the bank) say what a query
// that is not about a segment scores on it: a text query is centred on the bank's mean (taking away the
// cone every vector sits in, and the pull of plain segments), and measured in the bank's spread on the
// segment (its own once it has been in the space's sample, else the sample's median). Neither
// depends on how many segments the library has or how many of them match. An image or a sound as the query
// keeps its own background (below, without the null query), searched without its part along what a blank
// picture or silence embeds to, with the bank's unit as the floor.
//
// 'null-query' (the default before; kept to compare) takes the background from two score distributions over
// a sample of the space:
//   - the query's own scores, which say where "unrelated" lies for this kind of query (they absorb the gap
//     between text→image and image→image). Only their lower half is used: the lower quartile and the
//     spread of the lower half estimate the mean and σ of the unrelated scores (for a normal, mean =
//     q25 + 0.674 σ), and matches, always in the upper half, cannot move them while fewer than half the
//     sample matches;
//   - the scores of a null query, the empty text through the same encoder, whose median and spread say what
//     "nothing" looks like in this space.
//   location = the higher of the two locations, scale = max(floor, both spreads), floor = 0.5/√dim.
// It fails on models unlike the fixtures (test/unit/search-calibration-grid.test.ts): the floor is far
// wider than a compressed space's spread, and plain segments, close to the null query, widen its spread
// until nothing passes.
// 'own-scores' is the textbook z-score against the query's own scores (median, MAD), kept for comparison.
// It fails on small libraries where a query matches a large share of a space.
//
// The floor keeps a space where every score is ~0 (a query that matches nothing, a uniform library) from
// turning noise into huge scores.

export interface Background {
  location: number;
  scale: number;
  /** Scores the background was taken from. */
  n: number;
}

export type CalibrationMethod = 'query-bank' | 'null-query' | 'own-scores';

/**
 * The calibrated score a segment needs to be a match, per method. Under 'query-bank' a unit is a generic
 * query's spread on a segment, and unrelated segments score like generic queries: at 4.5 one in ~300,000
 * passes by chance (for a normal), which holds to 10,000 segments per space on the calibration grid where
 * 4 let chance matches through (bench/RESULTS.md, "Calibration grid").
 */
export function defaultCut(method: CalibrationMethod): number {
  return method === 'query-bank' ? 4.5 : 4;
}

const MAD_TO_SIGMA = 1.4826;
/** For a normal, the MAD of its lower half about that half's median is 0.400 σ (measured numerically). */
const LOWER_HALF_MAD_TO_SIGMA = 2.5;
/** For a normal, the lower quartile lies 0.674 σ below the mean. */
const Q25_TO_MEAN = 0.6745;

/** The floor under a space's spread: half the spread of cosines between random directions of that dimension. */
export function scaleFloor(dim: number): number {
  return 0.5 / Math.sqrt(dim);
}

/**
 * `own`: the query's scores over the space's background sample. `nullScores`: the null query's scores over
 * the same sample (omit when the space has no null query).
 */
export function background(
  own: ArrayLike<number>,
  nullScores: ArrayLike<number> | undefined,
  floor: number,
  method: CalibrationMethod = 'null-query',
): Background {
  // 'query-bank' takes an attachment's background this way too, without a null query.
  const n = own.length;
  if (n === 0) return { location: 0, scale: floor, n };
  const sorted = Float64Array.from(own).sort();
  const ownMedian = median(sorted);
  if (method === 'own-scores') {
    return { location: ownMedian, scale: Math.max(floor, MAD_TO_SIGMA * mad(sorted, ownMedian)), n };
  }
  const lower = sorted.subarray(0, Math.max(1, n >> 1));
  const q25 = median(lower);
  const lowerSigma = LOWER_HALF_MAD_TO_SIGMA * mad(lower, q25);
  let location = q25 + Q25_TO_MEAN * lowerSigma;
  let scale = Math.max(floor, lowerSigma);
  if (nullScores && nullScores.length) {
    const nulls = Float64Array.from(nullScores).sort();
    const nullMedian = median(nulls);
    location = Math.max(location, nullMedian);
    scale = Math.max(scale, MAD_TO_SIGMA * mad(nulls, nullMedian));
  }
  return { location, scale, n };
}

export function calibrate(score: number, bg: Background): number {
  return (score - bg.location) / bg.scale;
}

/**
 * The keyword side's calibrated score. A segment that contains a (non-stop-word) query word literally is a
 * match: it passes the cut-off at `cut`, and one that contains every query word scores `2 · cut`, so
 * exact words rank among strong vector matches rather than above or below all of them.
 */
export function lexicalScore(coverage: number, cut: number): number {
  return cut * (1 + Math.min(1, Math.max(0, coverage)));
}

function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mad(sorted: ArrayLike<number>, centre: number): number {
  return median(Float64Array.from(sorted, (s) => Math.abs(s - centre)).sort());
}
