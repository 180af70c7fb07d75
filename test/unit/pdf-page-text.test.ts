// A PDF page's text runs joined into lines and paragraphs (pageText in extract-pdf.ts), in linear time: the
// /[ \t]+\n/g it used to end with took 12.8 s on 80k spaces, and each paragraph gap re-read the whole page.
import { describe, expect, it } from 'vitest';
import { pageText } from '../../src/ingest/text/extract-pdf.ts';
import { growthEightfold, LINEAR_EIGHTFOLD } from '../support/time-growth.ts';

type Run = Parameters<typeof pageText>[0][number];
/** A text run at height y (PDF units grow upwards), 10 units tall. */
const run = (str: string, y: number, hasEOL = false): Run => ({
  str,
  hasEOL,
  transform: [1, 0, 0, 1, 0, y],
  height: 10,
});

describe('pageText', () => {
  it('joins runs into lines, makes a wide gap a blank line, and drops spaces that end a line', () => {
    const items = [
      run('First ', 700),
      run('line   ', 700, true),
      run('second line', 688, true),
      // 40 units below: more than 1.8 line heights, so a new paragraph.
      run('New paragraph \t', 648),
      run('', 648, true),
      run('end', 600),
    ];
    expect(pageText(items)).toBe('First line\nsecond line\n\nNew paragraph\n\nend');
  });

  it('adds one line break for a gap after a line that already ended', () => {
    expect(pageText([run('a', 700, true), run('b', 600)])).toBe('a\n\nb');
    expect(pageText([run('a', 700), run('', 700, true), run('b', 600)])).toBe('a\n\nb');
  });

  it('keeps 80k spaces inside a line and drops 80k at its end', () => {
    const spaces = ' '.repeat(80_000);
    expect(pageText([run(`a${spaces}b`, 700, true), run('c', 688)])).toBe(`a${spaces}b\nc`);
    expect(pageText([run(`a${spaces}`, 700, true), run('c', 688)])).toBe('a\nc');
  });

  it('takes about 8x as long for 8x the spaces, or 8x the paragraphs', () => {
    const spaces = growthEightfold((n) => {
      const items = [run(`a${' '.repeat(n)}b${' \t'.repeat(n)}`, 700)];
      return () => pageText(items);
    }, 4_000);
    expect(spaces).toBeLessThan(LINEAR_EIGHTFOLD);
    const paragraphs = growthEightfold((n) => {
      // Each run sits 100 units below the last: a blank line before every one.
      const items = Array.from({ length: n }, (_, i) => run(`paragraph ${i}`, 1e6 - i * 100, true));
      return () => pageText(items);
    }, 2_000);
    expect(paragraphs).toBeLessThan(LINEAR_EIGHTFOLD);
  });
});
