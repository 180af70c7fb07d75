// One space's part of a search: its nearest neighbours with calibrated scores (calibrate.ts says what each
// method means), and a way to calibrate another vector's scores there (negative terms). What it keeps
// between searches depends only on the library and the models: the null query's scores over the sample
// ('null-query') and the bank's per-segment spreads ('query-bank').
import type { Space } from '../library/records.ts';
import type { SearchHit, VectorIndex } from '../vector-index/types.ts';
import { BankSpreads, type BankUnit } from './bank-spread.ts';
import { background, calibrate, scaleFloor, type CalibrationMethod } from './calibrate.ts';
import type { SpaceQuery } from './fan-out.ts';
import type { EvidenceList } from './fuse.ts';
import { norm, without } from './null-items.ts';
import { centred, queryBank } from './query-bank.ts';

export interface SpaceSearch {
  list: EvidenceList;
  /** Calibrated scores of `keys` for another vector of the same space. */
  score(vector: Float32Array, keys: Uint32Array): Promise<Map<number, number>>;
}

export interface SpaceSearchOptions {
  calibration: CalibrationMethod;
  /** Nearest neighbours taken. */
  perSpace: number;
  /** Sample for a negative term's background ('null-query' and 'own-scores'). */
  negativeBackgroundSize: number;
}

export class SpaceSearcher {
  private readonly nullCache = new Map<
    Space,
    { id: string; vector: Float32Array; scores: Promise<number[]> }
  >();
  private readonly spreads = new BankSpreads();

  constructor(private readonly options: SpaceSearchOptions) {}

  /**
   * `allowedKeys`: the keys that pass the filters, or null when nothing is filtered out. `sampleKeys`: the
   * space's background sample.
   */
  async search(
    index: VectorIndex,
    query: SpaceQuery,
    allowedKeys: Promise<Uint32Array | null> | null,
    sampleKeys: Promise<Uint32Array>,
  ): Promise<SpaceSearch> {
    const nearest = async (vector: Float32Array) => {
      const allowed = await allowedKeys;
      if (allowed?.length === 0) return [];
      return index.search(vector, this.options.perSpace, allowed ? { include: allowed } : undefined);
    };
    const evidence = (hits: SearchHit[], z: (score: number) => number): EvidenceList => ({
      source: query.space,
      weight: query.weight,
      hits: hits.map((h) => ({ key: h.id, source: query.space, raw: h.score, z: z(h.score) })),
    });

    if (this.options.calibration === 'query-bank') {
      const unit = sampleKeys.then((sample) =>
        this.spreads.unit(query.space, index, query.bank, sample, sampleId(sample)),
      );
      const byBank = async (vector: Float32Array, keys: Uint32Array) =>
        centredScores(index, query, vector, keys, await unit);
      if (isTextOnly(query)) {
        // The query less the mean generic query: what is left scores what this query, and not every
        // query, finds in a segment, measured in the bank's spread. Bank phrases about the query are left
        // out of both (query-bank.ts, `queryBank`). No sample is scored.
        const own = queryBank(query.vector, query.bank);
        const c = centred(query.vector, own);
        if (!(c.length > 1e-6)) return { list: evidence([], () => 0), score: byBank };
        const [hits, u] = await Promise.all([nearest(c.vector), unit.then((u) => u.without(own.leftOut))]);
        return {
          list: {
            source: query.space,
            weight: query.weight,
            hits: hits.map((h) => ({
              key: h.id,
              source: query.space,
              raw: h.score,
              z: (h.score * c.length) / u.of(h.id),
            })),
          },
          score: byBank,
        };
      }
      // An image or a sound as the query lands where items are, not where generic text queries land: it is
      // searched without its part along a blank picture or silence (so plain items are not near every
      // query), and its background is its own scores over the sample, in at least the bank's unit.
      const vector = (query.nullItem && without(query.vector, query.nullItem)) || query.vector;
      const length = norm(vector);
      const [hits, sampled, u] = await Promise.all([
        nearest(vector),
        sampleKeys.then((sample) => sampleScores(index, vector, sample)),
        unit,
      ]);
      const bg = background(
        sampled.map((x) => x * length),
        undefined,
        u.median,
        'null-query',
      );
      return { list: evidence(hits, (score) => calibrate(score * length, bg)), score: byBank };
    }

    const [hits, sampled, nullScores] = await Promise.all([
      nearest(query.vector),
      sampleKeys.then((sample) => sampleScores(index, query.vector, sample)),
      sampleKeys.then((sample) => this.nullScores(index, query, sample)),
    ]);
    const bg = background(sampled, nullScores, scaleFloor(index.dim), this.options.calibration);
    return {
      list: evidence(hits, (score) => calibrate(score, bg)),
      score: async (vector, keys) => this.sampledScores(index, vector, keys, nullScores, await sampleKeys),
    };
  }

  /** Calibrated scores of `keys` by a thinned sample's background ('null-query' and 'own-scores'). */
  private async sampledScores(
    index: VectorIndex,
    vector: Float32Array,
    keys: Uint32Array,
    nullScores: number[],
    fullSample: Uint32Array,
  ): Promise<Map<number, number>> {
    const sample = thin(fullSample, this.options.negativeBackgroundSize);
    const include = Uint32Array.from(new Set([...keys, ...sample]));
    const scored = await index.search(vector, include.length, { include });
    const inSample = new Set(sample);
    const bg = background(
      scored.filter((h) => inSample.has(h.id)).map((h) => h.score),
      nullScores,
      scaleFloor(index.dim),
      this.options.calibration,
    );
    const wanted = new Set(keys);
    const out = new Map<number, number>();
    for (const h of scored) if (wanted.has(h.id)) out.set(h.id, calibrate(h.score, bg));
    return out;
  }

  /** The null query's scores over the sample; the same until the sample changes, so they are kept. */
  private nullScores(index: VectorIndex, query: SpaceQuery, sample: Uint32Array): Promise<number[]> {
    const id = sampleId(sample);
    const cached = this.nullCache.get(query.space);
    if (cached?.id === id && cached.vector === query.nullVector) return cached.scores;
    const scores = sampleScores(index, query.nullVector, sample);
    this.nullCache.set(query.space, { id, vector: query.nullVector, scores });
    scores.catch(() => this.nullCache.delete(query.space));
    return scores;
  }
}

/**
 * Calibrated scores of `keys` for `vector` by the bank: centred on its mean, in its unit, without the bank
 * phrases about `vector`.
 */
async function centredScores(
  index: VectorIndex,
  query: SpaceQuery,
  vector: Float32Array,
  keys: Uint32Array,
  wholeBank: BankUnit,
): Promise<Map<number, number>> {
  const own = queryBank(vector, query.bank);
  const c = centred(vector, own);
  const unit = wholeBank.without(own.leftOut);
  const out = new Map<number, number>();
  if (!(c.length > 1e-6) || keys.length === 0) return out;
  for (const h of await index.search(c.vector, keys.length, { include: keys })) {
    out.set(h.id, (h.score * c.length) / unit.of(h.id));
  }
  return out;
}

async function sampleScores(
  index: VectorIndex,
  vector: Float32Array,
  sample: Uint32Array,
): Promise<number[]> {
  if (sample.length === 0) return [];
  return (await index.search(vector, sample.length, { include: sample })).map((h) => h.score);
}

/** Whether only text (typed, transcribed or a caption) reaches this space, so the text bank describes it. */
function isTextOnly(query: SpaceQuery): boolean {
  return query.sources.every((s) => s === 'text' || s === 'transcript' || s === 'caption');
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
