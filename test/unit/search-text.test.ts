import { describe, expect, it } from 'vitest';
import { normaliseTerm, searchTerms, wordSpans } from '../../src/search/tokenize.ts';
import { makeSnippet } from '../../src/search/snippet.ts';
import { searchKeywords, type KeywordOptions } from '../../src/search/keyword-search.ts';
import { MemoryPostings } from '../../src/search/memory-postings.ts';
import { documents, podcast } from '../../scripts/fixtures/world.ts';

const marked = (s: ReturnType<typeof makeSnippet>) => s.marks.map((m) => s.text.slice(m.start, m.end));

describe('tokenize', () => {
  it('finds words with their exact ranges, keeping inner apostrophes', () => {
    const text = "Don't touch the café's pipe—it's 2 m long.";
    const spans = wordSpans(text);
    expect(spans.map((w) => w.text)).toEqual([
      "Don't",
      'touch',
      'the',
      "café's",
      'pipe',
      "it's",
      '2',
      'm',
      'long',
    ]);
    for (const w of spans) expect(text.slice(w.start, w.end)).toBe(w.text);
  });

  it('folds case and accents, and drops stop words', () => {
    expect(normaliseTerm('Café')).toBe('cafe');
    expect(normaliseTerm('THE')).toBeNull();
    expect(searchTerms('The Plumber and the plumber’s VALVE')).toEqual(['plumber', "plumber's", 'valve']);
  });

  it('treats each CJK character as a word', () => {
    expect(wordSpans('東京 trip').map((w) => w.text)).toEqual(['東', '京', 'trip']);
  });
});

describe('snippets', () => {
  const text = documents[0].text;

  it('marks every matched word as a range, never as markup', () => {
    const s = makeSnippet(text, (t) => t === 'valve', { maxChars: 1000 });
    expect(s.text).toBe(text);
    expect(marked(s)).toEqual(['valve', 'valve']);
    expect(s).toMatchObject({ offset: 0, truncatedStart: false, truncatedEnd: false });
  });

  it('windows a long text around the first match, on word boundaries, with its offset', () => {
    const s = makeSnippet(text, (t) => t === 'boiler', { maxChars: 80 });
    expect(s.text.length).toBeLessThanOrEqual(80);
    expect(marked(s)).toEqual(['boiler']);
    expect(text.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
    expect(s.truncatedStart).toBe(true);
    // Whole words only at both ends.
    expect(/\w/.test(text[s.offset - 1] ?? ' ') && /\w/.test(text[s.offset]!)).toBe(false);
    const after = text[s.offset + s.text.length];
    expect(after === undefined || !/\w/.test(after)).toBe(true);
  });

  it('without a match, starts at the beginning', () => {
    const s = makeSnippet(text, () => false, { maxChars: 50 });
    expect(s.offset).toBe(0);
    expect(s.marks).toEqual([]);
    expect(s.truncatedEnd).toBe(true);
  });

  it('keeps "<b>" in a document as text', () => {
    const s = makeSnippet('a <b>bold</b> valve', (t) => t === 'valve');
    expect(s.text).toBe('a <b>bold</b> valve');
    expect(marked(s)).toEqual(['valve']);
  });
});

/** A keyword index in memory, searched as the store's is (keyword-search.ts). */
function keywordIndex() {
  const postings = new MemoryPostings();
  return {
    postings,
    add: (key: number, text: string) => postings.add(key, text),
    search: (text: string, negatives: string[] = [], options: KeywordOptions = {}) =>
      searchKeywords(postings, text, negatives, options),
  };
}

// These cases were written for the MiniSearch index this replaced, and pass unchanged in substance.
describe('the keyword index (BM25 over postings)', () => {
  const index = keywordIndex();
  documents.forEach((d, i) => index.add(i, d.text));
  podcast.sentences.forEach((s, i) => index.add(10 + i, s));

  it('finds a rare word only where it is, and ranks by BM25', async () => {
    expect((await index.search('leaking')).hits.map((h) => h.key)).toEqual([10]);
    const valve = (await index.search('valve')).hits;
    expect(valve.map((h) => h.key).sort()).toEqual([0, 10]);
    expect(valve[0]!.bm25).toBeGreaterThan(0);
  });

  it('matches longer words by prefix from four letters, not below', async () => {
    expect((await index.search('pipe')).hits.map((h) => h.key)).toEqual([0]);
    expect((await index.search('leak')).hits.map((h) => h.key).sort()).toEqual([0, 10]);
    expect((await index.search('lea')).hits).toEqual([]);
  });

  it('reports the share of query words found and the document words that matched', async () => {
    const [hit] = (await index.search('kite sugar')).hits.filter((h) => h.key === 1);
    expect(hit!.coverage).toBe(0.5);
    expect(hit!.terms).toEqual(['kite']);
    expect((await index.search('valve leaking')).hits[0]).toMatchObject({ key: 10, coverage: 1 });
  });

  it('excludes what contains a negative term, and a negative phrase only where all its words are', async () => {
    expect(await index.search('red', ['kite'])).toEqual({
      hits: [],
      excluded: expect.arrayContaining([1, 11]),
    });
    const phrase = await index.search('field', ['red hawk']);
    expect(phrase.excluded).toEqual([1]);
    expect(phrase.hits.map((h) => h.key)).toEqual([11]);
  });

  it('stop words alone find nothing; filters and removal apply', async () => {
    expect((await index.search('the of and')).hits).toEqual([]);
    expect((await index.search('valve', [], { allowed: (k) => k !== 0 })).hits.map((h) => h.key)).toEqual([
      10,
    ]);
    const small = keywordIndex();
    small.add(1, 'valve');
    expect(() => small.add(1, 'kite')).toThrow(/already/);
    small.postings.remove(1);
    expect((await small.search('valve')).hits).toEqual([]);
    expect(small.postings.size).toBe(0);
  });

  it('in a large index, leaves words found in most segments to the vectors, but keeps the rarest', async () => {
    const big = keywordIndex();
    for (let i = 0; i < 1200; i++)
      big.add(i, `common filler ${i % 3 === 0 ? 'often' : ''} ${i === 7 ? 'zanzibar' : ''}`);
    // "common" is in every segment: alone it is kept (the rarest of one), next to a rare word it is dropped.
    expect((await big.search('common')).hits.length).toBe(200);
    expect((await big.search('common zanzibar')).hits.map((h) => h.key)).toEqual([7]);
    // "often" (a third of the segments) is above the 10% share, so "common often" keeps only "often".
    expect((await big.search('common often')).hits.every((h) => h.key % 3 === 0)).toBe(true);
    for (let i = 0; i < 1200; i++) big.postings.remove(i);
    expect(big.postings.size).toBe(0);
  });
});
