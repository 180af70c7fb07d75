// The search itself: encode the query into every space it reaches, search each space's index and the
// keyword index, calibrate, apply negative terms, fuse into one list, cut, describe and group by item.
// The heavy parts run elsewhere: encoders and vector indexes in their workers, the catalog (filters, BM25,
// snippets) in the search worker. What runs here is fusion over a few hundred candidates.
import type { Space } from '../library/records.ts';
import type { VectorIndex } from '../vector-index/types.ts';
import { defaultCut, lexicalScore, type CalibrationMethod } from './calibrate.ts';
import type { CatalogApi, DescribedSegment } from './catalog.ts';
import type { LexicalSearch } from './keyword-search.ts';
import { planQuery, planSimilar, type QueryEncoders, type QueryPlan, type SpaceQuery } from './fan-out.ts';
import { fuse, type EvidenceList, type FusionMethod, type FusedHit, type Negatives } from './fuse.ts';
import { groupByItem } from './group.ts';
import { hasFilters, type SearchFilters, type SearchQuery } from './query.ts';
import type { ItemResult, SearchResponse, SegmentResult } from './results.ts';
import { candidates, itemsAtCuts, strength } from './below-cut.ts';
import { SpaceSearcher, type SpaceSearch } from './space-search.ts';
import { groupNearDuplicates, meanOfUnits, type SpaceVectors } from './near-duplicates.ts';

export interface SearcherOptions {
  fusion?: FusionMethod;
  calibration?: CalibrationMethod;
  /** Calibrated score a segment needs to be a match (default: the calibration's, calibrate.ts). */
  cut?: number;
  /** Nearest neighbours taken from each space (default 100). */
  perSpace?: number;
  /** Vectors per space the query is calibrated against (default 256). */
  backgroundSize?: number;
  /** Keyword hits taken (default 200). */
  lexicalLimit?: number;
  /** Fused segments considered for grouping, at most (default 300). */
  segmentLimit?: number;
  /** Segments shown per item: the best and up to this many minus one other moments (default 8). */
  perItem?: number;
  /** Background sample for a negative term's calibration, per space (default 64). */
  negativeBackgroundSize?: number;
}

export interface SearcherDeps {
  encoders: QueryEncoders;
  /** One index per space; a space without one is skipped. */
  indexes: Partial<Record<Space, VectorIndex>>;
  catalog: CatalogApi;
  /**
   * The stored vectors of segments by key, in every space each has one (the library's copy, not encoded
   * again). "More like this" needs it; with it, near-duplicates in results are grouped too.
   */
  segmentVectors?: (keys: number[]) => Promise<(SpaceVectors | undefined)[]>;
}

/** "More like this" was asked of a segment that is no longer in the library. */
export class SegmentGoneError extends Error {
  constructor() {
    super('That result is no longer in the library: search again.');
    this.name = 'SegmentGoneError';
  }
}

/** Everything fusion saw, for tests and the calibration study. */
export interface SearchTrace {
  plan: QueryPlan;
  lists: EvidenceList[];
  negatives: Negatives;
  fused: FusedHit[];
}

export class Searcher {
  private readonly options: Required<SearcherOptions>;
  private readonly spaceSearcher: SpaceSearcher;
  /** The library's mean vector per space, by the sample it came from (near-duplicates). */
  private readonly means = new Map<Space, { id: string; mean: Promise<Float32Array | undefined> }>();

  constructor(
    private readonly deps: SearcherDeps,
    options: SearcherOptions = {},
  ) {
    this.options = {
      fusion: 'calibrated',
      calibration: 'query-bank',
      cut: defaultCut(options.calibration ?? 'query-bank'),
      perSpace: 100,
      backgroundSize: 256,
      lexicalLimit: 200,
      segmentLimit: 300,
      perItem: 8,
      negativeBackgroundSize: 64,
      ...options,
    };
    this.spaceSearcher = new SpaceSearcher(this.options);
  }

  async search(query: SearchQuery, trace?: (t: SearchTrace) => void): Promise<SearchResponse> {
    const started = performance.now();
    let filters = query.filters;
    let plan: QueryPlan;
    if (query.like) {
      const [stored] = (await this.deps.segmentVectors?.([query.like.key])) ?? [];
      if (!stored || Object.keys(stored).length === 0) throw new SegmentGoneError();
      plan = await planSimilar(stored, this.deps.encoders);
      filters = { ...filters, exceptItems: [...(filters?.exceptItems ?? []), query.like.itemId] };
    } else plan = await planQuery(query, this.deps.encoders);
    const encoded = performance.now();
    const response = await this.searchPlan(plan, filters, query.limit ?? 20, trace, {
      cut: query.cut,
      preview: query.preview,
    });
    response.timings.encode = encoded - started;
    response.timings.total = performance.now() - started;
    return response;
  }

