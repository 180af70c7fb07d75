// The search catalog: what search needs to know about every segment, kept where the search work runs
// (workers/search.worker.ts): its item (for filters and grouping) and its spaces (for the background
// samples). Keyword search reads a posting index (keyword-search.ts): the library's, given as `keywords`
// (the search worker's catalog then holds no segment's text: snippets are read from the store), or, by
// default, one in memory that the catalog fills from the segments' text (memory-postings.ts), for a
// catalog without a store. Segments are keyed by the integer id they have in the vector index.
import { keywordTexts, type ItemRecord, type SegmentRecord, type Space } from '../library/records.ts';
import { searchKeywords, type LexicalSearch, type PostingSource } from './keyword-search.ts';
import { MemoryPostings } from './memory-postings.ts';
import { hasFilters, modalityOf, type Modality, type SearchFilters } from './query.ts';
import { segmentRange, type SegmentRange } from './results.ts';
import { makeSnippet, type Snippet } from './snippet.ts';
import { searchTerms } from './tokenize.ts';

export interface CatalogSegment {
  key: number;
  segment: SegmentRecord;
}

export interface DescribedSegment {
  key: number;
  segment: SegmentRecord;
  item: ItemRecord;
  modality: Modality;
  range: SegmentRange;
  snippet?: Snippet;
}

/** What the searcher asks of a catalog; SearchCatalog answers in-process, its worker client across threads. */
export interface SpacePreparation {
  /** Keys of the space's segments that pass the filters, or null when nothing is filtered out. */
  allowed: Uint32Array | null;
  /** The background sample for calibration. */
  sample: Uint32Array;
  /**
   * The filters were not applied to `allowed` (the catalog was still being filled): describe applies them to
   * the results, so what passes them further down may be missing. The answer says so (SearchResponse.pending).
   */
  postFiltered?: true;
}

export interface CatalogApi {
  /** Filter keys and background samples for the spaces a query reaches, in one call. */
  prepare(
    spaces: Space[],
    filters: SearchFilters | undefined,
    sampleSize: number,
  ): Promise<Record<string, SpacePreparation>>;
  lexical(text: string, negatives: string[], filters?: SearchFilters, limit?: number): Promise<LexicalSearch>;
  /**
   * Items, ranges and snippets of segments, in the order asked. With `limit`, only the segments of the first
   * `limit.items` items (at most `limit.perItem` each) are described: fusion ranks many more segments than
   * a page of results shows, and describing (snippets, copying across threads) is the costly part.
   */
  describe(
    requests: { key: number; terms?: string[] }[],
    queryText: string,
    limit?: { items: number; perItem: number },
    /** Only segments of items that pass (where `allowed` did not filter them already: postFiltered). */
    filters?: SearchFilters,
  ): Promise<DescribedSegment[]>;
  /** The item of each key, in order (null for a key the catalog does not have). */
  itemIds(keys: number[]): Promise<(string | null)[]>;
  /** The place names of the catalog's items (cities, regions, countries), for the "in Lisbon" filter. */
  placeNames(): Promise<string[]>;
  /**
   * A query of filters alone ("photos from 2023"): the first segment's key of each item that passes,
   * newest first (by capture date, else the file's date), at most `limit`.
   */
  browse(filters: SearchFilters, limit: number): Promise<number[]>;
}

interface Entry {
  segment: SegmentRecord;
  itemId: string;
}

export class SearchCatalog implements CatalogApi {
  private readonly items = new Map<string, { item: ItemRecord; keys: number[] }>();
  private readonly entries = new Map<number, Entry>();
  private readonly bySpace = new Map<Space, Set<number>>();
  /** The posting index the catalog fills itself, when it was given none. */
  private readonly memory: MemoryPostings | undefined;
  private readonly keywords: PostingSource;
  private readonly samples = new Map<string, Uint32Array>();
  private readonly allowed = new Map<string, Uint32Array | null>();

