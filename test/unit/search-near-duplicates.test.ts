// Near-duplicate grouping (issue 22): copies and burst shots hang under the best of them; items that only
// share a model's cone, or only a meaning across media, stay results of their own.
import { describe, expect, it } from 'vitest';
import { groupNearDuplicates, meanOfUnits } from '../../src/search/near-duplicates.ts';
import type { ItemResult } from '../../src/search/results.ts';
import type { Modality } from '../../src/search/query.ts';
import { itemRecord } from '../support/factories.ts';

const DIM = 48;

/** A unit basis vector scaled, plus a shared offset `cone` along the last axis. */
function vector(axis: number, { cone = 0, wobble = 0 } = {}): Float32Array {
  const v = new Float32Array(DIM);
  v[axis] = 1;
  v[DIM - 2] = wobble;
  v[DIM - 1] = cone;
  return v;
}

function result(id: string, modality: Modality = 'image', text?: string): ItemResult {
  const segment = { key: 0, modality, score: 1, range: { kind: 'whole' as const }, matched: [] };
  const stored =
    text === undefined
      ? { id: `${id}:0`, itemId: id, kind: 'image', spaces: ['clip'] }
      : { id: `${id}:0`, itemId: id, kind: 'text-chunk', spaces: ['text'], text };
  return {
    item: itemRecord(id, { kind: modality }),
    modality,
    score: 1,
    best: { ...segment, segment: stored },
    others: [],
    spaces: [],
  } as unknown as ItemResult;
}

const names = (items: ItemResult[]) =>
  items.map((i) => [i.item.id, ...(i.similar ?? []).map((s) => s.item.id)].join('+'));

describe('near-duplicates', () => {
  it('groups burst shots under the first, and keeps other pictures apart', () => {
    const items = ['a1', 'b', 'a2', 'a3', 'c'].map((id) => result(id));
    const vectors = [
      vector(0, { wobble: 0.05 }),
      vector(1),
      vector(0, { wobble: 0.1 }),
      vector(0),
      vector(2),
    ].map((clip) => ({ clip }));
    const means = { clip: meanOfUnits(vectors.map((v) => v.clip))! };
    expect(names(groupNearDuplicates(items, vectors, means))).toEqual(['a1+a2+a3', 'b', 'c']);
  });

  it('in a compressed space (unrelated at cosine 0.96), only the copies group, by the centred cosine', () => {
    const cone = 5; // unrelated items: 25/26 ≈ 0.96
    const library = Array.from({ length: 20 }, (_, i) => vector(i, { cone }));
    const means = { clap: meanOfUnits(library)! };
    const items = ['x', 'y', 'x-copy'].map((id) => result(id, 'audio'));
    const vectors = [vector(0, { cone }), vector(1, { cone }), vector(0, { cone, wobble: 0.05 })].map(
      (clap) => ({ clap }),
    );
    const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
    const raw = unit(vectors[0]!.clap).reduce((s, x, i) => s + x * unit(vectors[1]!.clap)[i]!, 0);
    expect(raw).toBeGreaterThan(0.95); // raw cosine alone would group the unrelated pair
    expect(names(groupNearDuplicates(items, vectors, means))).toEqual(['x+x-copy', 'y']);
  });

  it('never groups across media: a video frame is not a copy of a photo', () => {
    const items = [result('photo', 'image'), result('video', 'video')];
    const vectors = [{ clip: vector(0) }, { clip: vector(0, { wobble: 0.01 }) }];
    expect(names(groupNearDuplicates(items, vectors, {}))).toEqual(['photo', 'video']);
  });

  it('groups passages the text encoder cannot tell apart only when they share their words', () => {
    // Rare words the encoder has no token for put these three notes on one vector.
    const items = [
      result('ferry', 'text', 'Zanzibar ferry times: the ferry leaves at nine.'),
      result('spice', 'text', 'Zanzibar spice market list, cloves and cardamom.'),
      result('ferry-copy', 'text', 'Zanzibar ferry times. The ferry leaves at nine!'),
    ];
    const vectors = [vector(0), vector(0, { wobble: 0.01 }), vector(0, { wobble: 0.02 })].map((text) => ({
      text,
    }));
    expect(names(groupNearDuplicates(items, vectors, {}))).toEqual(['ferry+ferry-copy', 'spice']);
  });
});
