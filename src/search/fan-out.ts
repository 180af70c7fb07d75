// Fan-out: a query becomes one vector per embedding space it can reach.
//   text  → clip (CLIP text), clap (CLAP text), text (sentence embedder, purpose 'query')
//   image → clip (CLIP vision), and where captions are on, through its caption (caption role) → text,
//           where the library's captions and OCR segments live
//   audio → clap (CLAP audio), and through its transcript (speech role) → text
// Where two sources reach one space (text + image in clip), their unit vectors are mixed by weight and
// renormalised, so the weight slides the query between "the words" and "like this". Each space also gets
// a weight for fusion: 1 where an attachment reaches it, the text's share (1 − the largest attachment
// weight) where only the text does, so a space that only the text reaches fades as an attachment takes over.
import type { Space } from '../library/records.ts';
import type { TextPurpose, TranscriptSpan } from '../encoders/protocol.ts';
import { parseQueryText } from './parse-query.ts';
import { blankImage, nullItem, silence } from './null-items.ts';
import type { BankCache } from './bank-cache.ts';
import { BANK_PHRASES, dot, referenceBank, type ReferenceBank } from './query-bank.ts';
import type { SearchQuery } from './query.ts';

/** A text encoder of queries. */
export interface QueryTextEncoder {
  embedTexts(t: string[], p?: TextPurpose): Promise<Float32Array[]>;
  /** Names the model (and how it is run), so its reference bank can be kept between visits. */
  modelKey?: string;
}

/** The encoder calls a search needs; an `Encoders` from src/encoders/encoders.ts fits. */
export interface QueryEncoders {
  clip: QueryTextEncoder & { embedImages(b: Blob[]): Promise<Float32Array[]> };
  clap: QueryTextEncoder & { embedAudio(w: Float32Array[]): Promise<Float32Array[]> };
  text: QueryTextEncoder;
  speech: { transcribe(audio16k: Float32Array): Promise<TranscriptSpan[]> };
  /** Present when captions are turned on (models.json). */
  caption?: { caption(images: Blob[]): Promise<string[]> };
  /** Where reference banks are kept between visits; without it each visit embeds them again. */
  banks?: BankCache;
}

/** 'segment': a stored segment's own vector ("More like this"). */
export type QuerySource = 'text' | 'image' | 'audio' | 'transcript' | 'caption' | 'segment';

export interface SpaceQuery {
  space: Space;
  /** Unit vector. */
  vector: Float32Array;
  /** The share of the query that reaches this space, 0..1. */
  weight: number;
  sources: QuerySource[];
  /** One unit vector per negative term, in this space. */
  negatives: Float32Array[];
  /** The null query (the empty text) in this space: the calibration's picture of "says nothing". */
  nullVector: Float32Array;
  /** Generic queries through this space's text encoder (query-bank.ts); the null query is one of them. */
  bank: ReferenceBank;
  /** Where an image or sound reaches the space: what a blank picture or silence embeds to (null-items.ts). */
  nullItem?: Float32Array;
}

export interface QueryPlan {
  spaces: SpaceQuery[];
  /** Words for the keyword side (the typed text only), and the negative terms. */
  lexical: { text: string; weight: number };
  negatives: string[];
  /** What the audio clip said, when it was transcribed. */
  transcript?: string;
  /** What the caption role saw in the image, when captions are on. */
  caption?: string;
}

/** CLAP takes 10 s at 48 kHz; a longer clip is cut to its first window rather than cropped at random. */
const CLAP_WINDOW = 480_000;

