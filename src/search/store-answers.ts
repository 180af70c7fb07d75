// What the search worker answers from the library's store while its catalog is still being built (at
// start-up, or after an import replaced the library): a query without filters needs from the catalog only
// a background sample per space and, for the results found, their segments and items, and all of these
// are a few hundred reads of the store, however large the library. Keyword hits need the whole BM25 index,
// so a search answered this way has none and says so (LexicalSearch.pending); the searcher's caller asks
// again once the catalog is in. Filters, negative terms and "photos from 2023" wait for the catalog.
import type { ItemRecord, SegmentRecord, Space } from '../library/records.ts';
import { describeSegment, type DescribedSegment, type SpacePreparation } from './catalog.ts';
import { searchTerms } from './tokenize.ts';

/** The reads of the library this needs (the Library answers them). */
export interface SegmentSource {
  segmentsByKeys(keys: readonly number[]): Promise<(SegmentRecord | undefined)[]>;
  segmentsSpread(points: number, run: number): Promise<SegmentRecord[]>;
  getItems(ids: string[]): Promise<(ItemRecord | undefined)[]>;
}

/**
 * Segments read for the samples, per key of the sample asked: the smallest space (sounds) holds about a
 * tenth of the segments, so eight reads a key give it most of its sample too. They are read in runs of
 * RUN neighbours (Library.segmentsSpread), a few seeks rather than one a segment.
 */
const SPREAD_PER_KEY = 8;
const RUN = 32;

export class StoreAnswers {
  private spread: Promise<SegmentRecord[]> | undefined;
  private spreadSize = 0;

  /** `source`: the library, perhaps still opening. */
  constructor(private readonly source: Promise<SegmentSource>) {}

  /**
   * Background samples of the spaces: up to `n` keys each, evenly over the segments read in runs spread
   * across the library (Library.segmentsSpread), in key order. Not the catalog's sample (that one strides
   * over every key of the space), but over the same span; read once per load.
   */
  async prepare(spaces: Space[], n: number): Promise<Record<string, SpacePreparation>> {
    if (!this.spread || this.spreadSize < n) {
      this.spreadSize = n;
      this.spread = this.source.then((s) =>
        s.segmentsSpread(Math.max(1, Math.ceil((n * SPREAD_PER_KEY) / RUN)), RUN),
      );
    }
    const spread = await this.spread;
    const out: Record<string, SpacePreparation> = {};
    for (const space of spaces) {
      const keys = Uint32Array.from(spread.filter((s) => s.spaces.includes(space)).map((s) => s.key!)).sort();
      out[space] = { allowed: null, sample: thin(keys, n) };
    }
    return out;
  }

  /** As SearchCatalog.describe, from the store. */
  async describe(
    requests: { key: number; terms?: string[] }[],
    queryText: string,
    limit?: { items: number; perItem: number },
  ): Promise<DescribedSegment[]> {
    const source = await this.source;
    const segments = await source.segmentsByKeys(requests.map((r) => r.key));
    const perItem = new Map<string, number>();
    const kept: { key: number; terms: string[]; segment: SegmentRecord }[] = [];
    requests.forEach(({ key, terms = [] }, i) => {
      const segment = segments[i];
      if (!segment) return;
      if (limit) {
        const seen = perItem.get(segment.itemId) ?? 0;
        if ((seen === 0 && perItem.size >= limit.items) || seen >= limit.perItem) return;
        perItem.set(segment.itemId, seen + 1);
      }
      kept.push({ key, terms, segment });
    });
    const ids = [...new Set(kept.map((k) => k.segment.itemId))];
    const items = new Map<string, ItemRecord>();
    (await source.getItems(ids)).forEach((item, i) => {
      // The catalog holds ready items only; so does this.
      if (item?.status === 'ready') items.set(ids[i]!, item);
    });
    const queryTerms = searchTerms(queryText);
    return kept.flatMap(({ key, terms, segment }) => {
      const item = items.get(segment.itemId);
      const described = item && describeSegment(key, segment, item, terms, queryTerms);
      return described ? [described] : [];
    });
  }

  async itemIds(keys: number[]): Promise<(string | null)[]> {
    return (await (await this.source).segmentsByKeys(keys)).map((s) => s?.itemId ?? null);
  }
}

/** Up to n keys, evenly strided over `keys`. */
function thin(keys: Uint32Array, n: number): Uint32Array {
  if (keys.length <= n) return keys;
  return Uint32Array.from({ length: n }, (_, i) => keys[Math.floor(((i + 0.5) * keys.length) / n)]!);
}
