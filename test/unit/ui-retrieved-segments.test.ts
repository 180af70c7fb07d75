import { describe, expect, it } from 'vitest';
import type { ItemRecord, SegmentRecord } from '../../src/library/records.ts';
import type { ItemResult, SegmentResult } from '../../src/search/results.ts';
import { retrievedSegments } from '../../src/ui/search/retrieved-segments.ts';
import { itemRecord } from '../support/factories.ts';

const item = (id: string, kind: ItemRecord['kind']): ItemRecord =>
  itemRecord(id, {
    name: `${id}.file`,
    kind,
    capturedAt: kind === 'video' ? 1_700_000_000_000 : undefined,
  });

const segment = (
  itemId: string,
  i: number,
  score: number,
  fields: Partial<SegmentRecord>,
  passed: SegmentResult['matched'][number]['source'][] = [],
): SegmentResult => ({
  key: i,
  segment: { id: `${itemId}:${i}`, itemId, kind: 'frame', spaces: ['clip'], ...fields },
  modality: 'video',
  score,
  range: { kind: 'whole' },
  matched: passed.map((source) => ({ source, raw: 0.3, z: 5, passed: true })),
});

describe('retrievedSegments', () => {
  it('gives every matched segment of every item, best first, with what a citation needs', () => {
    const video: ItemResult = {
      item: item('clip', 'video'),
      modality: 'video',
      score: 9,
      best: segment('clip', 0, 9, { kind: 'frame', t0: 2, t1: 2 }, ['clip']),
      others: [
        segment('clip', 1, 3, { kind: 'transcript', t0: 4, t1: 7, text: 'the kite flew' }, [
          'text',
          'lexical',
        ]),
      ],
      spaces: ['clip', 'text'],
    };
    const note: ItemResult = {
      item: item('note', 'text'),
      modality: 'text',
      score: 5,
      best: {
        ...segment('note', 2, 5, {
          kind: 'text-chunk',
          page: 2,
          charStart: 10,
          charEnd: 40,
          text: 'valve under the sink',
        }),
        snippet: { text: 'valve under', offset: 0, marks: [], truncatedStart: false, truncatedEnd: true },
      },
      others: [],
      spaces: ['lexical'],
    };
    const out = retrievedSegments([video, note]);
    expect(out.map((r) => [r.segmentId, r.score])).toEqual([
      ['clip:0', 9],
      ['note:2', 5],
      ['clip:1', 3],
    ]);
    expect(out[0]).toMatchObject({
      itemId: 'clip',
      itemName: 'clip.file',
      modality: 'video',
      segmentKind: 'frame',
      t0: 2,
      t1: 2,
      capturedAt: 1_700_000_000_000,
      matched: 'its picture matches the question',
    });
    expect(out[1]).toMatchObject({
      page: 2,
      charStart: 10,
      charEnd: 40,
      text: 'valve under the sink',
      snippet: 'valve under',
    });
    expect(out[1]!.matched).toBeUndefined();
    expect(out[2]).toMatchObject({
      text: 'the kite flew',
      matched: 'its meaning matches and its words match the question',
    });
  });

  it('passes a caption as the caption, not as the text', () => {
    const photo: ItemResult = {
      item: item('photo', 'image'),
      modality: 'image',
      score: 4,
      best: segment('photo', 0, 4, { kind: 'caption', text: 'a red square on white' }, ['text']),
      others: [],
      spaces: ['text'],
    };
    const [r] = retrievedSegments([photo]);
    expect(r).toMatchObject({ caption: 'a red square on white', segmentKind: 'caption' });
    expect(r!.text).toBeUndefined();
  });
});
