// What a search returns: items, each with its best segment first and its other matching moments.
import type { ItemRecord, SegmentRecord } from '../library/records.ts';
import type { EvidenceSource } from './fuse.ts';
import type { Modality } from './query.ts';
import type { Snippet } from './snippet.ts';

/** Where in its item a segment is: a moment or span of time, a passage of a page, or the whole item. */
export type SegmentRange =
  | { kind: 'time'; t0: number; t1: number }
  | { kind: 'text'; page?: number; charStart: number; charEnd: number }
  | { kind: 'whole' };

/** One list's verdict on a segment: 'clip', 'clap', 'text' (vectors) or 'lexical' (BM25). */
export interface SpaceMatch {
  source: EvidenceSource;
  /** Cosine for a space, BM25 for the keyword side. */
  raw: number;
  /** Calibrated score. */
  z: number;
  /** Whether this list alone passed the cut-off. */
  passed: boolean;
}

export interface SegmentResult {
  /** The segment's key in the vector index and the catalog. */
  key: number;
  segment: SegmentRecord;
  /** The medium of the item the segment belongs to. */
  modality: Modality;
  score: number;
  range: SegmentRange;
  /** For text chunks and transcript spans: the passage with its matched words marked. */
  snippet?: Snippet;
  matched: SpaceMatch[];
  /** The segment's words that the keyword side matched (a query word, or a longer word it begins). */
  words?: string[];
}

export interface ItemResult {
  item: ItemRecord;
  modality: Modality;
  /** The best segment's score. */
  score: number;
  best: SegmentResult;
  /** The item's other matching segments, best first. */
  others: SegmentResult[];
  /** Every list that matched any of the item's segments. */
  spaces: EvidenceSource[];
  /** Shown although nothing of it passed the cut ("Show closest anyway"). */
  weak?: boolean;
  /** Listed by the query's filters alone (the query had no words or attachment to rank by). */
  listed?: boolean;
  /** Near-duplicates of this result (burst shots, repeated frames), ranked below it, shown on demand. */
  similar?: ItemResult[];
}

export type SearchStatus = 'ok' | 'no-good-match' | 'empty-query';

export interface SearchResponse {
  status: SearchStatus;
  items: ItemResult[];
  /** The audio query's transcript, when it had one (shown so the user sees what was heard). */
  transcript?: string;
  /** The image query's caption, when captions are on (shown so the user sees what was seen). */
  caption?: string;
  /** With "no good match": the closest items anyway, best first, each marked weak (at most 3). */
  closest?: ItemResult[];
  /** The cut this search used. */
  cut?: number;
  /** When asked: how many items would match at each of the asked cuts. */
  preview?: { cut: number; items: number }[];
  /**
   * The catalog was still being built (store-answers.ts); asked again once it is built, the answer is whole.
   * 'keywords': this answer has the matches by meaning but no keyword matches yet. 'filters': the filters
   * were applied to the results found, not before the search, so matches further down may be missing.
   */
  pending?: 'keywords' | 'filters';
  /** Milliseconds per stage, for diagnostics. */
  timings: { encode: number; search: number; fuse: number; total: number };
}

export function segmentRange(segment: SegmentRecord): SegmentRange {
  if (segment.t0 !== undefined) return { kind: 'time', t0: segment.t0, t1: segment.t1 ?? segment.t0 };
  if (segment.charStart !== undefined && segment.charEnd !== undefined) {
    return { kind: 'text', page: segment.page, charStart: segment.charStart, charEnd: segment.charEnd };
  }
  return { kind: 'whole' };
}