  /** Search with an encoded query: everything after the encoders (what the benchmark measures). */
  async searchPlan(
    plan: QueryPlan,
    filters: SearchFilters | undefined,
    limit = 20,
    trace?: (t: SearchTrace) => void,
    asked: Pick<SearchQuery, 'cut' | 'preview'> = {},
  ): Promise<SearchResponse> {
    const started = performance.now();
    const { catalog } = this.deps;
    const cut = asked.cut ?? this.options.cut;
    const spaces = plan.spaces.filter((s) => this.deps.indexes[s.space] && s.weight > 0);
    const wantsLexical = plan.lexical.weight > 0 || plan.negatives.length > 0;
    if (spaces.length === 0 && !(plan.lexical.weight > 0)) {
      // Filters alone ("photos from 2023") list what passes them, newest first.
      const listed = hasFilters(filters) ? await this.browse(filters!, limit) : [];
      return {
        status: hasFilters(filters) ? (listed.length ? 'ok' : 'no-good-match') : 'empty-query',
        items: listed,
        transcript: plan.transcript,
        caption: plan.caption,
        cut,
        timings: timings(0, 0, 0),
      };
    }

    const lexicalRun = wantsLexical
      ? catalog.lexical(plan.lexical.text, plan.negatives, filters, this.options.lexicalLimit)
      : Promise.resolve<LexicalSearch>({ hits: [], excluded: [] });
    const prepared = catalog.prepare(
      spaces.map((s) => s.space),
      filters,
      this.options.backgroundSize,
    );
    // Without filters, the nearest-neighbour searches need nothing from the catalog: they start at once,
    // while the catalog answers with the background samples.
    const [vectorLists, lexical] = await Promise.all([
      Promise.all(
        spaces.map((s) =>
          this.spaceSearcher.search(
            this.deps.indexes[s.space]!,
            s,
            hasFilters(filters) ? prepared.then((p) => p[s.space]!.allowed) : null,
            prepared.then((p) => p[s.space]!.sample),
          ),
        ),
      ),
      lexicalRun,
    ]);
    // Filters the catalog could not apply yet (it was being filled) are applied to the results instead.
    const postFiltered =
      hasFilters(filters) &&
      (!!lexical.postFiltered || Object.values(await prepared).some((p) => p.postFiltered));
    const laterFilters = postFiltered ? filters : undefined;
    const lists: EvidenceList[] = vectorLists.map((l) => l.list);
    if (plan.lexical.weight > 0) {
      lists.push({
        source: 'lexical',
        weight: plan.lexical.weight,
        hits: lexical.hits.map((h) => ({
          key: h.key,
          source: 'lexical',
          raw: h.bm25,
          // Placed among vector matches by the searcher's own cut, not this search's: a stricter search
          // keeps fewer keyword hits, but ranks them as any other search does.
          z: lexicalScore(h.coverage, this.options.cut),
        })),
      });
    }
    const negatives = await this.negatives(
      spaces,
      vectorLists,
      lexical.hits.map((h) => h.key),
      lexical.excluded,
      cut,
    );
    const searched = performance.now();

    const fused = fuse(lists, negatives, { method: this.options.fusion, cut });
    trace?.({ plan, lists, negatives, fused });
    const top = fused.slice(0, this.options.segmentLimit);
    const lexicalTerms = new Map(lexical.hits.map((h) => [h.key, h.terms]));
    const described = await catalog.describe(
      top.map((h) => ({ key: h.key, terms: lexicalTerms.get(h.key) })),
      plan.lexical.text,
      { items: limit, perItem: this.options.perItem },
      laterFilters,
    );
    const byKey = new Map(described.map((d) => [d.key, d]));
    const segments = top.flatMap((hit) => {
      const d = byKey.get(hit.key);
      return d ? [toResult(hit, d, cut, lexicalTerms.get(hit.key))] : [];
    });
    const items = await this.nearDuplicates(groupByItem(segments, limit));
    const below = items.length && !asked.preview ? [] : candidates(lists, negatives);
    const [closest, preview] = await Promise.all([
      items.length ? undefined : this.closest(below, plan.lexical.text, cut, laterFilters),
      asked.preview && itemsAtCuts(below, asked.preview, catalog),
    ]);
    const done = performance.now();
    return {
      status: items.length ? 'ok' : 'no-good-match',
      items,
      transcript: plan.transcript,
      caption: plan.caption,
      cut,
      ...(closest?.length ? { closest } : {}),
      ...(preview ? { preview } : {}),
      ...(postFiltered
        ? { pending: 'filters' as const }
        : lexical.pending && plan.lexical.weight > 0
          ? { pending: 'keywords' as const }
          : {}),
      timings: timings(0, searched - started, done - searched, done - started),
    };
  }

