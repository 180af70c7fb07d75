// Snippets: a short stretch of a segment's text around its first matched word, with every matched word's
// range. Data only (text plus ranges), never HTML: the view decides how to mark them, and a document's own
// "<b>" stays text.
import { normaliseTerm, wordSpans, type WordSpan } from './tokenize.ts';

export interface Snippet {
  text: string;
  /** Where `text` starts in the segment's text, so a viewer can map it back to the page or transcript. */
  offset: number;
  /** Matched words, as ranges [start, end) in `text`. */
  marks: { start: number; end: number }[];
  /** Whether text was left out before or after. */
  truncatedStart: boolean;
  truncatedEnd: boolean;
}

export interface SnippetOptions {
  /** Longest snippet in characters (default 200); a window never cuts a word. */
  maxChars?: number;
}

/** `matches` says whether an index term counts as matched (see LexicalHit.terms and the query's terms). */
export function makeSnippet(
  text: string,
  matches: (term: string) => boolean,
  options: SnippetOptions = {},
): Snippet {
  const { maxChars = 200 } = options;
  const words = wordSpans(text);
  const matched = words.filter((w) => {
    const t = normaliseTerm(w.text);
    return t !== null && matches(t);
  });
  const [start, end] = window(text, words, matched[0], maxChars);
  const marks = matched
    .filter((w) => w.start >= start && w.end <= end)
    .map((w) => ({ start: w.start - start, end: w.end - start }));
  return {
    text: text.slice(start, end),
    offset: start,
    marks,
    truncatedStart: start > 0,
    truncatedEnd: end < text.length,
  };
}

/** A range of at most maxChars on word boundaries: from the start, or with some lead-in before `focus`. */
function window(
  text: string,
  words: WordSpan[],
  focus: WordSpan | undefined,
  maxChars: number,
): [number, number] {
  if (text.length <= maxChars || words.length === 0) return trim(text, 0, Math.min(text.length, maxChars));
  let first = 0;
  if (focus) {
    // About a third of the window before the matched word, so it reads in context.
    const wanted = focus.start - Math.floor(maxChars / 3);
    const startWord = words.find((w) => w.start >= wanted && w.start <= focus.start) ?? focus;
    first = wanted <= 0 ? 0 : startWord.start;
  }
  const inWindow = words.filter((w) => w.start >= first && w.end <= first + maxChars);
  const last = inWindow.length ? inWindow[inWindow.length - 1]!.end : Math.min(text.length, first + maxChars);
  // Keep the sentence's closing punctuation when it fits.
  const closing = /^[.!?…"'’)\]]+/.exec(text.slice(last, first + maxChars))?.[0].length ?? 0;
  return trim(text, first, last + closing);
}

function trim(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}
