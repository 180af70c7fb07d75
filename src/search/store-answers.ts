// What the search worker answers from the library's store while its catalog is still being built (at
// start-up, or after an import replaced the library): a query without filters needs from the catalog only
// a background sample per space and, for the results found, their segments and items, and all of these
// are a few hundred reads of the store, however large the library. Keyword hits need the whole BM25 index,
// so a search answered this way has none and says so (LexicalSearch.pending); the searcher's caller asks
// again once the catalog is in. Filters are applied to the results (their items are read anyway), not
// before the nearest-neighbour search, so a filtered answer may miss what passes the filters further down:
// it says so (SpacePreparation.postFiltered) and is asked again too. A query of filters alone ("photos from
// 2023") reads items newest first until enough pass, within a budget.
import type { ItemRecord, SegmentRecord, Space } from '../library/records.ts';
import { describeSegment, itemFilter, type DescribedSegment, type SpacePreparation } from './catalog.ts';
import type { SearchFilters } from './query.ts';
import { searchTerms } from './tokenize.ts';

/** The reads of the library this needs (the Library answers them). */
export interface SegmentSource {
  segmentsByKeys(keys: readonly number[]): Promise<(SegmentRecord | undefined)[]>;
  segmentsSpread(points: number, run: number): Promise<SegmentRecord[]>;
  getItems(ids: string[]): Promise<(ItemRecord | undefined)[]>;
  /** Items by date, newest first (Library.itemsNewestFirst). */
  itemsNewestFirst(
    range: { from?: number; to?: number },
    count: number,
    after?: [number, string],
  ): Promise<ItemRecord[]>;
  getSegments(itemId: string): Promise<SegmentRecord[]>;
}

/** Items read per page, and at most, for a query of filters alone before the catalog is in. */
const BROWSE_PAGE = 500;
const BROWSE_BUDGET = 20_000;

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

  /** As SearchCatalog.describe, from the store; with `filters`, only segments of items that pass them. */
  async describe(
    requests: { key: number; terms?: string[] }[],
    queryText: string,
    limit?: { items: number; perItem: number },
    filters?: SearchFilters,
  ): Promise<DescribedSegment[]> {
    const source = await this.source;
    const segments = await source.segmentsByKeys(requests.map((r) => r.key));
    const items = new Map<string, ItemRecord>();
    const read = async (ids: string[]) =>
      (await source.getItems(ids)).forEach((item, i) => {
        // The catalog holds ready items only; so does this.
        if (item?.status === 'ready') items.set(ids[i]!, item);
      });
    // Filtered: the items of every candidate are read first, so those that fail take no place in the limit.
    const pass = filters && itemFilter(filters);
    if (pass) await read([...new Set(segments.flatMap((s) => (s ? [s.itemId] : [])))]);
    const perItem = new Map<string, number>();
    const kept: { key: number; terms: string[]; segment: SegmentRecord }[] = [];
    requests.forEach(({ key, terms = [] }, i) => {
      const segment = segments[i];
      if (!segment) return;
      if (pass) {
        const item = items.get(segment.itemId);
        if (!item || !pass(item)) return;
      }
      if (limit) {
        const seen = perItem.get(segment.itemId) ?? 0;
        if ((seen === 0 && perItem.size >= limit.items) || seen >= limit.perItem) return;
        perItem.set(segment.itemId, seen + 1);
      }
      kept.push({ key, terms, segment });
    });
    if (!pass) await read([...new Set(kept.map((k) => k.segment.itemId))]);
    const queryTerms = searchTerms(queryText);
    return kept.flatMap(({ key, terms, segment }) => {
      const item = items.get(segment.itemId);
      const described = item && describeSegment(key, segment, item, terms, queryTerms);
      return described ? [described] : [];
    });
  }

  /**
   * As SearchCatalog.browse, from the store: ready items that pass, newest first, read a page at a time
   * (within the date filter's range where it counts the timeline's date). null when BROWSE_BUDGET items
   * were read without finding `limit` (a rare filter over a large library): the catalog must answer.
   */
  async browse(filters: SearchFilters, limit: number): Promise<number[] | null> {
    if (limit <= 0) return [];
    const source = await this.source;
    const pass = itemFilter(filters);
    const { date } = filters;
    const range = date && (date.by ?? 'captured-or-file') === 'captured-or-file' ? date : {};
    const found: ItemRecord[] = [];
    let after: [number, string] | undefined;
    for (let read = 0; ;) {
      const page = await source.itemsNewestFirst(range, BROWSE_PAGE, after);
      read += page.length;
      for (const item of page) {
        // Past the limit only for the items of the same date as the last one kept (they sort by name).
        const full = found.length >= limit;
        if (full && item.when !== found[found.length - 1]!.when) return this.firstKeys(found, limit);
        if (item.status === 'ready' && pass(item)) found.push(item);
      }
      if (page.length < BROWSE_PAGE) return this.firstKeys(found, limit);
      if (read >= BROWSE_BUDGET) return found.length >= limit ? this.firstKeys(found, limit) : null;
      const last = page[page.length - 1]!;
      after = [last.when!, last.id];
    }
  }

  /** The first segment's key of each item (as the catalog browses), in timeline order, at most `limit`. */
  private async firstKeys(items: ItemRecord[], limit: number): Promise<number[]> {
    const source = await this.source;
    const sorted = items.sort((a, b) => b.when! - a.when! || a.name.localeCompare(b.name)).slice(0, limit);
    const keys = await Promise.all(
      sorted.map(async (item) => {
        const ks = (await source.getSegments(item.id)).flatMap((s) => (s.key === undefined ? [] : [s.key]));
        return ks.length ? Math.min(...ks) : undefined;
      }),
    );
    return keys.filter((k): k is number => k !== undefined);
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
