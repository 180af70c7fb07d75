// The keyword side: BM25 over the text of text chunks and transcript spans, with MiniSearch (a small,
// dependency-free, well-kept full-text index with BM25 scoring, prefix search, document removal and
// JSON serialisation; its synchronous API suits a worker). Terms come from tokenize.ts, as the snippets'.
import MiniSearch, { type SearchResult } from 'minisearch';
import { normaliseTerm, searchTerms, wordSpans } from './tokenize.ts';

export interface LexicalHit {
  key: number;
  /** MiniSearch's score: BM25 summed over the matched terms (times the number of terms matched). */
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
  /** True when the keyword index was not built yet (store-answers.ts): these are not all the hits. */
  pending?: boolean;
}

interface Doc {
  id: number;
  text: string;
}

// Prefix matching finds "pipes" for "pipe"; below four letters it would find too much ("red" → "reduce").
const prefix = (term: string) => term.length >= 4;

/**
 * In a large library a query word found in more than this share of the segments says little, and scoring
 * every one of them is the costliest part of a search (tens of ms at 30k segments); such words are left
 * to the vectors, as search engines treat near-stop-words. The rarest word of a query is always kept.
 */
const COMMON_SHARE = 0.1;
const COMMON_MIN_DOCS = 1000;

export class LexicalIndex {
  private readonly index = new MiniSearch<Doc>({
    fields: ['text'],
    tokenize: (text) => wordSpans(text).map((w) => w.text),
    processTerm: (term) => normaliseTerm(term),
    searchOptions: { prefix, combineWith: 'OR' },
  });

  /** How many segments hold each term (MiniSearch does not expose it). */
  private readonly documentFrequency = new Map<string, number>();

  get size(): number {
    return this.index.documentCount;
  }

  add(key: number, text: string): void {
    if (this.index.has(key)) throw new Error(`segment ${key} is already in the keyword index`);
    if (!text.trim()) return;
    this.index.add({ id: key, text });
    this.count(text, 1);
  }

  /** `text` is the text the segment was added with (the catalog keeps it; this index does not). */
  remove(key: number, text: string): void {
    if (!this.index.has(key)) return;
    this.index.discard(key);
    this.count(text, -1);
  }

  private count(text: string, delta: 1 | -1): void {
    for (const term of searchTerms(text)) {
      const n = (this.documentFrequency.get(term) ?? 0) + delta;
      if (n > 0) this.documentFrequency.set(term, n);
      else this.documentFrequency.delete(term);
    }
  }

  search(
    text: string,
    negatives: string[] = [],
    options: { allowed?: (key: number) => boolean; limit?: number } = {},
  ): LexicalSearch {
    const { allowed, limit = 200 } = options;
    const excluded = new Set<number>();
    for (const phrase of negatives) {
      if (searchTerms(phrase).length === 0) continue;
      // A negative phrase removes what has all of its words, not what has any one of them.
      for (const r of this.index.search(phrase, { combineWith: 'AND' })) excluded.add(r.id as number);
    }
    const terms = this.informativeTerms(searchTerms(text));
    if (terms.length === 0) return { hits: [], excluded: [...excluded] };
    const filter = (r: SearchResult) =>
      !excluded.has(r.id as number) && (!allowed || allowed(r.id as number));
    const hits = this.index
      .search(terms.join(' '), { filter })
      .slice(0, limit)
      .map((r) => ({
        key: r.id as number,
        bm25: r.score,
        coverage: new Set(r.queryTerms).size / terms.length,
        terms: r.terms,
      }));
    return { hits, excluded: [...excluded] };
  }

  private informativeTerms(terms: string[]): string[] {
    const n = this.index.documentCount;
    if (n < COMMON_MIN_DOCS || terms.length === 0) return terms;
    const df = (t: string) => this.documentFrequency.get(t) ?? 0;
    const kept = terms.filter((t) => df(t) <= COMMON_SHARE * n);
    return kept.length ? kept : [terms.reduce((a, b) => (df(b) < df(a) ? b : a))];
  }
}