  /** Items that pass `filters`, newest first, for a query of filters alone. */
  private async browse(filters: SearchFilters, limit: number): Promise<ItemResult[]> {
    const keys = await this.deps.catalog.browse(filters, limit);
    const described = await this.deps.catalog.describe(
      keys.map((key) => ({ key })),
      '',
    );
    const items = described.map(({ item, ...d }) => ({
      item,
      modality: d.modality,
      score: 0,
      best: { key: d.key, segment: d.segment, modality: d.modality, score: 0, range: d.range, matched: [] },
      others: [],
      spaces: [],
      listed: true,
    }));
    return this.nearDuplicates(items);
  }

  /**
   * Groups near-duplicates (near-duplicates.ts) by the stored vectors of each result's best segment,
   * against the library's mean vector in each space (from the background sample, kept until it changes).
   */
  private async nearDuplicates(items: ItemResult[]): Promise<ItemResult[]> {
    const read = this.deps.segmentVectors;
    if (!read || items.length < 2) return items;
    const vectors = await read(items.map((i) => i.best.key));
    const present = new Set(vectors.flatMap((v) => Object.keys(v ?? {}) as Space[]));
    const prepared = await this.deps.catalog.prepare([...present], undefined, MEAN_SAMPLE);
    const means: SpaceVectors = {};
    await Promise.all(
      [...present].map(async (space) => {
        const sample = prepared[space]?.sample;
        if (!sample?.length) return;
        const id = `${sample.length}:${sample.join(',')}`;
        let cached = this.means.get(space);
        if (cached?.id !== id) {
          const mean = read([...sample]).then((v) =>
            meanOfUnits(v.flatMap((x) => (x?.[space] ? [x[space]] : []))),
          );
          this.means.set(space, (cached = { id, mean }));
          mean.catch(() => this.means.delete(space));
        }
        const mean = await cached.mean;
        if (mean) means[space] = mean;
      }),
    );
    return groupNearDuplicates(items, vectors, means);
  }

  /** The best few items below the cut, each marked weak, for "Show closest anyway". */
  private async closest(
    below: FusedHit[],
    queryText: string,
    cut: number,
    filters?: SearchFilters,
  ): Promise<ItemResult[]> {
    const top = below.slice(0, this.options.segmentLimit).map((h) => ({ ...h, score: strength(h) }));
    const described = await this.deps.catalog.describe(
      top.map((h) => ({ key: h.key })),
      queryText,
      { items: CLOSEST, perItem: 1 },
      filters,
    );
    const byKey = new Map(described.map((d) => [d.key, d]));
    const segments = top.flatMap((hit) => {
      const d = byKey.get(hit.key);
      return d ? [toResult(hit, d, cut)] : [];
    });
    return groupByItem(segments, CLOSEST).map((item) => ({ ...item, weak: true }));
  }

  /**
   * Negative terms: a segment that contains one (keyword side) is dropped; so is one whose calibrated
   * similarity to a negative term passes the cut in its space; below the cut the similarity is a penalty.
   */
  private async negatives(
    spaces: SpaceQuery[],
    searched: SpaceSearch[],
    lexicalKeys: number[],
    excluded: number[],
    cut: number,
  ): Promise<Negatives> {
    const drop = new Set(excluded);
    const penalty = new Map<number, number>();
    const jobs: Promise<void>[] = [];
    spaces.forEach((query, i) => {
      if (query.negatives.length === 0) return;
      const candidates = new Set(searched[i]!.list.hits.map((h) => h.key));
      // Keyword hits have vectors in the text space too; only there can a negative term reach them.
      if (query.space === 'text') for (const k of lexicalKeys) candidates.add(k);
      if (candidates.size === 0) return;
      const keys = Uint32Array.from(candidates);
      for (const negative of query.negatives) {
        jobs.push(
          searched[i]!.score(negative, keys).then((scores) => {
            for (const [key, z] of scores) {
              if (z >= cut) drop.add(key);
              else if (z > 0) penalty.set(key, Math.max(penalty.get(key) ?? 0, z));
            }
          }),
        );
      }
    });
    await Promise.all(jobs);
    return { drop, penalty };
  }
}

/** Items "Show closest anyway" offers when nothing passes the cut. */
const CLOSEST = 3;
/** Stored vectors read for a space's mean: a sample spread over the library (near-duplicates). */
const MEAN_SAMPLE = 64;

function toResult(
  hit: FusedHit,
  d: DescribedSegment,
  cut: number,
  words?: string[],
): SegmentResult & { item: DescribedSegment['item'] } {
  return {
    ...(words?.length ? { words } : {}),
    key: hit.key,
    segment: d.segment,
    item: d.item,
    modality: d.modality,
    score: hit.score,
    range: d.range,
    snippet: d.snippet,
    matched: hit.evidence.map((e) => ({ source: e.source, raw: e.raw, z: e.z, passed: e.z >= cut })),
  };
}

function timings(encode: number, search: number, fuse: number, total = encode + search + fuse) {
  return { encode, search, fuse, total };
}
