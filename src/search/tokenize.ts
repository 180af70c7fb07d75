// Words and search terms, shared by the keyword index and the snippets, so a word the index matched is the
// same word a snippet marks. Terms are lower-cased and stripped of accents ("Café" finds "cafe").

export interface WordSpan {
  /** The word as written. */
  text: string;
  /** Its range [start, end) in the source text, in UTF-16 code units. */
  start: number;
  end: number;
}

// Letters and digits, with inner apostrophes ("don't") kept in the word; CJK characters are words on their
// own, since those scripts are written without spaces.
const wordPattern =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|['’](?=[\p{L}]))*/gu;

export function wordSpans(text: string): WordSpan[] {
  const out: WordSpan[] = [];
  for (const m of text.matchAll(wordPattern))
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/**
 * Words so common that matching them says nothing about a passage. English only for now: the lexical side
 * serves exact names and rare words, which this list never touches.
 */
const stopWords = new Set(
  (
    'a an and are as at be but by for from had has have he her his i in is it its me my of on or our she so ' +
    'than that the their them then there these they this to too us was we were what when where which who ' +
    'will with you your'
  ).split(' '),
);

/** The index term of a word, or null for a word that is not worth indexing. */
export function normaliseTerm(word: string): string | null {
  const term = word.normalize('NFKD').replace(/\p{M}/gu, '').replace(/’/g, "'").toLowerCase();
  if (!term || stopWords.has(term)) return null;
  return term;
}

/** The distinct index terms of a text, in order of first appearance. */
export function searchTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const w of wordSpans(text)) {
    const t = normaliseTerm(w.text);
    if (t) seen.add(t);
  }
  return [...seen];
}

/**
 * A text as the keyword index holds it: how often each of its terms occurs, and its length, BM25's
 * document length. The length is the number of distinct words as written (stop words and case included),
 * as MiniSearch, the index this replaced, measured it: with it, searches rank as they did (with the
 * count of terms instead, the top ten of a search over the fixture world and 300 synthetic items moved).
 */
export function keywordDocument(text: string): { terms: Map<string, number>; length: number } {
  const terms = new Map<string, number>();
  const spans = wordSpans(text);
  for (const w of spans) {
    const t = normaliseTerm(w.text);
    if (t) terms.set(t, (terms.get(t) ?? 0) + 1);
  }
  return { terms, length: new Set(spans.map((w) => w.text)).size };
}
