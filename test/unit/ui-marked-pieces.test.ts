import { describe, expect, it } from 'vitest';
import { markedPieces } from '../../src/ui/common/marked-pieces.ts';

const render = (text: string, marks: { start: number; end: number }[]) =>
  markedPieces(text, marks)
    .map((p) => (p.marked ? `[${p.text}]` : p.text))
    .join('');

describe('markedPieces', () => {
  it('splits text into marked and plain pieces that join back to the text', () => {
    const text = 'the valve under the sink';
    const pieces = markedPieces(text, [
      { start: 4, end: 9 },
      { start: 20, end: 24 },
    ]);
    expect(pieces).toEqual([
      { text: 'the ', marked: false },
      { text: 'valve', marked: true },
      { text: ' under the ', marked: false },
      { text: 'sink', marked: true },
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
  });
  it('sorts, merges overlapping and touching ranges, and drops empty ones', () => {
    expect(
      render('abcdefghij', [
        { start: 6, end: 8 },
        { start: 1, end: 3 },
        { start: 2, end: 4 },
        { start: 8, end: 9 },
        { start: 5, end: 5 },
      ]),
    ).toBe('a[bcd]ef[ghi]j');
  });
  it('clamps ranges to the text and ignores nonsense', () => {
    expect(
      render('abc', [
        { start: -5, end: 1 },
        { start: 2, end: 99 },
        { start: NaN, end: 2 },
      ]),
    ).toBe('[a]b[c]');
    expect(render('abc', [{ start: 3, end: 1 }])).toBe('abc');
  });
  it('keeps markup in the text as text', () => {
    expect(render('<b>red</b>', [{ start: 3, end: 6 }])).toBe('<b>[red]</b>');
  });
  it('gives one plain piece for empty text or no marks', () => {
    expect(markedPieces('', [])).toEqual([{ text: '', marked: false }]);
    expect(markedPieces('plain', [])).toEqual([{ text: 'plain', marked: false }]);
  });
});
