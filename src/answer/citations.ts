// Splits a (possibly still streaming) answer into text and citations. The output is data: the UI renders
// text segments as text nodes and citation segments as buttons, and never treats the answer as HTML.
//
// Small models cite loosely, so besides "[2]" this reads "[2,3]", "[2, 3]", "[2-4]", "[1][2]",
// "[Source 2]", "[^2]" and "【2】". A bracket naming no existing source ("[12]" with 5 sources, "[0]") stays
// plain text; in a group, numbers that name no source are dropped and the rest are kept. While the
// answer streams, an unclosed "[3" at the end is held back as `pending`, so it does not flash as text
// before it turns into a citation.

export type AnswerSegment =
  | { kind: 'text'; text: string }
  /** `raw` is the whole bracket the number came from, e.g. "[2, 3]" for both 2 and 3. */
  | { kind: 'citation'; n: number; raw: string };

export interface ParsedAnswer {
  segments: AnswerSegment[];
  /** A tail held back because it may still become a citation (only while streaming). */
  pending: string;
  /** Valid source numbers, in order of first citation. */
  cited: number[];
}

const OPEN = new Set(['[', '【']);
const CLOSE = new Set([']', '】']);
/** Longest bracket content we consider; anything longer is prose in brackets. */
const MAX_INNER = 40;
/** Ranges wider than this are not citations ("[1-1000]" is not a list of sources). */
const MAX_RANGE = 50;

const ITEM = String.raw`(?:sources?\s*|src\s*)?[#^]?\s*\d+(?:\s*[-–—]\s*(?:sources?\s*)?[#^]?\s*\d+)?`;
const GROUP = new RegExp(String.raw`^\s*${ITEM}(?:\s*(?:,|;|&|\band\b)\s*${ITEM})*\s*$`, 'i');

export function parseAnswer(
  text: string,
  sourceCount: number,
  options: { streaming?: boolean } = {},
): ParsedAnswer {
  const segments: AnswerSegment[] = [];
  const cited: number[] = [];
  let plain = '';
  let pending = '';
  const flush = () => {
    if (plain) segments.push({ kind: 'text', text: plain });
    plain = '';
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (!OPEN.has(ch)) {
      plain += ch;
      i++;
      continue;
    }
    const close = findClose(text, i + 1);
    if (close === -1) {
      const tail = text.slice(i);
      if (options.streaming && couldBecomeCitation(tail.slice(1))) {
        pending = tail;
        break;
      }
      plain += ch;
      i++;
      continue;
    }
    const raw = text.slice(i, close + 1);
    const numbers = citationNumbers(raw.slice(1, -1), sourceCount);
    if (numbers.length === 0) {
      plain += ch;
      i++;
      continue;
    }
    flush();
    for (const n of numbers) {
      segments.push({ kind: 'citation', n, raw });
      if (!cited.includes(n)) cited.push(n);
    }
    i = close + 1;
  }
  flush();
  return { segments, pending, cited };
}

/** The answer as plain text with citations kept as "[n]", e.g. for copying or for the next turn. */
export function segmentsToText(segments: AnswerSegment[]): string {
  return segments.map((s) => (s.kind === 'text' ? s.text : `[${s.n}]`)).join('');
}

function findClose(text: string, from: number): number {
  for (let j = from; j < text.length && j - from <= MAX_INNER; j++) {
    const c = text[j]!;
    if (CLOSE.has(c)) return j;
    if (OPEN.has(c) || c === '\n') return -1;
  }
  return -1;
}

/** The valid source numbers a bracket's content names; empty when it is not a citation. */
function citationNumbers(inner: string, sourceCount: number): number[] {
  if (!GROUP.test(inner)) return [];
  const out: number[] = [];
  const add = (n: number) => {
    if (n >= 1 && n <= sourceCount && !out.includes(n)) out.push(n);
  };
  for (const part of inner.split(/,|;|&|\band\b/i)) {
    const nums = [...part.matchAll(/\d+/g)].map((m) => Number(m[0]));
    const [a, b] = nums;
    if (a === undefined) continue;
    if (b === undefined) add(a);
    else if (b >= a && b - a < MAX_RANGE) for (let n = a; n <= b; n++) add(n);
  }
  return out;
}

/** Whether the text after an unclosed "[" is a prefix of something `citationNumbers` accepts. */
function couldBecomeCitation(afterOpen: string): boolean {
  if (afterOpen.length > MAX_INNER || afterOpen.includes('\n')) return false;
  const rest = afterOpen.toLowerCase().replace(/sources?|src|\band\b/g, ' ');
  const m = /^[\s\d,;&#^\-–—]*([a-z]*)$/.exec(rest);
  if (!m) return false;
  const word = m[1]!;
  return word === '' || 'source'.startsWith(word) || 'and'.startsWith(word);
}
