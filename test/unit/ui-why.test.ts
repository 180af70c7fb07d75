import { describe, expect, it } from 'vitest';
import type { ItemResult, SegmentResult } from '../../src/search/results.ts';
import { explain } from '../../src/ui/search/why.ts';

const segment = (matched: SegmentResult['matched'], words?: string[]): SegmentResult =>
  ({
    key: 1,
    segment: { id: 's', itemId: 'i', kind: 'text-chunk', spaces: ['text'] },
    modality: 'text',
    score: 1,
    range: { kind: 'whole' },
    matched,
    ...(words ? { words } : {}),
  }) as SegmentResult;

const item = (best: SegmentResult, others: SegmentResult[] = [], extra: Partial<ItemResult> = {}) =>
  ({
    item: { id: 'i', name: 'notes.md' },
    modality: 'text',
    score: 1,
    best,
    others,
    spaces: best.matched.filter((m) => m.passed).map((m) => m.source),
    ...extra,
  }) as ItemResult;

describe('why this result', () => {
  it('names the lists that passed, each score against the cut with its raw score, strongest first', () => {
    const why = explain(
      item(
        segment(
          [
            { source: 'text', raw: 0.612, z: 3.2, passed: false },
            { source: 'lexical', raw: 2.13, z: 9, passed: true },
          ],
          ['valve'],
        ),
      ),
      4.5,
    );
    expect(why.summary).toBe('Passed the cut of 4.5 in exact words.');
    expect(why.lines).toEqual([
      { source: 'lexical', name: 'Exact words', score: '9.0', passed: true, raw: 'keyword score 2.1' },
      { source: 'text', name: 'Text meaning', score: '3.2', passed: false, raw: 'cosine 0.61' },
    ]);
    expect(why.words).toEqual(['valve']);
  });

  it('gathers matched words from every moment of the item, once each', () => {
    const passed = [{ source: 'lexical' as const, raw: 1, z: 5, passed: true }];
    const why = explain(item(segment(passed, ['valve']), [segment(passed, ['sink', 'valve'])]));
    expect(why.words).toEqual(['valve', 'sink']);
    expect(why.summary).toBe('Passed the cut in exact words.');
  });

  it('says a weak match was below the cut everywhere', () => {
    const below = segment([{ source: 'clip', raw: 0.21, z: 1.4, passed: false }]);
    const why = explain(item(below, [], { weak: true, spaces: [] }), 4.5);
    expect(why.summary).toBe(
      'A weak match: below the cut of 4.5 everywhere, shown because you asked for the closest.',
    );
    expect(why.words).toEqual([]);
  });

  it('lists several lists in words', () => {
    const both = segment([
      { source: 'clip', raw: 0.8, z: 12, passed: true },
      { source: 'clap', raw: 0.9, z: 7, passed: true },
      { source: 'text', raw: 0.9, z: 6, passed: true },
    ]);
    expect(explain(item(both), 4.5).summary).toBe(
      'Passed the cut of 4.5 in picture meaning, sound meaning and text meaning.',
    );
  });
});
