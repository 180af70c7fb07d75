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
  const mean = new Float32Array(dim);
  for (const v of embedded) {
    if (v.length !== dim) throw new RangeError('bank vectors must have one dimension');
    if (!vectors.some((k) => dot(k, v) > SAME)) vectors.push(v);
    for (let i = 0; i < dim; i++) mean[i]! += v[i]! / embedded.length;
  }
  return { vectors, mean };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The query less the bank's mean: what every query shares (the cone real models put all vectors in, and the
 * pull of plain, low-content segments) taken away. An index scores the direction, so a hit's score times
 * `length` is the query's cosine less the mean generic query's on that segment.
 */
export function centred(query: Float32Array, bank: ReferenceBank): { vector: Float32Array; length: number } {
  const vector = new Float32Array(query.length);
  let sq = 0;
  for (let i = 0; i < query.length; i++) {
    vector[i] = query[i]! - bank.mean[i]!;
    sq += vector[i]! * vector[i]!;
  }
  return { vector, length: Math.sqrt(sq) };
}
