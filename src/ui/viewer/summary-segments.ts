// An item's stored segments as the summary reads them (src/answer/context.ts RetrievedSegment): transcript
// spans and text chunks with their text, captions of frames as captions, in the item's order. Segments
// without words (frames, audio windows) say nothing a summary could use.
import type { RetrievedSegment } from '../../answer/context.ts';
import type { ItemRecord, SegmentRecord } from '../../library/records.ts';

export function summarySegments(item: ItemRecord, segments: readonly SegmentRecord[]): RetrievedSegment[] {
  if (item.kind === 'unknown') return [];
  const modality = item.kind;
  return segments
    .filter((s) => s.text?.trim())
    .map((s) => ({
      segmentId: s.id,
      itemId: item.id,
      itemName: item.name,
      modality,
      segmentKind: s.kind,
      t0: s.t0,
      t1: s.t1,
      page: s.page,
      charStart: s.charStart,
      charEnd: s.charEnd,
      ...(s.kind === 'caption' ? { caption: s.text } : { text: s.text }),
      capturedAt: item.capturedAt,
      // Summaries order by time or page, not by score.
      score: 0,
    }));
}
