// What the viewer dialog shows: one item, opened at a matched moment or passage (from a result) or from its
// start (from the library), with the item's other matched moments for the timeline.
import type { ItemRecord } from '../../library/records.ts';
import type { ItemResult, SegmentRange } from '../../search/results.ts';
import type { Snippet } from '../../search/snippet.ts';

export interface ViewTarget {
  item: ItemRecord;
  /** Where to open: a time, a passage, or the whole item. */
  at: SegmentRange;
  /** Every matched moment or passage of the item, best first (empty when opened from the library). */
  moments: SegmentRange[];
  /** The best segment's text with its marked words (transcripts and passages). */
  snippet?: Snippet;
  segmentText?: string;
}

export function targetOfResult(result: ItemResult): ViewTarget {
  return {
    item: result.item,
    at: result.best.range,
    moments: [result.best, ...result.others].map((s) => s.range),
    snippet: result.best.snippet,
    segmentText: result.best.segment.text,
  };
}

export function targetOfItem(item: ItemRecord): ViewTarget {
  return { item, at: { kind: 'whole' }, moments: [] };
}

export class ViewerState {
  target = $state.raw<ViewTarget | null>(null);
  /** The element to give focus back to when the viewer closes. */
  private opener: HTMLElement | null = null;

  open(target: ViewTarget): void {
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.target = target;
  }

  close(): void {
    this.target = null;
    const opener = this.opener;
    this.opener = null;
    if (opener?.isConnected) queueMicrotask(() => opener.focus());
  }
}
