// Keyword search over postings (keyword-search.ts): BM25 as computed by hand, prefixes, negative terms and
// deletions, over the in-memory posting index (memory-postings.ts), which holds what the store's holds.
import { describe, expect, it } from 'vitest';
import { packPosting, unpackPosting, keywordTexts, type SegmentRecord } from '../../src/library/records.ts';
import { searchKeywords } from '../../src/search/keyword-search.ts';
import { MemoryPostings } from '../../src/search/memory-postings.ts';
import { keywordDocument } from '../../src/search/tokenize.ts';

function index(docs: Record<number, string>): MemoryPostings {
  const postings = new MemoryPostings();
  for (const [key, text] of Object.entries(docs)) postings.add(Number(key), text);
  return postings;
}

// Three segments; lengths in distinct words: 3 ("Kite kite river": "Kite" and "kite" are two words as
// written, as MiniSearch counted them), 2, 1; so N = 3 and the average length is 2.
const docs = { 1: 'Kite kite river', 2: 'kite garden', 3: 'meadow' };
const bm25 = (tf: number, df: number, length: number, n = 3, avg = 2) =>
  Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (0.5 + (tf * 2.2) / (tf + 1.2 * (0.3 + (0.7 * length) / avg)));

describe('keyword search over postings', () => {
  it('holds each term with its frequency and the segment length', () => {
    const doc = keywordDocument('Kite kite river');
    expect([...doc.terms]).toEqual([
      ['kite', 2],
      ['river', 1],
    ]);
    expect(doc.length).toBe(3);
    expect(unpackPosting(packPosting(2, 3))).toEqual({ tf: 2, length: 3 });
    // Beyond their bits, both are kept at their largest.
    expect(unpackPosting(packPosting(10_000, 5_000_000))).toEqual({ tf: 4095, length: 1_048_575 });
  });

  it('scores BM25 as computed by hand', async () => {
    const { hits } = await searchKeywords(index(docs), 'kite');
    // idf = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln 1.6; segment 1: tf 2, length 3; segment 2: tf 1, length 2.
    expect(hits.map((h) => h.key)).toEqual([1, 2]);
    expect(hits[0]!.bm25).toBeCloseTo(Math.log(1.6) * (0.5 + 4.4 / (2 + 1.2 * 1.35)), 12);
    expect(hits[1]!.bm25).toBeCloseTo(Math.log(1.6) * 1.5, 12);
    expect(hits[0]!.bm25).toBeCloseTo(bm25(2, 2, 3), 12);
  });

  it('sums over the query words and multiplies by how many a segment has', async () => {
    const { hits } = await searchKeywords(index(docs), 'kite river');
    expect(hits.map((h) => [h.key, h.coverage])).toEqual([
      [1, 1],
      [2, 0.5],
    ]);
    expect(hits[0]!.bm25).toBeCloseTo(2 * (bm25(2, 2, 3) + bm25(1, 1, 3)), 12);
    expect(hits[1]!.bm25).toBeCloseTo(bm25(1, 2, 2), 12);
    expect(hits[0]!.terms).toEqual(['kite', 'river']);
  });

  it('matches a longer word by a prefix of four letters or more, weighted down by the letters added', async () => {
    const postings = index(docs);
    const { hits } = await searchKeywords(postings, 'gard');
    // "garden" is "gard" and two letters: weight 0.375 × 6 / (6 + 0.3 × 2).
    expect(hits.map((h) => [h.key, h.terms])).toEqual([[2, ['garden']]]);
    expect(hits[0]!.bm25).toBeCloseTo(((0.375 * 6) / 6.6) * bm25(1, 1, 2), 12);
    expect((await searchKeywords(postings, 'gar')).hits).toEqual([]);
    // The exact word counts in full next to its longer forms.
    const more = index({ 1: 'pipe', 2: 'pipes' });
    const both = (await searchKeywords(more, 'pipe')).hits;
    expect(both.map((h) => h.key)).toEqual([1, 2]);
    expect(both[0]!.bm25).toBeGreaterThan(both[1]!.bm25);
  });

  it('drops what has a negative word, or every word of a negative phrase', async () => {
    const postings = index({ 1: 'red kite field', 2: 'red hawk field', 3: 'red field', 4: 'hawk kite' });
    expect(await searchKeywords(postings, 'field', ['kite'])).toEqual({
      // The shorter segment first.
      hits: [expect.objectContaining({ key: 3 }), expect.objectContaining({ key: 2 })],
      excluded: [1, 4],
    });
    const phrase = await searchKeywords(postings, 'field', ['red hawk']);
    expect(phrase.excluded).toEqual([2]);
    expect(phrase.hits.map((h) => h.key).sort()).toEqual([1, 3]);
    // A negative word by prefix, as positive ones: "-hawks" is not "hawk", "-haw" is too short.
    expect((await searchKeywords(postings, 'field', ['hawks'])).excluded).toEqual([]);
    // Stop words alone neither find nor exclude.
    expect(await searchKeywords(postings, 'the', ['of'])).toEqual({ hits: [], excluded: [] });
  });

  it('forgets a deleted segment: its hits, and its part in the counts', async () => {
    const postings = index(docs);
    postings.remove(2);
    expect((await searchKeywords(postings, 'garden')).hits).toEqual([]);
    const { hits } = await searchKeywords(postings, 'kite');
    // Now N = 2 and the average length (3 + 1) / 2 = 2, and "kite" is in one segment.
    expect(hits.map((h) => h.key)).toEqual([1]);
    expect(hits[0]!.bm25).toBeCloseTo(bm25(2, 1, 3, 2, 2), 12);
    postings.remove(1);
    postings.remove(3);
    expect(postings.size).toBe(0);
    expect((await postings.keywordPostings([{ term: 'kite', prefix: true }])).lists).toEqual([[]]);
  });

  it('ranks alike whether the keys are close together (arrays) or far apart (a map)', async () => {
    const far = { 1: docs[1], 100_000: docs[2], 5_000_000: docs[3] };
    const near = (await searchKeywords(index(docs), 'kite river meadow')).hits;
    const apart = (await searchKeywords(index(far), 'kite river meadow')).hits;
    const moved: Record<number, number> = { 1: 1, 2: 100_000, 3: 5_000_000 };
    expect(apart.map((h) => h.key)).toEqual(near.map((h) => moved[h.key]));
    expect(apart.map((h) => [h.bm25, h.coverage, h.terms])).toEqual(
      near.map((h) => [h.bm25, h.coverage, h.terms]),
    );
    // Ties go to the smaller key, and the limit keeps the best.
    const tied = index(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [9 - i, 'kite'])));
    expect((await searchKeywords(tied, 'kite', [], { limit: 3 })).hits.map((h) => h.key)).toEqual([1, 2, 3]);
  });

  it('applies a filter before the limit', async () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i + 1, `kite ${'x'.repeat(i)}`]));
    const { hits } = await searchKeywords(index(many), 'kite', [], { allowed: (k) => k > 40, limit: 5 });
    expect(hits.map((h) => h.key).sort((a, b) => a - b)).toEqual([41, 42, 43, 44, 45]);
  });
});

describe('the text a segment is found by', () => {
  const seg = (kind: SegmentRecord['kind'], text?: string) => ({ kind, ...(text ? { text } : {}) });
  it('is its own text, and a picture carries its place names on its first segment without text', () => {
    const place = { city: 'Lisbon', region: 'Lisbon', country: 'Portugal', countryCode: 'PT' };
    const texts = keywordTexts({ place }, [
      { key: 7, segment: seg('caption', 'a red tram') },
      { key: 9, segment: seg('frame') },
      { key: 5, segment: seg('frame') },
      { key: 8, segment: seg('ocr', '') },
    ]);
    expect([...texts]).toEqual([
      [7, 'a red tram'],
      [5, 'Lisbon, Portugal'],
    ]);
    expect([...keywordTexts({}, [{ key: 1, segment: seg('image') }])]).toEqual([]);
  });
});
