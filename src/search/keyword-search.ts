// The keyword side: BM25 over the text of text chunks, transcript spans, captions and read text (and the
// place names of pictures), read from a posting index that holds, per term, the segments it is in with
// the term's frequency and the segment's length (the library's store, or memory-postings.ts). A query
// reads the postings of its own terms only, so its cost follows how common its words are, not how large
// the library is. Scores as MiniSearch (which this replaced) scored them: BM25 with k 1.2, b 0.7 and d
// 0.5; a longer word a query word of four letters or more begins matches with a weight falling with the
// letters added; a segment's score is multiplied by the number of query words it has.
import { TF_BITS, type PostingsRead, type TermRead } from '../library/records.ts';
import { ScoreTable } from './score-table.ts';
import { searchTerms } from './tokenize.ts';

export interface LexicalHit {
  key: number;
  /** BM25 summed over the matched terms, times the number of query terms matched. */
  bm25: number;
  /** Share of the query's terms found in the segment, 0..1. */
  coverage: number;
  /** The segment's own terms that matched (a query term, or a longer word it is a prefix of). */
  terms: string[];
}

export interface LexicalSearch {
  hits: LexicalHit[];
  /** Segments that contain a negative term, to be removed from every list. */
  excluded: number[];
  /** True while the keyword index is still being built (an import, an upgrade): not all the hits. */
  pending?: boolean;
  /** The filters asked for were not applied (the catalog was being filled): describe applies them. */
  postFiltered?: true;
}

/** Where the postings come from: the library (Library.keywordPostings) or memory (MemoryPostings). */
export interface PostingSource {
  keywordPostings(terms: readonly TermRead[]): Promise<PostingsRead>;
}

export interface KeywordOptions {
  /** Only segments it says yes to are hits (filters). */
  allowed?: (key: number) => boolean;
  /** Hits returned, best first (default 200). */
  limit?: number;
}

// Prefix matching finds "pipes" for "pipe"; below four letters it would find too much ("red" → "reduce").
export const prefixOf = (term: string) => term.length >= 4;

/**
 * In a large library a query word found in more than this share of the segments says little, and scoring
 * every one of them is the costliest part of a search; such words are left to the vectors, as search
 * engines treat near-stop-words. The rarest word of a query is always kept.
 */
const COMMON_SHARE = 0.1;
const COMMON_MIN_DOCS = 1000;

/** BM25's parameters, and the weight of a prefix match at no added letter (MiniSearch's defaults). */
const K = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.375;
const TF_MASK = (1 << TF_BITS) - 1;

export async function searchKeywords(
  source: PostingSource,
  text: string,
  negatives: readonly string[] = [],
  options: KeywordOptions = {},
): Promise<LexicalSearch> {
  const { allowed, limit = 200 } = options;
  const queryTerms = searchTerms(text);
  // A negative phrase removes what has all of its words, not what has any one of them.
  const phrases = negatives.map(searchTerms).filter((p) => p.length > 0);
  const asked = [...new Set([...queryTerms, ...phrases.flat()])];
  if (asked.length === 0) return { hits: [], excluded: [] };
  const read = await source.keywordPostings(asked.map((term) => ({ term, prefix: prefixOf(term) })));
  const listOf = new Map(asked.map((term, i) => [term, read.lists[i]!]));
  const pending = read.complete ? {} : { pending: true };

  const excluded = new Set<number>();
  for (const phrase of phrases) {
    let common: Set<number> | undefined;
    for (const term of phrase) {
      const keys = new Set<number>();
      for (const { block } of listOf.get(term)!)
        for (let i = 0; i < block.length; i += 2) if (!common || common.has(block[i]!)) keys.add(block[i]!);
      common = keys;
    }
    for (const key of common ?? []) excluded.add(key);
  }

  // How many segments hold each term read (a block holds a term's postings in one range of keys).
  const df = new Map<string, number>();
  for (const list of listOf.values())
    for (const { term, block } of list) df.set(term, (df.get(term) ?? 0) + block.length / 2);
  const terms = informative(queryTerms, df, read.documents);
  if (terms.length === 0) return { hits: [], excluded: [...excluded], ...pending };

  const n = read.documents;
  const avgLength = n > 0 ? read.totalLength / n : 1;
  let [from, to, postings] = [Infinity, -Infinity, 0];
  for (const q of terms)
    for (const { block } of listOf.get(q)!) {
      from = Math.min(from, block[0]!);
      to = Math.max(to, block[block.length - 2]!);
      postings += block.length / 2;
    }
  const table = new ScoreTable(from, to, postings);
  terms.forEach((q, qi) => {
    // A bit per query term a segment has (a query has fewer than 31 terms that count).
    const bit = qi < 31 ? 1 << qi : 0;
    for (const { term, block } of listOf.get(q)!) {
      const extra = term.length - q.length;
      const weight = extra === 0 ? 1 : (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * extra);
      const m = df.get(term)!;
      const idf = Math.log(1 + (n - m + 0.5) / (m + 0.5));
      for (let i = 0; i < block.length; i += 2) {
        const key = block[i]!;
        if (excluded.size && excluded.has(key)) continue;
        // unpackPosting, inlined: this loop runs once a posting.
        const packed = block[i + 1]!;
        const tf = packed & TF_MASK;
        const length = packed >>> TF_BITS;
        table.add(
          key,
          weight * idf * (D + (tf * (K + 1)) / (tf + K * (1 - B + (B * length) / avgLength))),
          bit,
        );
      }
    }
  });
  const top = table.top(limit, allowed);
  const wordsOf = matchedWords(top, terms, listOf);
  const hits = top.map(({ key, score, found }) => ({
    key,
    bm25: score,
    coverage: found / terms.length,
    terms: wordsOf.get(key) ?? [],
  }));
  return { hits, excluded: [...excluded], ...pending };
}

/** The query terms worth scoring: in a large index, the common ones are dropped but for the rarest. */
function informative(terms: string[], df: Map<string, number>, documents: number): string[] {
  if (documents < COMMON_MIN_DOCS || terms.length === 0) return terms;
  const count = (t: string) => df.get(t) ?? 0;
  const kept = terms.filter((t) => count(t) <= COMMON_SHARE * documents);
  return kept.length ? kept : [terms.reduce((a, b) => (count(b) < count(a) ? b : a))];
}

/** The words of each hit that matched, looked up for the hits returned only. */
function matchedWords(
  hits: { key: number }[],
  terms: string[],
  listOf: Map<string, { term: string; block: Uint32Array }[]>,
): Map<number, string[]> {
  const out = new Map<number, string[]>(hits.map((h) => [h.key, []]));
  for (const q of terms)
    for (const { term, block } of listOf.get(q)!)
      for (let i = 0; i < block.length; i += 2) {
        const words = out.get(block[i]!);
        if (words && !words.includes(term)) words.push(term);
      }
  return out;
}
