// Synthetic model worlds for the calibration grid (test/unit/search-calibration-grid.test.ts): every vector a
// search sees, made from a few numbers per space, so a library of any size can be built in memory and its
// ground truth is known by construction.
//
// Each space has an orthonormal frame: an item offset direction, a query offset direction (at cosine `gap`
// to the first: the modality gap), concept prototypes (what labelled items and queries mean, plus "foreign"
// directions for words the space does not know), and the rest, D, where distractors live. So:
//   item     = normalise(itemOffset·(1 ± jitter)·o_item + purity·prototype + itemNoise·g_D)
//   distractor = normalise(itemOffset·(1 ± jitter)·o_item + g_D)             (unrelated by construction)
//   plain    = normalise(itemOffset·(1 ± jitter)·o_item + plainContent·g_D)   (a grey photo, a blank page)
//   query    = normalise(queryOffset·(1 ± bias)·o_query + prototype + queryNoise·g_D)
//   null     = normalise(queryOffset·o_query + nullContent·g_D)               (the empty text)
// with g_D a seeded random unit vector in D. An offset shared by all vectors puts them in a cone, so
// unrelated pairs score a clearly positive cosine (CLIP, e5); a long offset next to short content compresses
// every score towards 1 (CLAP-like). The fixture world has no item offset, and its queries a short
// "background" offset from their special tokens, which is also what the empty text embeds.
import { seededRandom } from '../../scripts/fixtures/media/prng.ts';
import type { Space } from '../../src/library/records.ts';

export interface SpaceShape {
  dim: number;
  itemOffset: number;
  /** Relative spread of an item's offset length. */
  itemJitter: number;
  queryOffset: number;
  /** Relative spread of a query's offset length: its own bias, the same over every item. */
  queryBias: number;
  /** Cosine between the item and query offset directions. */
  gap: number;
  queryNoise: number;
  itemNoise: number;
  plainContent: number;
  nullContent: number;
  /** Distractor content: Gaussian in D, or non-negative mixtures of D's axes (the fixture's histograms). */
  distractors: 'gaussian' | 'mixtures';
  /**
   * 'open': every word means something (a word the space does not know lands somewhere of its own), as in a
   * real model. 'word-level': the space knows only its concepts' words (`vocabularies`) and maps every other
   * word, as it maps its start and end tokens, to what the empty text embeds, and a phrase is the mean over
   * its tokens, as the fixture models do (scripts/fixtures/models). Then most generic phrases embed alike,
   * and the few that hold a concept's word stand out.
   */
  vocabulary: 'open' | 'word-level';
}

export interface ModelWorld {
  name: string;
  spaces: Record<Space, SpaceShape>;
}

/** What the fixture models do (scripts/fixtures/models): orthogonal prototypes, no cone, a short background. */
export const fixtureWorld: ModelWorld = {
  name: 'fixture world (32/24/16-d, isotropic)',
  spaces: {
    // Colour words: mean of (start, word, end) with the specials at length 0.2: prototype + 0.4·background.
    clip: shape({ dim: 32, queryOffset: 0.4, itemNoise: 0.25, distractors: 'mixtures' }),
    clap: shape({ dim: 24, queryOffset: 0.4, itemNoise: 0.25, distractors: 'mixtures' }),
    // Words sit at their topic centroid plus a 0.45 offset of their own; specials are 0.05 long.
    text: shape({ dim: 16, queryOffset: 0.1, queryNoise: 0.3, itemNoise: 0.3 }),
  },
};

/**
 * A world the project never tuned for: other dimensions, every space in a cone, and CLAP-like compressed
 * audio scores. Measured on it (calibration-world.test.ts): text→image cosines near 0.2–0.35 with a spread
 * of ~0.03 (CLIP), unrelated passages at 0.7–0.8 (e5), unrelated sounds above 0.9.
 */
export const coneWorld: ModelWorld = {
  name: 'cone world (64/48/32-d, anisotropic, compressed audio)',
  spaces: {
    clip: shape({
      dim: 64,
      itemOffset: 1.5,
      itemJitter: 0.08,
      queryOffset: 1.5,
      queryBias: 0.1,
      gap: 0.33,
      queryNoise: 0.7,
      itemNoise: 0.5,
      plainContent: 0.15,
      nullContent: 0.2,
    }),
    clap: shape({
      dim: 48,
      itemOffset: 4,
      itemJitter: 0.05,
      queryOffset: 4,
      queryBias: 0.05,
      gap: 0.98,
      queryNoise: 0.4,
      itemNoise: 0.4,
      plainContent: 0.1,
      nullContent: 0.2,
    }),
    text: shape({
      dim: 32,
      itemOffset: 1.8,
      itemJitter: 0.06,
      queryOffset: 1.8,
      queryBias: 0.08,
      gap: 0.95,
      queryNoise: 0.5,
      itemNoise: 0.45,
      plainContent: 0.15,
      nullContent: 0.2,
    }),
  },
};

