// Near-duplicates in a result list: burst shots, the same frame in two videos, a file saved twice in two
// sizes. The best-ranked of a set stays in the list and the others hang under it ("+3 similar"), so a
// page of results is not ten copies of one moment.
//
// Two results are near-duplicates when their best segments are of the same medium, have vectors in the
// same space, and those vectors agree on both of:
// - raw cosine ≥ 0.95: whatever the model, a copy of a picture or a sound lands almost where it does;
// - cosine ≥ 0.9 after taking out the library's mean vector in that space. Raw cosine alone cannot tell:
//   models put every item in a cone (e5 places unrelated passages at 0.7–0.8; a CLAP-like model can place
//   unrelated sounds at 0.96). With the shared direction taken out, unrelated items score near 0 and two
//   shots of one scene from other angles around 0.6–0.8, while copies and burst shots stay near 1.
// Media must match: a letterboxed video frame of a red scene and a red photo may be close in meaning,
// but they are not the same picture twice.
// Passages matched in the text space must also share most of their words: a text encoder sees a passage
// through its vocabulary and its first few hundred tokens, so two different notes can land on one vector
// (names and rare words it has no token for, a shared long preamble), and hiding one under the other
// would lose it. A file saved twice, or as .md and .txt, keeps its words.
import type { Space } from '../library/records.ts';
import type { ItemResult } from './results.ts';

export const NEAR_DUPLICATE = { raw: 0.95, centred: 0.9, sharedWords: 0.8 } as const;

/** A result's vectors by space (any of them may be missing). */
export type SpaceVectors = Partial<Record<Space, Float32Array>>;

const spaces: Space[] = ['clip', 'clap', 'text'];

/**
 * `items` best first, with `vectors[i]` the vectors of item i's best segment and `means` the library's
 * mean vector per space. Returns the items that lead, each with its near-duplicates in `similar`, in the
 * order they came.
 */
export function groupNearDuplicates(
  items: ItemResult[],
  vectors: (SpaceVectors | undefined)[],
  means: SpaceVectors,
): ItemResult[] {
  const leaders: {
    item: ItemResult;
    space: Space;
    unit: Float32Array;
    centred: Float32Array;
    words?: Set<string>;
  }[] = [];
  const out: ItemResult[] = [];
  items.forEach((item, i) => {
    const space = mainSpace(item, vectors[i]);
    const vector = space && vectors[i]?.[space];
    if (!space || !vector) {
      out.push(item);
      return;
    }
    const unit = normalised(vector);
    const mean = means[space];
    const centred = mean ? normalised(minus(unit, mean)) : unit;
    const text = space === 'text' ? item.best.segment.text : undefined;
    const words = text === undefined ? undefined : wordSet(text);
    const leader = leaders.find(
      (l) =>
        l.space === space &&
        l.item.modality === item.modality &&
        dot(l.unit, unit) >= NEAR_DUPLICATE.raw &&
        dot(l.centred, centred) >= NEAR_DUPLICATE.centred &&
        (!words || !l.words || sharedWords(l.words, words) >= NEAR_DUPLICATE.sharedWords),
    );
    if (leader) {
      leader.item.similar = [...(leader.item.similar ?? []), item];
      return;
    }
    const led = { ...item };
    leaders.push({ item: led, space, unit, centred, words });
    out.push(led);
  });
  return out;
}

/** The space a result matched best in (by calibrated score), else the first space it has a vector in. */
function mainSpace(item: ItemResult, vectors: SpaceVectors | undefined): Space | null {
  if (!vectors) return null;
  const matched = item.best.matched
    .filter((m): m is typeof m & { source: Space } => m.source !== 'lexical' && !!vectors[m.source])
    .sort((a, b) => b.z - a.z)[0];
  return matched?.source ?? spaces.find((s) => vectors[s]) ?? null;
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** Jaccard overlap of two word sets (1 when both are empty: two blank passages are alike). */
function sharedWords(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  const either = a.size + b.size - both;
  return either === 0 ? 1 : both / either;
}

/** The mean of unit vectors (the library's shared direction in a space). */
export function meanOfUnits(vectors: Float32Array[]): Float32Array | undefined {
  if (vectors.length === 0) return undefined;
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) {
    const u = normalised(v);
    for (let i = 0; i < out.length; i++) out[i]! += u[i]! / vectors.length;
  }
  return out;
}

function normalised(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

function minus(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((x, i) => x - (b[i] ?? 0));
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
