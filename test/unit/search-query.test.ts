import { describe, expect, it } from 'vitest';
import { parseQueryText } from '../../src/search/parse-query.ts';
import { mixVectors } from '../../src/search/fan-out.ts';

describe('parseQueryText', () => {
  it('splits negative terms from the rest', () => {
    expect(parseQueryText('beach -people')).toEqual({ positive: 'beach', negatives: ['people'] });
    expect(parseQueryText('  red   shoes -blue -laces ')).toEqual({
      positive: 'red shoes',
      negatives: ['blue', 'laces'],
    });
  });

  it('keeps quoted phrases whole, negative or not, and drops the quotes', () => {
    expect(parseQueryText('"red kite" over -"dark cloud" field')).toEqual({
      positive: 'red kite over field',
      negatives: ['dark cloud'],
    });
    // An unclosed quote runs to the end.
    expect(parseQueryText('sky -"red kite')).toEqual({ positive: 'sky', negatives: ['red kite'] });
  });

  it('treats inner hyphens, lone dashes and punctuation as text, not as negation', () => {
    expect(parseQueryText('t-shirt - blue -- x-ray')).toEqual({
      positive: 't-shirt blue x-ray',
      negatives: [],
    });
    expect(parseQueryText('-!! ok')).toEqual({ positive: 'ok', negatives: [] });
  });

  it('gives each negative once, and nothing for an empty query', () => {
    expect(parseQueryText('-a -a b')).toEqual({ positive: 'b', negatives: ['a'] });
    expect(parseQueryText('   ')).toEqual({ positive: '', negatives: [] });
    expect(parseQueryText('-only')).toEqual({ positive: '', negatives: ['only'] });
  });
});

describe('mixVectors', () => {
  const a = Float32Array.from([1, 0, 0]);
  const b = Float32Array.from([0, 1, 0]);

  it('slides from one vector to the other as the weight moves, and stays unit length', () => {
    const angles = [0, 0.25, 0.5, 0.75, 1].map((w) => {
      const m = mixVectors([
        { vector: a, weight: 1 - w },
        { vector: b, weight: w },
      ]);
      if (w === 0 || w === 1) expect(Array.from(m!)).toEqual(Array.from(w === 0 ? a : b));
      expect(Math.hypot(...m!)).toBeCloseTo(1, 6);
      return Math.atan2(m![1]!, m![0]!);
    });
    for (let i = 1; i < angles.length; i++) expect(angles[i]).toBeGreaterThan(angles[i - 1]!);
    expect(angles[2]).toBeCloseTo(Math.PI / 4, 6);
  });

  it('returns null for nothing, or for vectors that cancel out', () => {
    expect(mixVectors([])).toBeNull();
    expect(
      mixVectors([
        { vector: a, weight: 1 },
        { vector: Float32Array.from([-1, 0, 0]), weight: 1 },
      ]),
    ).toBeNull();
  });

  it('refuses vectors of different dimensions', () => {
    expect(() =>
      mixVectors([
        { vector: a, weight: 1 },
        { vector: Float32Array.of(1), weight: 1 },
      ]),
    ).toThrow(RangeError);
  });
});