export async function planQuery(query: SearchQuery, encoders: QueryEncoders): Promise<QueryPlan> {
  const { positive, negatives } = parseQueryText(query.text ?? '');
  const hasText = positive.length > 0;
  const share = (w: number | undefined) => clamp01(w ?? (hasText ? 0.5 : 1));
  const imageWeight = query.image ? share(query.image.weight) : 0;
  const audioWeight =
    query.audio && (query.audio.pcm48k || query.audio.pcm16k) ? share(query.audio.weight) : 0;
  // Without text, each attachment is the whole query in the spaces it reaches.
  const textIn = (attachment: number) => (hasText ? 1 - attachment : 0);
  const textShare = textIn(Math.max(imageWeight, audioWeight));

  const embedText = (role: { embedTexts(t: string[], p?: TextPurpose): Promise<Float32Array[]> }) =>
    hasText ? role.embedTexts([positive], 'query').then((v) => v[0]!) : undefined;
  const embedNegatives = (role: { embedTexts(t: string[], p?: TextPurpose): Promise<Float32Array[]> }) =>
    negatives.length ? role.embedTexts(negatives, 'query') : Promise.resolve([]);

  const transcript =
    query.audio?.pcm16k && audioWeight > 0
      ? encoders.speech.transcribe(query.audio.pcm16k).then((spans) =>
          spans
            .map((s) => s.text)
            .join(' ')
            .trim(),
        )
      : Promise.resolve(undefined);
  const described =
    query.image && imageWeight > 0 && encoders.caption
      ? encoders.caption.caption([query.image.blob]).then((c) => c[0]?.trim() || undefined)
      : Promise.resolve(undefined);
  const [clipText, clipImage, clapText, clapAudio, textText, spoken, seen, clipNeg, clapNeg, textNeg] =
    await Promise.all([
      embedText(encoders.clip),
      query.image && imageWeight > 0
        ? encoders.clip.embedImages([query.image.blob]).then((v) => v[0])
        : undefined,
      embedText(encoders.clap),
      query.audio?.pcm48k && audioWeight > 0
        ? encoders.clap.embedAudio([query.audio.pcm48k.subarray(0, CLAP_WINDOW)]).then((v) => v[0])
        : undefined,
      embedText(encoders.text),
      transcript,
      described,
      embedNegatives(encoders.clip),
      embedNegatives(encoders.clap),
      embedNegatives(encoders.text),
    ]);
  const [spokenVector, seenVector, clipBank, clapBank, textBank, blankVector, silenceVector] =
    await Promise.all([
      spoken ? encoders.text.embedTexts([spoken], 'query').then((v) => v[0]) : undefined,
      seen ? encoders.text.embedTexts([seen], 'query').then((v) => v[0]) : undefined,
      bankOf(encoders.clip, encoders.banks),
      bankOf(encoders.clap, encoders.banks),
      bankOf(encoders.text, encoders.banks),
      clipImage ? nullItem(encoders.clip, () => encoders.clip.embedImages([blankImage()])) : undefined,
      clapAudio ? nullItem(encoders.clap, () => encoders.clap.embedAudio([silence()])) : undefined,
    ]);

  const spaces = [
    spaceQuery(
      'clip',
      textShare,
      clipBank,
      clipNeg,
      [
        ['text', clipText, textIn(imageWeight)],
        ['image', clipImage, imageWeight],
      ],
      blankVector,
    ),
    spaceQuery(
      'clap',
      textShare,
      clapBank,
      clapNeg,
      [
        ['text', clapText, textIn(audioWeight)],
        ['audio', clapAudio, audioWeight],
      ],
      silenceVector,
    ),
    spaceQuery('text', textShare, textBank, textNeg, [
      ['text', textText, textIn(audioWeight)],
      ['transcript', spokenVector, audioWeight],
      ['caption', seenVector, imageWeight],
    ]),
  ].filter((s): s is SpaceQuery => s !== null);
  return {
    spaces,
    lexical: { text: positive, weight: textShare },
    negatives,
    transcript: spoken || undefined,
    caption: seen,
  };
}

/**
 * "More like this": a plan whose query is a stored segment's own vectors, one per space it has, as they
 * are in the library (nothing is encoded again). Each is searched like an image or sound query: an item
 * vector, calibrated against its own scores over the sample, without its part along a blank picture or
 * silence. The bank is still each space's, for the unit of its scores.
 */
export async function planSimilar(
  vectors: Partial<Record<Space, Float32Array>>,
  encoders: QueryEncoders,
): Promise<QueryPlan> {
  const spaces = await Promise.all(
    (Object.entries(vectors) as [Space, Float32Array][]).map(async ([space, stored]) => {
      const vector = mixVectors([{ vector: stored, weight: 1 }]);
      if (!vector) return null;
      const bank = await bankOf(encoders[space], encoders.banks);
      const blank =
        space === 'clip'
          ? await nullItem(encoders.clip, () => encoders.clip.embedImages([blankImage()]))
          : space === 'clap'
            ? await nullItem(encoders.clap, () => encoders.clap.embedAudio([silence()]))
            : undefined;
      const plan: SpaceQuery = {
        space,
        vector,
        weight: 1,
        sources: ['segment'],
        negatives: [],
        nullVector: bank.vectors[BANK_PHRASES.indexOf('')]!,
        bank,
      };
      return blank ? { ...plan, nullItem: blank } : plan;
    }),
  );
  return {
    spaces: spaces.filter((s): s is SpaceQuery => s !== null),
    lexical: { text: '', weight: 0 },
    negatives: [],
  };
}

