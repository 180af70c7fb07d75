// The search itself: encode the query into every space it reaches, search each space's index and the
// keyword index, calibrate, apply negative terms, fuse into one list, cut, describe and group by item.
// The heavy parts run elsewhere: encoders and vector indexes in their workers, the catalog (filters, BM25,
// snippets) in the search worker. What runs here is fusion over a few hundred candidates.
import type { Space } from '../library/records.ts';
import type { SearchHit, VectorIndex } from '../vector-index/types.ts';
import { background, calibrate, lexicalScore, scaleFloor, type CalibrationMethod } from './calibrate.ts';
import type { CatalogApi, DescribedSegment } from './catalog.ts';
import { planQuery, type QueryEncoders, type QueryPlan, type SpaceQuery } from './fan-out.ts';
import {
  DEFAULT_CUT,
  fuse,
  type Evidence,
  type EvidenceList,
  type FusionMethod,
  type FusedHit,
  type Negatives,
} from './fuse.ts';
import { groupByItem } from './group.ts';
import type { SearchFilters, SearchQuery } from './query.ts';
import type { SearchResponse, SegmentResult } from './results.ts';

export interface SearcherOptions {
  fusion?: FusionMethod;
  calibration?: CalibrationMethod;
  /** Calibrated score a segment needs to be a match (default 4). */
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
  private readonly nullCache = new Map<
    Space,
    { id: string; vector: Float32Array; scores: Promise<number[]> }
  >();

  constructor(
    private readonly deps: SearcherDeps,
    options: SearcherOptions = {},
  ) {
    this.options = {
      fusion: 'calibrated',
      calibration: 'null-query',
      cut: DEFAULT_CUT,
      perSpace: 100,
      backgroundSize: 256,
      lexicalLimit: 200,
      segmentLimit: 300,
      perItem: 8,
      negativeBackgroundSize: 64,
      ...options,
    };
  }

  async search(query: SearchQuery, trace?: (t: SearchTrace) => void): Promise<SearchResponse> {
    const started = performance.now();
    const plan = await planQuery(query, this.deps.encoders);
    const encoded = performance.now();
    const response = await this.searchPlan(plan, query.filters, query.limit ?? 20, trace);
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
  ): Promise<SearchResponse> {
    const started = performance.now();
    const { catalog } = this.deps;
    const { cut } = this.options;
    const spaces = plan.spaces.filter((s) => this.deps.indexes[s.space] && s.weight > 0);
    const wantsLexical = plan.lexical.weight > 0 || plan.negatives.length > 0;
    if (spaces.length === 0 && !(plan.lexical.weight > 0)) {
      return {
        status: 'empty-query',
        items: [],
        transcript: plan.transcript,
        caption: plan.caption,
        timings: timings(0, 0, 0),
      };
    }

    const lexicalRun = wantsLexical
      ? catalog.lexical(plan.lexical.text, plan.negatives, filters, this.options.lexicalLimit)
      : Promise.resolve({ hits: [], excluded: [] });
    const prepared = catalog.prepare(
      spaces.map((s) => s.space),
      filters,
      this.options.backgroundSize,
    );
    // Without filters, the nearest-neighbour searches need nothing from the catalog: they start at once,
    // while the catalog answers with the background samples.
    const [vectorLists, lexical, preparation] = await Promise.all([
      Promise.all(
        spaces.map((s) =>
          this.searchSpace(
            s,
            hasFilters(filters) ? prepared.then((p) => p[s.space]!.allowed) : null,
            prepared.then((p) => p[s.space]!.sample),
          ),
        ),
      ),
      lexicalRun,
      prepared,
    ]);
    const lists: EvidenceList[] = vectorLists.map((l) => l.list);
    if (plan.lexical.weight > 0) {
      lists.push({
        source: 'lexical',
        weight: plan.lexical.weight,
        hits: lexical.hits.map((h) => ({
          key: h.key,
          source: 'lexical',
          raw: h.bm25,
          z: lexicalScore(h.coverage, cut),
        })),
      });
    }
    const negatives = await this.negatives(
      spaces,
      vectorLists,
      lexical.hits.map((h) => h.key),
      lexical.excluded,
      preparation,
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
    );
    const byKey = new Map(described.map((d) => [d.key, d]));
    const segments = top.flatMap((hit) => {
      const d = byKey.get(hit.key);
      return d ? [toResult(hit, d, cut)] : [];
    });
    const items = groupByItem(segments, limit);
    const done = performance.now();
    return {
      status: items.length ? 'ok' : 'no-good-match',
      items,
      transcript: plan.transcript,
      caption: plan.caption,
      timings: timings(0, searched - started, done - searched, done - started),
    };
  }