/**
 * The cone world with its CLAP word-level, as the fixture models build theirs (the committed cone CLAP): the
 * bank's phrases of unknown words all embed like the empty text, and the few that hold a noise word ("rain
 * on a window", "traffic noise", "a loud noise") are most of what the bank tells apart.
 */
export const wordLevelConeWorld: ModelWorld = {
  name: 'cone world, word-level CLAP',
  spaces: { ...coneWorld.spaces, clap: { ...coneWorld.spaces.clap, vocabulary: 'word-level' } },
};

function shape(s: Partial<SpaceShape> & { dim: number }): SpaceShape {
  return {
    itemOffset: 0,
    itemJitter: 0,
    queryOffset: 0,
    queryBias: 0,
    gap: 0,
    queryNoise: 0,
    itemNoise: 0.2,
    plainContent: 0.2,
    nullContent: 0,
    distractors: 'gaussian',
    vocabulary: 'open',
    ...s,
  };
}

/** Concepts per space: what labelled items are about and what queries name. */
export const concepts: Record<Space, string[]> = {
  clip: ['red', 'green', 'blue', 'yellow'],
  clap: ['hum', 'beep', 'hiss'],
  text: ['valve', 'kite', 'flour', 'train'],
};
/**
 * The words a word-level space knows, by concept: the concept's name and, as the fixture CLAP's word list
 * has (scripts/fixtures/world.ts, `sounds`), others that mean it, some of which are in the query bank's
 * everyday phrases ("rain on a window", "traffic noise").
 */
export const vocabularies: Record<Space, Record<string, string[]>> = {
  clip: {},
  clap: { hiss: ['noise', 'static', 'rain', 'noisy'] },
  text: {},
};

/** The concept a word means in a space, if it knows the word. */
function conceptOf(space: Space, word: string): number {
  const named = concepts[space].indexOf(word);
  if (named >= 0) return named;
  return concepts[space].findIndex((c) => vocabularies[space][c]?.includes(word));
}

/** Prototype slots per space beyond its concepts, for words it does not know: one per 8 dimensions. */
const foreignSlots = (dim: number) => Math.max(2, Math.round(dim / 8));

/** One space's frame and its embedding functions. */
export class SpaceModel {
  readonly dim: number;
  private readonly itemAxis: Float64Array;
  private readonly queryAxis: Float64Array;
  private readonly prototypes: Float64Array[];
  private readonly foreign: Float64Array[];
  private readonly rest: Float64Array[];

  constructor(
    readonly space: Space,
    readonly shape: SpaceShape,
    seed: number,
  ) {
    this.dim = shape.dim;
    const frame = orthonormalFrame(shape.dim, seed);
    const [e0, e1] = frame;
    this.itemAxis = e0!;
    this.queryAxis = combine([
      [shape.gap, e0!],
      [Math.sqrt(1 - shape.gap * shape.gap), e1!],
    ]);
    const k = concepts[space].length;
    this.prototypes = frame.slice(2, 2 + k);
    const f = foreignSlots(shape.dim);
    this.foreign = frame.slice(2 + k, 2 + k + f);
    this.rest = frame.slice(2 + k + f);
    if (this.rest.length < 4)
      throw new Error(`${space}: ${shape.dim} dimensions leave no room for distractors`);
  }

  /**
   * A text query: each word a space knows lands on its prototype; any other word means something else,
   * mostly where no labelled item is, a third of it where the distractors are (so some unrelated segments
   * score higher on it than others). A phrase is the mean of its words, as mean-pooling models make it.
   */
  query(text: string): Float32Array {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    if (this.shape.vocabulary === 'word-level') return this.wordLevelQuery(words);
    const r = seededRandom(hash(`${this.space}|q|${text}`));
    const meanings = words.map((word) => {
      const known = concepts[this.space].indexOf(word);
      if (known >= 0) return this.prototypes[known]!;
      const w = seededRandom(hash(`${this.space}|w|${word}`));
      return unit64(
        combine([
          [1, this.inSpan(this.foreign, w, 'gaussian')],
          [0.5, this.inSpan(this.rest, w, 'gaussian')],
        ]),
      );
    });
    const meaning = unit64(combine(meanings.map((m) => [1, m] as [number, Float64Array])));
    const bias = 1 + this.shape.queryBias * (2 * r() - 1);
    return unit([
      [this.shape.queryOffset * bias, this.queryAxis],
      [1, meaning],
      [this.shape.queryNoise, this.inSpan(this.rest, r, 'gaussian')],
    ]);
  }

  /** The empty text. */
  nullQuery(): Float32Array {
    return unit([
      [this.shape.queryOffset, this.queryAxis],
      [this.shape.nullContent, this.nullContent()],
    ]);
  }

