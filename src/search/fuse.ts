// Fusion: the per-space result lists (and the keyword list) become one ranked list of segments.
//   'calibrated'  each list's scores are calibrated (calibrate.ts); a segment needs one score at or above
//                 the cut to count as a match, and ranks by the weighted sum of its positive calibrated
//                 scores, so a passage found by both its meaning and its words ranks above either alone.
//   'rrf'         reciprocal rank fusion, Σ w / (k + rank), over the lists as they come (no cut-off).
//   'rrf-cut'     the same over the lists after the calibrated cut.
// 'calibrated' is the default; test/browser/search-calibration.test.ts measures the three on the fixture world.
import type { Space } from '../library/records.ts';

export type EvidenceSource = Space | 'lexical';
export type FusionMethod = 'calibrated' | 'rrf' | 'rrf-cut';

export interface Evidence {
  key: number;
  source: EvidenceSource;
  /** The list's own score: a cosine for a space, BM25 for the keyword side. */
  raw: number;
  /** The calibrated score. */
  z: number;
}

export interface EvidenceList {
  source: EvidenceSource;
  /** The query's share in this list (fan-out.ts). */
  weight: number;
  /** Best first. */
  hits: Evidence[];
}

export interface Negatives {
  /** Segments removed outright: they contain a negative word, or match a negative term past the cut. */
  drop: Set<number>;
  /** Below the cut, each segment's highest calibrated score against any negative term. */
  penalty: Map<number, number>;
}

export interface FusionOptions {
  method?: FusionMethod;
  /** Calibrated score a segment needs in some list to be a match (default 4). */
  cut?: number;
  /** RRF's k (default 60). */
  rrfK?: number;
  /** How much of a sub-cut negative score is taken off (default 1). */
  negativeWeight?: number;
}

export interface FusedHit {
  key: number;
  score: number;
  evidence: Evidence[];
}

/** The cut the 'null-query' and 'own-scores' calibrations were tuned for (σ of the background). */
export const DEFAULT_CUT = 4;

export function fuse(lists: EvidenceList[], negatives?: Negatives, options: FusionOptions = {}): FusedHit[] {
  const { method = 'calibrated', cut = DEFAULT_CUT, rrfK = 60, negativeWeight = 1 } = options;
  const byKey = new Map<number, FusedHit & { passes: boolean }>();
  for (const list of lists) {
    if (!(list.weight > 0)) continue;
    const hits = method === 'rrf-cut' ? list.hits.filter((h) => h.z >= cut) : list.hits;
    hits.forEach((hit, rank) => {
      if (negatives?.drop.has(hit.key)) return;
      let fused = byKey.get(hit.key);
      if (!fused) byKey.set(hit.key, (fused = { key: hit.key, score: 0, evidence: [], passes: false }));
      fused.evidence.push(hit);
      fused.passes ||= hit.z >= cut;
      fused.score +=
        method === 'calibrated' ? list.weight * Math.max(0, hit.z) : list.weight / (rrfK + rank + 1);
    });
  }
  const out: FusedHit[] = [];
  for (const { passes, ...hit } of byKey.values()) {
    if (method !== 'rrf' && !passes) continue;
    const penalty = negatives?.penalty.get(hit.key) ?? 0;
    if (method === 'calibrated' && penalty > 0) hit.score -= negativeWeight * penalty;
    hit.evidence.sort((a, b) => b.z - a.z);
    out.push(hit);
  }
  return out.sort((a, b) => b.score - a.score || a.key - b.key);
}