  private async searchSpace(
    query: SpaceQuery,
    allowedKeys: Promise<Uint32Array | null> | null,
    sampleKeys: Promise<Uint32Array>,
  ): Promise<{ list: EvidenceList; nullScores: number[] }> {
    const index = this.deps.indexes[query.space]!;
    const nearest = async () => {
      const allowed = await allowedKeys;
      if (allowed?.length === 0) return [];
      return index.search(query.vector, this.options.perSpace, allowed ? { include: allowed } : undefined);
    };
    const [hits, sampled, nullScores] = await Promise.all([
      nearest(),
      sampleKeys.then((sample) => this.sampleScores(index, query.vector, sample)),
      sampleKeys.then((sample) => this.nullScores(query, sample)),
    ]);
    const bg = background(sampled, nullScores, scaleFloor(index.dim), this.options.calibration);
    const evidence: Evidence[] = hits.map((h) => ({
      key: h.id,
      source: query.space,
      raw: h.score,
      z: calibrate(h.score, bg),
    }));
    return { list: { source: query.space, weight: query.weight, hits: evidence }, nullScores };
  }

  private async sampleScores(
    index: VectorIndex,
    vector: Float32Array,
    sample: Uint32Array,
  ): Promise<number[]> {
    if (sample.length === 0) return [];
    return (await index.search(vector, sample.length, { include: sample })).map((h) => h.score);
  }

  /** The null query's scores over the sample; the same until the sample changes, so they are kept. */
  private nullScores(query: SpaceQuery, sample: Uint32Array): Promise<number[]> {
    const id = sampleId(sample);
    const cached = this.nullCache.get(query.space);
    if (cached?.id === id && cached.vector === query.nullVector) return cached.scores;
    const scores = this.sampleScores(this.deps.indexes[query.space]!, query.nullVector, sample);
    this.nullCache.set(query.space, { id, vector: query.nullVector, scores });
    scores.catch(() => this.nullCache.delete(query.space));
    return scores;
  }

  /**
   * Negative terms: a segment that contains one (keyword side) is dropped; so is one whose calibrated
   * similarity to a negative term passes the cut in its space; below the cut the similarity is a penalty.
   */
  private async negatives(
    spaces: SpaceQuery[],
    vectorLists: { list: EvidenceList; nullScores: number[] }[],
    lexicalKeys: number[],
    excluded: number[],
    prepared: Record<string, { sample: Uint32Array }>,
  ): Promise<Negatives> {
    const drop = new Set(excluded);
    const penalty = new Map<number, number>();
    const jobs: Promise<void>[] = [];
    spaces.forEach((query, i) => {
      if (query.negatives.length === 0) return;
      const index = this.deps.indexes[query.space]!;
      const sample = thin(prepared[query.space]!.sample, this.options.negativeBackgroundSize);
      const candidates = new Set(vectorLists[i]!.list.hits.map((h) => h.key));
      // Keyword hits have vectors in the text space too; only there can a negative term reach them.
      if (query.space === 'text') for (const k of lexicalKeys) candidates.add(k);
      if (candidates.size === 0) return;
      const include = Uint32Array.from(new Set([...candidates, ...sample]));
      for (const negative of query.negatives) {
        jobs.push(
          index.search(negative, include.length, { include }).then((scored: SearchHit[]) => {
            const inSample = new Set(sample);
            const bg = background(
              scored.filter((h) => inSample.has(h.id)).map((h) => h.score),
              vectorLists[i]!.nullScores,
              scaleFloor(index.dim),
              this.options.calibration,
            );
            for (const h of scored) {
              if (!candidates.has(h.id)) continue;
              const z = calibrate(h.score, bg);
              if (z >= this.options.cut) drop.add(h.id);
              else if (z > 0) penalty.set(h.id, Math.max(penalty.get(h.id) ?? 0, z));
            }
          }),
        );
      }
    });
    await Promise.all(jobs);
    return { drop, penalty };
  }
}

function toResult(
  hit: FusedHit,
  d: DescribedSegment,
  cut: number,
): SegmentResult & { item: DescribedSegment['item'] } {
  return {
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

function hasFilters(f: SearchFilters | undefined): boolean {
  return !!f && (!!f.modalities?.length || !!f.date || !!f.folder);
}

/** Every k-th key, so a smaller sample still spans the whole space. */
function thin(sample: Uint32Array, n: number): Uint32Array {
  if (sample.length <= n) return sample;
  return Uint32Array.from({ length: n }, (_, i) => sample[Math.floor((i * sample.length) / n)]!);
}

/** Identifies a sample cheaply: its length and a hash of its keys. */
function sampleId(sample: Uint32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < sample.length; i++) h = Math.imul(h ^ sample[i]!, 0x01000193);
  return `${sample.length}:${h >>> 0}`;
}

function timings(encode: number, search: number, fuse: number, total = encode + search + fuse) {
  return { encode, search, fuse, total };
}