  /** What the empty text means besides the offset: the start and end tokens' row. */
  private nullContent(): Float64Array {
    return this.inSpan(this.rest, seededRandom(hash(`${this.space}|null`)), 'gaussian');
  }

  /**
   * A word-level model's query: the mean over its tokens (a start and an end token, then the words), each a
   * known word's prototype or, for any other word and the start and end, the empty text's row. No noise or
   * bias of its own: such a model embeds a text the same way every time.
   */
  private wordLevelQuery(words: string[]): Float32Array {
    const background = combine([[this.shape.nullContent, this.nullContent()]]);
    const tokens = [
      background,
      ...words.map((w) => {
        const known = conceptOf(this.space, w);
        return known >= 0 ? this.prototypes[known]! : background;
      }),
      background,
    ];
    return unit([
      [this.shape.queryOffset, this.queryAxis],
      ...tokens.map((t) => [1 / tokens.length, t] as [number, Float64Array]),
    ]);
  }

  /** A segment about `concept` (purity 0..1: how much of it is that concept). */
  item(concept: string, purity: number, seed: number): Float32Array {
    const known = concepts[this.space].indexOf(concept);
    if (known < 0) throw new Error(`${this.space} has no concept ${concept}`);
    const r = seededRandom(hash(`${this.space}|i|${seed}`));
    return unit([
      [this.itemOffsetLength(r), this.itemAxis],
      [purity, this.prototypes[known]!],
      [this.shape.itemNoise, this.inSpan(this.rest, r, this.shape.distractors)],
    ]);
  }

  /** A segment about none of the concepts. */
  distractor(seed: number): Float32Array {
    const r = seededRandom(hash(`${this.space}|d|${seed}`));
    return unit([
      [this.itemOffsetLength(r), this.itemAxis],
      [1, this.inSpan(this.rest, r, this.shape.distractors)],
    ]);
  }

  /** A low-content segment: mostly offset, close to what the empty text embeds in a cone. */
  plain(seed: number): Float32Array {
    const r = seededRandom(hash(`${this.space}|p|${seed}`));
    if (this.shape.itemOffset === 0) {
      // Without a cone, a grey picture is an even mix of whatever the model knows besides the concepts.
      return unit(this.rest.map((axis) => [1, axis] as [number, Float64Array]));
    }
    return unit([
      [this.itemOffsetLength(r), this.itemAxis],
      [this.shape.plainContent, this.inSpan(this.rest, r, 'gaussian')],
    ]);
  }

  private itemOffsetLength(r: () => number): number {
    return this.shape.itemOffset * (1 + this.shape.itemJitter * (2 * r() - 1));
  }

  /** A unit vector in the span of `axes`: Gaussian, or a non-negative mix of two or three of them. */
  private inSpan(axes: Float64Array[], r: () => number, kind: 'gaussian' | 'mixtures'): Float64Array {
    if (kind === 'gaussian') return unit64(combine(axes.map((a) => [gaussian(r), a])));
    const picks = 2 + Math.floor(r() * 2);
    const parts: [number, Float64Array][] = [];
    for (let i = 0; i < picks; i++) parts.push([0.2 + r(), axes[Math.floor(r() * axes.length)]!]);
    return unit64(combine(parts));
  }
}

export type WorldModels = Record<Space, SpaceModel>;

export function worldModels(world: ModelWorld, seed = 1): WorldModels {
  return {
    clip: new SpaceModel('clip', world.spaces.clip, seed * 101 + 1),
    clap: new SpaceModel('clap', world.spaces.clap, seed * 101 + 2),
    text: new SpaceModel('text', world.spaces.text, seed * 101 + 3),
  };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function orthonormalFrame(dim: number, seed: number): Float64Array[] {
  const r = seededRandom(seed);
  const out: Float64Array[] = [];
  while (out.length < dim) {
    const v = Float64Array.from({ length: dim }, () => gaussian(r));
    for (const b of out) {
      const d = dot(v, b);
      for (let i = 0; i < dim; i++) v[i]! -= d * b[i]!;
    }
    const n = Math.sqrt(dot(v, v));
    if (n > 1e-6) out.push(v.map((x) => x / n));
  }
  return out;
}

function combine(parts: [number, Float64Array][]): Float64Array {
  const out = new Float64Array(parts[0]![1].length);
  for (const [w, v] of parts) for (let i = 0; i < out.length; i++) out[i]! += w * v[i]!;
  return out;
}

function unit64(v: Float64Array): Float64Array {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
}

function unit(parts: [number, Float64Array][]): Float32Array {
  return Float32Array.from(unit64(combine(parts)));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function gaussian(r: () => number): number {
  const u = Math.max(r(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** FNV-1a, for seeds derived from names. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
