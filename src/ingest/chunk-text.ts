// Splits document text into overlapping chunks for the text embedder. Chunks are built from whole sentences
// and prefer to end where a paragraph ends; each one records the exact character range it came from, so a
// search result can open the passage: `page.text.slice(chunk.start, chunk.end) === chunk.text`.

export interface TextPage {
  /** 1-based page number; a plain-text file is one page. */
  page: number;
  text: string;
}

export interface TextChunk {
  /** Position of the chunk in the document, from 0. */
  index: number;
  page: number;
  /** Character range [start, end) in the page's text, in UTF-16 code units. */
  start: number;
  end: number;
  text: string;
  words: number;
  /** The chunk's language (ISO 639-3), when a detector was sure of it (text/language.ts). */
  language?: string;
}

export interface ChunkOptions {
  /** A chunk closes at the first paragraph end once it has this many words. */
  targetWords?: number;
  /** A chunk never exceeds this many words. */
  maxWords?: number;
  /** Up to this many words of trailing sentences are repeated at the start of the next chunk. */
  overlapWords?: number;
}

interface Unit {
  start: number;
  end: number;
  words: number;
  paragraphEnd: boolean;
}

const defaults: Required<ChunkOptions> = { targetWords: 220, maxWords: 300, overlapWords: 50 };

// CJK scripts are written without spaces, so each character counts as a word there.
const wordPattern =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(wordPattern)) n++;
  return n;
}

export function chunkText(input: string | TextPage[], options: ChunkOptions = {}): TextChunk[] {
  const { targetWords, maxWords, overlapWords } = { ...defaults, ...options };
  if (!(
    maxWords > 0 &&
    targetWords > 0 &&
    targetWords <= maxWords &&
    overlapWords >= 0 &&
    overlapWords < maxWords
  )) {
    throw new RangeError('chunkText needs 0 < targetWords <= maxWords and 0 <= overlapWords < maxWords');
  }
  const pages = typeof input === 'string' ? [{ page: 1, text: input }] : input;
  const chunks: TextChunk[] = [];
  for (const { page, text } of pages) {
    const units = sentenceUnits(text, maxWords);
    let i = 0;
    while (i < units.length) {
      let words = 0;
      let j = i;
      while (j < units.length) {
        const unit = units[j]!;
        if (words > 0 && words + unit.words > maxWords) break;
        words += unit.words;
        j++;
        if (words >= targetWords && unit.paragraphEnd) break;
      }
      const start = units[i]!.start;
      const end = units[j - 1]!.end;
      chunks.push({ index: chunks.length, page, start, end, text: text.slice(start, end), words });
      if (j >= units.length) break;
      // Step back over trailing sentences for the overlap, but always leave room for the next unit,
      // so every chunk moves forward.
      let k = j;
      let overlap = 0;
      const next = units[j]!.words;
      while (k - 1 > i) {
        const w = units[k - 1]!.words;
        if (overlap + w > overlapWords || overlap + w + next > maxWords) break;
        overlap += w;
        k--;
      }
      i = k;
    }
  }
  return chunks;
}

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });
const paragraphBreak = /\r?\n[ \t]*\r?\n\s*/g;

/** Sentences (trimmed, with offsets), each marked if it ends a paragraph; over-long ones are cut at words. */
function sentenceUnits(text: string, maxWords: number): Unit[] {
  const units: Unit[] = [];
  for (const [pStart, pEnd] of paragraphs(text)) {
    const paragraph = text.slice(pStart, pEnd);
    const before = units.length;
    for (const { segment, index } of sentenceSegmenter.segment(paragraph)) {
      const lead = segment.length - segment.trimStart().length;
      const trimmed = segment.trim();
      if (!trimmed) continue;
      const start = pStart + index + lead;
      units.push(...splitLong(text, start, start + trimmed.length, maxWords));
    }
    if (units.length > before) units[units.length - 1]!.paragraphEnd = true;
  }
  return units;
}

function paragraphs(text: string): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  for (const m of text.matchAll(paragraphBreak)) {
    out.push([from, m.index]);
    from = m.index + m[0].length;
  }
  out.push([from, text.length]);
  return out;
}

function splitLong(text: string, start: number, end: number, maxWords: number): Unit[] {
  const sentence = text.slice(start, end);
  const tokens = [...sentence.matchAll(wordPattern)];
  if (tokens.length <= maxWords) return [{ start, end, words: tokens.length, paragraphEnd: false }];
  const units: Unit[] = [];
  for (let t = 0; t < tokens.length; t += maxWords) {
    const first = tokens[t]!;
    const last = tokens[Math.min(t + maxWords, tokens.length) - 1]!;
    units.push({
      start: start + first.index,
      end: start + last.index + last[0].length,
      words: Math.min(maxWords, tokens.length - t),
      paragraphEnd: false,
    });
  }
  return units;
}
