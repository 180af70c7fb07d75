import { describe, expect, it } from 'vitest';
import { parseAnswer, segmentsToText, type AnswerSegment } from '../../src/answer/citations';

/** A compact view: text as is, citations as {n}. */
const view = (segments: AnswerSegment[]) =>
  segments.map((s) => (s.kind === 'text' ? s.text : `{${s.n}}`)).join('');

describe('citation parsing', () => {
  it('turns [n] into citations and keeps the rest as text', () => {
    const p = parseAnswer('The valve leaks [1]. A kite flew [3].', 5);
    expect(p.segments).toEqual([
      { kind: 'text', text: 'The valve leaks ' },
      { kind: 'citation', n: 1, raw: '[1]' },
      { kind: 'text', text: '. A kite flew ' },
      { kind: 'citation', n: 3, raw: '[3]' },
      { kind: 'text', text: '.' },
    ]);
    expect(p.cited).toEqual([1, 3]);
    expect(p.pending).toBe('');
  });

  it('keeps a number that names no source as plain text, not a citation', () => {
    const p = parseAnswer('See [12] and [0] but [5].', 5);
    expect(view(p.segments)).toBe('See [12] and [0] but {5}.');
    expect(p.cited).toEqual([5]);
    expect(p.segments.filter((s) => s.kind === 'citation')).toHaveLength(1);
  });

  it.each([
    ['[2,3]', [2, 3]],
    ['[2, 3]', [2, 3]],
    ['[2 ,3 ; 4]', [2, 3, 4]],
    ['[2-4]', [2, 3, 4]],
    ['[2–4]', [2, 3, 4]],
    ['[1][2]', [1, 2]],
    ['[2, 2]', [2]],
    ['[Source 2]', [2]],
    ['[sources 1 and 3]', [1, 3]],
    ['[^2]', [2]],
    ['【2】', [2]],
    ['[ 4 ]', [4]],
  ])('reads %s as sources %j', (raw, expected) => {
    const p = parseAnswer(`Fact ${raw}.`, 5);
    expect(p.segments.filter((s) => s.kind === 'citation').map((s) => (s as { n: number }).n)).toEqual(
      expected,
    );
    expect(view(p.segments)).toBe(`Fact ${expected.map((n) => `{${n}}`).join('')}.`);
  });

  it('drops the numbers of a group that name no source, and keeps the group if any is valid', () => {
    expect(view(parseAnswer('x [2, 9].', 5).segments)).toBe('x {2}.');
    expect(view(parseAnswer('x [3-12].', 5).segments)).toBe('x {3}{4}{5}.');
    expect(view(parseAnswer('x [7, 9].', 5).segments)).toBe('x [7, 9].');
    expect(view(parseAnswer('x [4-2].', 5).segments)).toBe('x [4-2].');
    expect(view(parseAnswer('x [1-1000].', 5).segments)).toBe('x [1-1000].');
  });

  it('leaves brackets that are not citations alone', () => {
    for (const text of [
      'a [note] b',
      'list[0]',
      '[see 2]',
      '[2] [',
      'a ] b [',
      '[2.5]',
      `[${'1,'.repeat(30)}1]`,
    ]) {
      const p = parseAnswer(text, 5);
      expect(segmentsToText(p.segments), text).toBe(text);
    }
    expect(parseAnswer('list[0]', 5).cited).toEqual([]);
  });

  it('holds back an unclosed citation at the end of a partial stream, and shows it as text when final', () => {
    for (const tail of ['[', '[3', '[3,', '[3, 4', '[2-', '[Sour', '[source 2', '[^']) {
      const partial = parseAnswer(`The kite flew ${tail}`, 5, { streaming: true });
      expect(partial.pending, tail).toBe(tail);
      expect(view(partial.segments)).toBe('The kite flew ');
      expect(view(parseAnswer(`The kite flew ${tail}`, 5).segments)).toBe(`The kite flew ${tail}`);
    }
    // Not a citation in the making: shown at once.
    for (const tail of ['[note', '[3 is']) {
      const p = parseAnswer(`x ${tail}`, 5, { streaming: true });
      expect(p.pending, tail).toBe('');
      expect(view(p.segments)).toBe(`x ${tail}`);
    }
  });

  it('gives the same result however the stream was cut', () => {
    const answer =
      'The plumber said the valve leaks [1][2]. A red kite flew [2, 3] over the field [4-5]; see [12].';
    const final = parseAnswer(answer, 5);
    for (let cut = 0; cut <= answer.length; cut++) {
      const partial = parseAnswer(answer.slice(0, cut), 5, { streaming: true });
      // What is shown so far is a prefix of the final answer: a citation never turns back into text.
      const shown = segmentsToText(partial.segments);
      expect(segmentsToText(final.segments).startsWith(shown), `cut ${cut}: ${shown}`).toBe(true);
      expect(shown + partial.pending).toBe(
        answer
          .slice(0, cut)
          .replace(/\[2, 3\]/, '[2][3]')
          .replace('[4-5]', '[4][5]'),
      );
    }
  });

  it('is data only: markup in the answer stays text', () => {
    const p = parseAnswer('<img src=x onerror=alert(1)> [1]', 2);
    expect(p.segments[0]).toEqual({ kind: 'text', text: '<img src=x onerror=alert(1)> ' });
  });
});