  constructor(options: { keywords?: PostingSource } = {}) {
    this.memory = options.keywords ? undefined : new MemoryPostings();
    this.keywords = options.keywords ?? this.memory!;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds an item with its segments, replacing what the catalog had for it; returns the keys it dropped. */
  upsertItem(item: ItemRecord, segments: CatalogSegment[]): number[] {
    const dropped = this.removeItem(item.id).filter((k) => !segments.some((s) => s.key === k));
    for (const { key, segment } of segments) {
      if (segment.itemId !== item.id)
        throw new Error(`segment ${segment.id} belongs to ${segment.itemId}, not ${item.id}`);
      const other = this.entries.get(key);
      if (other) throw new Error(`key ${key} is already segment ${other.segment.id} of item ${other.itemId}`);
      this.entries.set(key, { segment, itemId: item.id });
      for (const space of segment.spaces) this.spaceKeys(space).add(key);
    }
    // The same texts the library's index holds: a place's names go on the picture (keywordTexts).
    if (this.memory) for (const [key, text] of keywordTexts(item, segments)) this.memory.add(key, text);
    this.items.set(item.id, { item, keys: segments.map((s) => s.key) });
    this.changed();
    return dropped;
  }

  /** Many items at once (loading a library at start-up): one message to the worker instead of thousands. */
  upsertItems(batch: { item: ItemRecord; segments: CatalogSegment[] }[]): number[] {
    return batch.flatMap(({ item, segments }) => this.upsertItem(item, segments));
  }

  /** Forgets an item; returns the keys of its segments, which the caller removes from the vector indexes. */
  removeItem(itemId: string): number[] {
    const found = this.items.get(itemId);
    if (!found) return [];
    for (const key of found.keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      for (const space of entry.segment.spaces) this.bySpace.get(space)?.delete(key);
      this.memory?.remove(key);
      this.entries.delete(key);
    }
    this.items.delete(itemId);
    this.changed();
    return found.keys;
  }

  prepare(
    spaces: Space[],
    filters: SearchFilters | undefined,
    sampleSize: number,
  ): Promise<Record<string, SpacePreparation>> {
    const out: Record<string, SpacePreparation> = {};
    for (const space of spaces) {
      out[space] = {
        allowed: this.allowedKeys(filters, space),
        // "More like this" is calibrated against the library without its own item: a video's other
        // frames of the same moment would otherwise be most of what it is measured against.
        sample: this.backgroundSample(space, sampleSize, filters?.exceptItems),
      };
    }
    return Promise.resolve(out);
  }

  /** Keys of the segments in `space` that pass the filters, or null when nothing is filtered out. */
  allowedKeys(filters: SearchFilters | undefined, space: Space): Uint32Array | null {
    if (!hasFilters(filters)) return null;
    const id = `${space}|${JSON.stringify(filters)}`;
    if (!this.allowed.has(id)) {
      const pass = itemFilter(filters!);
      const keys: number[] = [];
      for (const key of this.spaceKeys(space)) if (pass(this.itemOf(key))) keys.push(key);
      // A handful of filters are in use at a time; the cache never needs to outgrow that.
      if (this.allowed.size >= 32) this.allowed.clear();
      this.allowed.set(id, Uint32Array.from(keys));
    }
    return this.allowed.get(id)!;
  }

  /**
   * Up to n keys of `space`, spread evenly over the space (the same ones until the catalog changes), as
   * the background a query's scores are calibrated against.
   */
  backgroundSample(space: Space, n: number, exceptItems: string[] = []): Uint32Array {
    const id = `${space}|${n}|${exceptItems.join('|')}`;
    let sample = this.samples.get(id);
    if (!sample) {
      const except = new Set(exceptItems);
      const all = this.spaceKeys(space);
      const kept = except.size ? [...all].filter((k) => !except.has(this.entries.get(k)!.itemId)) : all;
      const keys = Uint32Array.from(kept).sort();
      if (keys.length <= n) sample = keys;
      else {
        // Evenly strided over the sorted keys: keys follow ingest order, so this spans old and new items.
        sample = new Uint32Array(n);
        for (let i = 0; i < n; i++) sample[i] = keys[Math.floor(((i + 0.5) * keys.length) / n)]!;
      }
      // Samples that leave an item out ("More like this") come and go; a few are kept.
      if (this.samples.size >= 32) this.samples.clear();
      this.samples.set(id, sample);
    }
    return sample;
  }

  lexical(
    text: string,
    negatives: string[],
    filters?: SearchFilters,
    limit?: number,
  ): Promise<LexicalSearch> {
    const pass = hasFilters(filters) ? itemFilter(filters!) : undefined;
    return searchKeywords(this.keywords, text, negatives, {
      limit,
      // A key the catalog does not have (its item not ready, or not read yet) passes no filter.
      allowed: pass && ((key) => this.entries.has(key) && pass(this.itemOf(key))),
    });
  }

  describe(
    requests: { key: number; terms?: string[] }[],
    queryText: string,
    limit?: { items: number; perItem: number },
    filters?: SearchFilters,
  ): Promise<DescribedSegment[]> {
    const queryTerms = searchTerms(queryText);
    const pass = hasFilters(filters) ? itemFilter(filters!) : undefined;
    const out: DescribedSegment[] = [];
    const perItem = new Map<string, number>();
    for (const { key, terms = [] } of requests) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (pass && !pass(this.itemOf(key))) continue;
      if (limit) {
        const seen = perItem.get(entry.itemId) ?? 0;
        if (seen === 0 && perItem.size >= limit.items) continue;
        if (seen >= limit.perItem) continue;
        perItem.set(entry.itemId, seen + 1);
      }
      const described = describeSegment(key, entry.segment, this.itemOf(key), terms, queryTerms);
      if (described) out.push(described);
    }
    return Promise.resolve(out);
  }