/**
 * Loads the text encoders of queries and embeds their reference banks (the null query among them), or checks
 * the kept ones, so the first query pays neither (issue 20: a first query took 21 s). Meant for idle time
 * after the library opens.
 */
export async function prepareQueries(encoders: QueryEncoders): Promise<void> {
  await Promise.all(
    [encoders.clip, encoders.clap, encoders.text].map((role) => bankOf(role, encoders.banks)),
  );
}

const banks = new WeakMap<object, Promise<ReferenceBank>>();

/**
 * The reference bank (and with it the empty text's embedding), once per encoder: it never changes while the
 * model does not.
 */
function bankOf(role: QueryTextEncoder, kept?: BankCache): Promise<ReferenceBank> {
  let found = banks.get(role);
  if (!found) {
    found = bankEmbeddings(role, kept).then(referenceBank);
    found.catch(() => banks.delete(role));
    banks.set(role, found);
  }
  return found;
}

const EMPTY = BANK_PHRASES.indexOf('');
/** The bank's phrases are part of its key: a changed list is embedded afresh. */
const PHRASES_KEY = fnv1a(BANK_PHRASES.join('\n'));
/**
 * A kept bank is used when the model embeds the empty text where it did then. Runs of one model differ in
 * the last float bits (threads, batch padding); another model, or other weights, lands far away.
 */
const SAME_MODEL = 0.9999;

/** The bank's embeddings: kept from an earlier visit when the model still agrees with them, else made. */
async function bankEmbeddings(role: QueryTextEncoder, kept?: BankCache): Promise<Float32Array[]> {
  const key = kept && role.modelKey ? `${role.modelKey}|${PHRASES_KEY}` : undefined;
  const earlier = key ? await kept!.get(key).catch(() => undefined) : undefined;
  if (earlier?.length === BANK_PHRASES.length) {
    const [empty] = await role.embedTexts([''], 'query');
    if (empty && empty.length === earlier[EMPTY]!.length && dot(empty, earlier[EMPTY]!) >= SAME_MODEL)
      return earlier;
  }
  const embedded = await role.embedTexts([...BANK_PHRASES], 'query');
  // Keeping it only saves time on the next visit; a full or refused cache is no reason to fail a search.
  if (key) await kept!.put(key, embedded).catch(() => undefined);
  return embedded;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function spaceQuery(
  space: Space,
  textShare: number,
  bank: ReferenceBank,
  negatives: Float32Array[],
  sources: [QuerySource, Float32Array | undefined, number][],
  nullItem?: Float32Array,
): SpaceQuery | null {
  const used = sources.filter(
    (s): s is [QuerySource, Float32Array, number] => s[1] !== undefined && s[2] > 0,
  );
  const vector = mixVectors(used.map(([, v, w]) => ({ vector: v, weight: w })));
  if (!vector) return null;
  // A space an attachment reaches carries the whole query there; one only the text reaches carries the
  // text's share, so it fades as an attachment takes over.
  const textOnly = used.every(([s]) => s === 'text');
  const weight = textOnly
    ? textShare
    : Math.min(
        1,
        used.reduce((sum, [, , w]) => sum + w, 0),
      );
  // The bank's first phrase, the empty text, is always kept.
  const nullVector = bank.vectors[BANK_PHRASES.indexOf('')]!;
  const query = { space, vector, weight, sources: used.map(([s]) => s), negatives, nullVector, bank };
  return nullItem ? { ...query, nullItem } : query;
}

/** The renormalised weighted sum of unit vectors, or null when nothing (or nothing but a zero) is left. */
export function mixVectors(parts: { vector: Float32Array; weight: number }[]): Float32Array | null {
  if (parts.length === 0) return null;
  const out = new Float32Array(parts[0]!.vector.length);
  for (const { vector, weight } of parts) {
    if (vector.length !== out.length) throw new RangeError('vectors of one space must have one dimension');
    for (let i = 0; i < out.length; i++) out[i]! += weight * vector[i]!;
  }
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 1e-9)) return null;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.5;
}
