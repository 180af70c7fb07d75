import { describe, expect, it } from 'vitest';
import { background, calibrate, lexicalScore, scaleFloor } from '../../src/search/calibrate.ts';
import { fuse, type Evidence, type EvidenceList } from '../../src/search/fuse.ts';
import { seededRandom } from '../../scripts/fixtures/media/prng.ts';

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

describe('calibration', () => {
  it('recovers the mean and σ of a large normal background, with either method', () => {
    const random = seededRandom(7);
    const scores = Array.from({ length: 20_000 }, () => 0.2 + 0.03 * normal(random));
    for (const method of ['null-query', 'own-scores'] as const) {
      const bg = background(scores, undefined, 0.001, method);
      expect(bg.location).toBeCloseTo(0.2, 2);
      expect(bg.scale).toBeGreaterThan(0.027);
      expect(bg.scale).toBeLessThan(0.033);
    }
  });

  it('null-query: matches in up to half of a small sample do not become background (own-scores: they do)', () => {
    // The fixture CLAP's scores for "low hum": three windows of the hum, some speech, the rest unrelated.
    const scores = [0.98, 0.98, 0.98, 0.68, 0.62, 0.53, 0.51, 0.11, 0.08, 0.07, 0.07, 0, 0, 0];
    const floor = scaleFloor(24);
    const robust = background(scores, undefined, floor, 'null-query');
    const textbook = background(scores, undefined, floor, 'own-scores');
    expect(calibrate(0.98, robust)).toBeGreaterThan(7);
    expect(calibrate(0.11, robust)).toBeLessThan(1);
    expect(calibrate(0.98, textbook)).toBeLessThan(2);
  });

  it('a query that scores alike everywhere gets nothing above the background', () => {
    const flat = Array.from({ length: 50 }, (_, i) => 0.001 * (i % 5));
    const bg = background(flat, flat, scaleFloor(32));
    expect(bg.scale).toBe(scaleFloor(32));
    expect(Math.max(...flat.map((s) => calibrate(s, bg)))).toBeLessThan(0.1);
  });

  it("the null query's scores raise the location and the spread where they are higher", () => {
    const own = [0.1, 0.12, 0.11, 0.13, 0.5];
    const nulls = [0.3, 0.2, 0.4, 0.25, 0.35];
    const bg = background(own, nulls, 0.01);
    expect(bg.location).toBeCloseTo(0.3, 6);
    expect(bg.scale).toBeCloseTo(1.4826 * 0.05, 6);
    expect(background(own, undefined, 0.01).location).toBeLessThan(0.13);
  });

  it('an empty sample falls back to location 0 and the floor', () => {
    expect(background([], undefined, 0.2)).toEqual({ location: 0, scale: 0.2, n: 0 });
  });

  it('puts keyword matches between the cut and twice the cut by the share of words found', () => {
    expect(lexicalScore(0, 4)).toBe(4);
    expect(lexicalScore(0.5, 4)).toBe(6);
    expect(lexicalScore(1, 4)).toBe(8);
    expect(lexicalScore(7, 4)).toBe(8);
  });
});

const ev = (key: number, source: Evidence['source'], z: number, raw = z / 10): Evidence => ({
  key,
  source,
  raw,
  z,
});
const list = (source: Evidence['source'], hits: Evidence[], weight = 1): EvidenceList => ({
  source,
  weight,
  hits,
});

describe('fusion', () => {
  const lists = [
    list('clip', [ev(1, 'clip', 9), ev(2, 'clip', 5), ev(3, 'clip', 1)]),
    list('clap', [ev(10, 'clap', 6), ev(11, 'clap', 0.5)]),
    list('text', [ev(20, 'text', 3.5), ev(21, 'text', 0.2)]),
    list('lexical', [ev(20, 'lexical', 6), ev(22, 'lexical', 4)]),
  ];

  it('calibrated: one list across spaces, cut at the threshold, hybrid evidence summed', () => {
    const fused = fuse(lists, undefined, { cut: 4 });
    expect(fused.map((h) => h.key)).toEqual([20, 1, 10, 2, 22]);
    expect(fused[0]!.score).toBeCloseTo(9.5, 6);
    expect(fused[0]!.evidence.map((e) => e.source)).toEqual(['lexical', 'text']);
    expect(fused.some((h) => [3, 11, 21].includes(h.key))).toBe(false);
  });

  it('calibrated: nothing past the cut is no match at all', () => {
    const weak = [list('clip', [ev(1, 'clip', 3.9)]), list('text', [ev(2, 'text', 1)])];
    expect(fuse(weak, undefined, { cut: 4 })).toEqual([]);
    expect(fuse(weak, undefined, { cut: 3 }).map((h) => h.key)).toEqual([1]);
  });

  it("weights scale a list's contribution; a list of weight 0 is left out", () => {
    const weighted = [
      list('clip', [ev(1, 'clip', 8)], 0.25),
      list('clap', [ev(2, 'clap', 5)], 1),
      list('text', [ev(3, 'text', 9)], 0),
    ];
    expect(fuse(weighted, undefined, { cut: 4 }).map((h) => [h.key, h.score])).toEqual([
      [2, 5],
      [1, 2],
    ]);
  });

  it('negatives drop segments outright, and take a sub-cut similarity off the score', () => {
    const negatives = { drop: new Set([1]), penalty: new Map([[10, 3]]) };
    const fused = fuse(lists, negatives, { cut: 4 });
    expect(fused.map((h) => h.key)).toEqual([20, 2, 22, 10]);
    expect(fused.find((h) => h.key === 10)!.score).toBeCloseTo(3, 6);
  });

  it('rrf: ranks by reciprocal rank over every list, with no cut', () => {
    const fused = fuse(lists, undefined, { method: 'rrf', rrfK: 60 });
    expect(fused).toHaveLength(8);
    expect(fused[0]!.key).toBe(20); // first in lexical, first in text
    expect(fused[0]!.score).toBeCloseTo(2 / 61, 9);
    // Rank 1 of any list ties, whatever its evidence: the weak text hit 21 sits with strong ones.
    expect(fused.find((h) => h.key === 21)!.score).toBeCloseTo(1 / 62, 9);
  });

  it('rrf-cut: the same after the calibrated cut', () => {
    expect(fuse(lists, undefined, { method: 'rrf-cut', cut: 4 }).map((h) => h.key)).toEqual([
      1, 10, 20, 2, 22,
    ]);
  });
});
