// What "Summarize" reads from an item's stored segments: words only (transcripts, text, frame captions),
// with captions passed as captions and times and pages kept for the citations.
import { describe, expect, it } from 'vitest';
import { summarySegments } from '../../src/ui/viewer/summary-segments';
import type { ItemRecord, SegmentRecord } from '../../src/library/records';

const video = { id: 'v', name: 'timeline.mp4', kind: 'video', capturedAt: 5 } as ItemRecord;
const seg = (s: Partial<SegmentRecord> & Pick<SegmentRecord, 'id' | 'kind'>): SegmentRecord => ({
  itemId: 'v',
  spaces: [],
  ...s,
});

describe('summarySegments', () => {
  it('keeps transcript spans and captions with their times, and drops segments without words', () => {
    const out = summarySegments(video, [
      seg({ id: 'f0', kind: 'frame', t0: 0, t1: 0 }),
      seg({ id: 'c0', kind: 'caption', t0: 0, t1: 1, text: 'The image is mostly red.' }),
      seg({ id: 'w0', kind: 'audio-window', t0: 0, t1: 5 }),
      seg({ id: 't0', kind: 'transcript', t0: 2, t1: 4.5, text: 'The plumber said the valve leaks.' }),
      seg({ id: 't1', kind: 'transcript', t0: 5, t1: 6, text: '  ' }),
    ]);
    expect(out.map((s) => s.segmentId)).toEqual(['c0', 't0']);
    expect(out[0]).toMatchObject({
      segmentKind: 'caption',
      caption: 'The image is mostly red.',
      modality: 'video',
      itemName: 'timeline.mp4',
      t0: 0,
      t1: 1,
    });
    expect(out[0]!.text).toBeUndefined();
    expect(out[1]).toMatchObject({
      segmentKind: 'transcript',
      text: 'The plumber said the valve leaks.',
      t0: 2,
    });
    expect(out[1]!.caption).toBeUndefined();
  });

  it('keeps a document chunk page', () => {
    const doc = { id: 'd', name: 'bread.pdf', kind: 'text' } as ItemRecord;
    const [chunk] = summarySegments(doc, [
      seg({ id: 'p2', kind: 'text-chunk', page: 2, text: 'Add sugar.' }),
    ]);
    expect(chunk).toMatchObject({ page: 2, modality: 'text', text: 'Add sugar.' });
  });
});
