// The reference query bank (query-bank normalisation, after QB-Norm in cross-modal retrieval): generic
// queries, the kind people type, embedded once per text encoder. What they score on a segment says what
// "a query that is not about this segment" scores there, in this model, whatever the library holds:
//   - their mean vector, subtracted from a query, takes away the part of every score that all queries share
//     (the cone real models put every vector in, and the pull of plain, low-content segments);
//   - the spread of their scores on a segment says how far apart queries land there (wide in CLIP, narrow
//     for CLAP's compressed scores), the unit a match is measured in.
// The phrases are everyday English across photos, sounds and documents, not tuned to any model.

export const BANK_PHRASES: readonly string[] = [
  '',
  'a photo',
  'a picture of a person',
  'people talking',
  'a dog',
  'a cat',
  'a car on a road',
  'a city street at night',
  'a house',
  'a room with furniture',
  'food on a plate',
  'a birthday cake',
  'trees in a park',
  'flowers in a garden',
  'the sea and a beach',
  'mountains covered in snow',
  'rain on a window',
  'the sky at sunset',
  'a bird on a branch',
  'birds singing',
  'music playing',
  'a piano',
  'someone speaking on the phone',
  'wind blowing',
  'water running from a tap',
  'traffic noise',
  'a crowd cheering',
  'a meeting at work',
  'a letter',
  'a receipt',
  'a recipe',
  'a map',
  'a train at a station',
  'a plane ticket',
  'a hotel room',
  'a holiday',
  'children playing',
  'a screenshot',
  'a chart with numbers',
  'handwritten notes',
  'a book',
  'an email',
  'a red car',
  'a black and white photo',
  'green leaves',
  'blue water',
  'a yellow sign',
  'a white wall',
  'a dark night',
  'a loud noise',
  'a quiet voice',
  'an invoice to pay',
  'a doctor appointment',
  'fixing something at home',
  'a video call',
  'a football match',
];

export interface ReferenceBank {
  /** The phrases' embeddings (unit vectors) that the model tells apart; the first is the empty text. */
  vectors: Float32Array[];
  /** The mean of every phrase's embedding (not unit length). */
  mean: Float32Array;
  /** Every phrase's embedding, in the order of BANK_PHRASES. */
  phrases: Float32Array[];
  /** For each phrase, the index in `vectors` of the one it was kept as. */
  keptAs: number[];
}

/**
 * Phrases a model cannot tell apart (a small model maps every unknown word to one vector) say one thing, not
 * many: for the spreads (bank-spread.ts) only the first of any group closer than this is kept. The mean is
 * taken over every phrase, so a model that knows few of the bank's words centres on what it makes of the
 * rest (for the fixture models, the empty text), not on the few concepts it knows.
 */
const SAME = 0.999;

/** `embedded`: the bank phrases' embeddings, in order (the first is the empty text). */
export function referenceBank(embedded: Float32Array[]): ReferenceBank {
  if (embedded.length === 0) throw new RangeError('a reference bank needs at least one vector');
  const dim = embedded[0]!.length;
  const vectors: Float32Array[] = [];
  const keptAs: number[] = [];
  const mean = new Float32Array(dim);
  for (const v of embedded) {
    if (v.length !== dim) throw new RangeError('bank vectors must have one dimension');
    let at = vectors.findIndex((k) => dot(k, v) > SAME);
    if (at < 0) at = vectors.push(v) - 1;
    keptAs.push(at);
    for (let i = 0; i < dim; i++) mean[i]! += v[i]! / embedded.length;
  }
  return { vectors, mean, phrases: embedded, keptAs };
}

/**
 * The bank as one query sees it. A bank phrase can happen to be about what the query asks ("traffic noise"
 * for "static noise"): it is not a query unrelated to this one, and on the query's own matches it scores
 * high, so it would widen their spread, the unit a match is measured in, exactly where the query matches.
 * With ~55 phrases that a model tells apart, a robust spread (bank-spread.ts) shrugs off one or two of them;
 * but a model that knows few of the bank's words keeps only a handful of distinct vectors, and there the
 * phrases about the query are most of what is left (the cone world's CLAP keeps two: the empty text and
 * "traffic noise", so "static noise" measured its recording in the gap between them and scored 2.1).
 * Such phrases are left out, for this query, of the mean it is centred on and of the spreads.
 */
export interface QueryBank {
  /** The mean of the phrases kept for this query. */
  mean: Float32Array;
  /** Indices in `vectors` left out of the spreads (none for most queries). */
  leftOut: ReadonlySet<number>;
}

/**
 * A phrase is about the query when, taken away from the bank's mean, it points where the query does: the
 * cosine of the two centred vectors is at least this. Measured on the fixture models: a bank phrase that
 * holds the query's sound or colour word scores 0.95–1.00 ("traffic noise" for "static noise", "a red car"
 * for "red"); one of the query's topic, 0.79–0.96 (text queries, which also match by their words); on the
 * grid's worlds, a phrase unrelated to the query at most 0.85 (for a word no model knows, in 16
 * dimensions). The grid passes alike at 0.75; the higher value leaves out only near-paraphrases.
 */
const ABOUT_QUERY = 0.9;
/**
 * A query near more than this share of the bank is a generic query itself (a text of unknown words embeds
 * like most of the bank in a small model): nothing is left out for it.
 */
const AT_MOST = 0.25;

const NOTHING_LEFT_OUT: ReadonlySet<number> = new Set();

export function queryBank(query: Float32Array, bank: ReferenceBank): QueryBank {
  const c = centred(query, bank);
  const about: number[] = [];
  if (c.length > 1e-6) {
    bank.phrases.forEach((p, i) => {
      const d = centred(p, bank);
      if (d.length > 1e-6 && dot(d.vector, c.vector) / (d.length * c.length) >= ABOUT_QUERY) about.push(i);
    });
  }
  if (about.length === 0 || about.length > AT_MOST * bank.phrases.length) {
    return { mean: bank.mean, leftOut: NOTHING_LEFT_OUT };
  }
  const out = new Set(about);
  const mean = new Float32Array(bank.mean.length);
  const kept = bank.phrases.filter((_, i) => !out.has(i));
  for (const p of kept) for (let i = 0; i < mean.length; i++) mean[i]! += p[i]! / kept.length;
  // A kept vector stands for its group: it is left out when the phrase it was kept as is.
  const leftOut = new Set(
    about.filter((i) => bank.vectors[bank.keptAs[i]!] === bank.phrases[i]).map((i) => bank.keptAs[i]!),
  );
  return { mean, leftOut };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The query less the bank's mean (or a query's own bank's, `queryBank`): what every query shares (the cone
 * real models put all vectors in, and the pull of plain, low-content segments) taken away. An index scores
 * the direction, so a hit's score times `length` is the query's cosine less the mean generic query's on that
 * segment.
 */
export function centred(
  query: Float32Array,
  bank: { mean: Float32Array },
): { vector: Float32Array; length: number } {
  const vector = new Float32Array(query.length);
  let sq = 0;
  for (let i = 0; i < query.length; i++) {
    vector[i] = query[i]! - bank.mean[i]!;
    sq += vector[i]! * vector[i]!;
  }
  return { vector, length: Math.sqrt(sq) };
}