  itemIds(keys: number[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map((k) => this.entries.get(k)?.itemId ?? null));
  }

  placeNames(): Promise<string[]> {
    const names = new Set<string>();
    for (const { item } of this.items.values())
      if (item.place)
        for (const n of [item.place.city, item.place.region, item.place.country]) if (n) names.add(n);
    return Promise.resolve([...names]);
  }

  browse(filters: SearchFilters, limit: number): Promise<number[]> {
    const pass = itemFilter(filters);
    const when = (item: ItemRecord) => item.capturedAt ?? item.mtime;
    const found = [...this.items.values()]
      .filter(({ item, keys }) => keys.length > 0 && pass(item))
      .sort((a, b) => when(b.item) - when(a.item) || a.item.name.localeCompare(b.item.name));
    return Promise.resolve(found.slice(0, limit).map(({ keys }) => Math.min(...keys)));
  }

  private itemOf(key: number): ItemRecord {
    return this.items.get(this.entries.get(key)!.itemId)!.item;
  }

  private spaceKeys(space: Space): Set<number> {
    let keys = this.bySpace.get(space);
    if (!keys) this.bySpace.set(space, (keys = new Set()));
    return keys;
  }

  private changed(): void {
    this.samples.clear();
    this.allowed.clear();
  }
}

/**
 * A segment as results show it: its item, modality, range and snippet (the segment's words that matched
 * and the query's own words marked); undefined for an item of no searchable kind.
 */
export function describeSegment(
  key: number,
  segment: SegmentRecord,
  item: ItemRecord,
  terms: string[],
  queryTerms: string[],
): DescribedSegment | undefined {
  const modality = modalityOf(item);
  if (!modality) return undefined;
  const matched = new Set(terms);
  // Mark the query's words too: a passage found by meaning still shows where it says them.
  const isMatch = (t: string) =>
    matched.has(t) || queryTerms.some((q) => t === q || (q.length >= 4 && t.startsWith(q)));
  return {
    key,
    segment,
    item,
    modality,
    range: segmentRange(segment),
    snippet: segment.text ? makeSnippet(segment.text, isMatch) : undefined,
  };
}

/** Whether an item passes the filters. */
export function itemFilter(filters: SearchFilters): (item: ItemRecord) => boolean {
  const modalities = filters.modalities?.length ? new Set(filters.modalities) : null;
  const { date, folder, folderNamed, exceptItems } = filters;
  const places = filters.place?.names.length ? new Set(filters.place.names.map(folded)) : null;
  const names = folderNamed?.names.length ? new Set(folderNamed.names.map(folded)) : null;
  const imported = new Set(folderNamed?.importedIds);
  const except = new Set(exceptItems);
  return (item) => {
    if (except.has(item.id)) return false;
    if (modalities) {
      const m = modalityOf(item);
      if (!m || !modalities.has(m)) return false;
    }
    if (date) {
      const by = date.by ?? 'captured-or-file';
      const when =
        by === 'captured' ? item.capturedAt : by === 'file' ? item.mtime : (item.capturedAt ?? item.mtime);
      if (when === undefined) return false;
      if (date.from !== undefined && when < date.from) return false;
      if (date.to !== undefined && when > date.to) return false;
    }
    if (folder) {
      if (folder.folderId !== undefined && item.folderId !== folder.folderId) return false;
      const path = folder.path?.replace(/^\/+|\/+$/g, '');
      if (path && item.folderPath !== path && !item.folderPath.startsWith(`${path}/`)) return false;
    }
    if (names) {
      const inImported = item.folderId !== undefined && imported.has(item.folderId);
      if (!inImported && !item.folderPath.split('/').some((dir) => names.has(folded(dir)))) return false;
    }
    if (places) {
      const p = item.place;
      if (!p || ![p.city, p.region, p.country].some((n) => n !== undefined && places.has(folded(n))))
        return false;
    }
    return true;
  };
}

function folded(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase();
}
