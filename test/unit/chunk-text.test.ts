import { describe, expect, it } from 'vitest';
import { chunkText, countWords, type TextChunk, type TextPage } from '../../src/ingest/chunk-text.ts';
import { documents } from '../../scripts/fixtures/world.ts';
import { seededRandom } from '../../scripts/fixtures/media/prng.ts';

const vocabulary =
  'the plumber valve pipe kite bird oven bread train ticket water sky feather dough map'.split(' ');

/** A seeded document: paragraphs of sentences of 6–20 words, each sentence ending with a full stop. */
function essay(seed: number, paragraphs: number, newline = '\n'): string {
  const next = seededRandom(seed);
  const paras: string[] = [];
  for (let p = 0; p < paragraphs; p++) {
    const sentences: string[] = [];
    const count = 2 + Math.floor(next() * 8);
    for (let s = 0; s < count; s++) {
      const n = 6 + Math.floor(next() * 15);
      const words = Array.from({ length: n }, () => vocabulary[Math.floor(next() * vocabulary.length)]!);
      words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
      sentences.push(words.join(' ') + '.');
    }
    paras.push(sentences.join(' '));
  }
  return paras.join(newline + newline);
}

function expectHonestRanges(pages: TextPage[], chunks: TextChunk[]) {
  for (const c of chunks) {
    const page = pages.find((p) => p.page === c.page)!;
    expect(page.text.slice(c.start, c.end)).toBe(c.text);
    expect(c.text).toBe(c.text.trim());
    expect(c.words).toBe(countWords(c.text));
  }
  expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
}

/** Every non-space character of every page lies inside at least one chunk. */
function expectFullCoverage(pages: TextPage[], chunks: TextChunk[]) {
  for (const page of pages) {
    const covered = new Uint8Array(page.text.length);
    for (const c of chunks.filter((c) => c.page === page.page)) covered.fill(1, c.start, c.end);
    for (let i = 0; i < page.text.length; i++) {
      if (!/\s/.test(page.text[i]!)) expect(covered[i], `char ${i} of page ${page.page}`).toBe(1);
    }
  }
}

describe('chunkText', () => {
  it('keeps a short document whole, with its exact range', () => {
    const doc = documents[0].text;
    const chunks = chunkText('\n\n' + doc + '\n');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe(doc);
    expect(chunks[0]!.start).toBe(2);
    expect(chunks[0]!.page).toBe(1);
  });

  it('cuts a long document into 200–300-word chunks of whole sentences that overlap', () => {
    const text = essay(7, 60);
    const pages = [{ page: 1, text }];
    const chunks = chunkText(pages);
    expect(chunks.length).toBeGreaterThan(5);
    expectHonestRanges(pages, chunks);
    expectFullCoverage(pages, chunks);
    for (const [i, c] of chunks.entries()) {
      expect(c.words).toBeLessThanOrEqual(300);
      if (i < chunks.length - 1) expect(c.words).toBeGreaterThanOrEqual(150);
      expect(c.text).toMatch(/^[A-Z]/);
      expect(c.text).toMatch(/\.$/);
    }
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!;
      const cur = chunks[i]!;
      expect(cur.start).toBeGreaterThan(prev.start);
      expect(cur.end).toBeGreaterThan(prev.end);
      expect(cur.start, `chunk ${i} overlaps the one before`).toBeLessThan(prev.end);
      expect(countWords(text.slice(cur.start, prev.end))).toBeLessThanOrEqual(50);
    }
  });

  it('prefers to end a chunk where a paragraph ends', () => {
    const text = essay(11, 80);
    const chunks = chunkText(text, { targetWords: 200, maxWords: 300 });
    let atParagraphEnd = 0;
    for (const c of chunks.slice(0, -1)) {
      const after = text.slice(c.end, c.end + 2);
      if (after === '\n\n') atParagraphEnd++;
      // A chunk that stops before a paragraph ends must have had no room for the next sentence.
      else expect(c.words).toBeGreaterThan(300 - 21);
    }
    expect(atParagraphEnd).toBeGreaterThan((chunks.length - 1) / 2);
  });

  it('finds paragraphs separated by CRLF blank lines', () => {
    const text = essay(3, 40, '\r\n');
    const chunks = chunkText(text);
    expectHonestRanges([{ page: 1, text }], chunks);
    expect(chunks.some((c) => text.slice(c.end, c.end + 4) === '\r\n\r\n')).toBe(true);
    for (const c of chunks) expect(c.text).not.toMatch(/^\s|\s$/);
  });

  it('keeps each chunk on its page and records the page number', () => {
    const pages = [
      { page: 1, text: essay(1, 20) },
      { page: 2, text: '   ' },
      { page: 3, text: essay(2, 3) },
    ];
    const chunks = chunkText(pages);
    expectHonestRanges(pages, chunks);
    expectFullCoverage(pages, chunks);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 3]));
    expect(chunks.filter((c) => c.page === 3).length).toBeGreaterThanOrEqual(1);
  });

  it('cuts a sentence longer than the maximum at word boundaries', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    const chunks = chunkText(text, { maxWords: 300, targetWords: 250, overlapWords: 40 });
    expectHonestRanges([{ page: 1, text }], chunks);
    expectFullCoverage([{ page: 1, text }], chunks);
    expect(chunks.map((c) => c.words)).toEqual([300, 300, 300, 100]);
    expect(chunks[1]!.text.startsWith('w300 ')).toBe(true);
  });

  it('counts each CJK character as a word', () => {
    expect(countWords('水管工说水槽下面的阀门漏水')).toBe(13);
    expect(countWords('the valve 漏水 leaks')).toBe(5);
  });

  it('rejects options that cannot make progress', () => {
    expect(() => chunkText('x', { overlapWords: 300, maxWords: 300 })).toThrow(RangeError);
    expect(() => chunkText('x', { targetWords: 400, maxWords: 300 })).toThrow(RangeError);
  });

  it('returns nothing for blank text', () => {
    expect(chunkText(' \n\n \t')).toEqual([]);
  });
});
