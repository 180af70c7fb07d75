// What a result says about where it matched, in words: its accessible name and its visible time or page.
// The name always starts with the file name, and time-based media add their moment as m:ss, which the
// accessibility contract (and the e2e tests) rely on.
import type { SegmentRange } from '../../search/results.ts';
import { formatTime, formatTimeRange } from '../common/format-time.ts';

interface Labelled {
  item: { name: string; media?: { pageCount?: number } };
  modality: string;
  best: { range: SegmentRange; segment: { kind: string } };
  /** Shown below the cut ("Show closest anyway"). */
  weak?: boolean;
}

/**
 * "0:04" for a frame, "0:02–0:04" for a window or transcript span, "page 2" for a passage of a document with
 * more than one page; null otherwise.
 */
export function resultWhere(range: SegmentRange, pageCount?: number): string | null {
  if (range.kind === 'time')
    return range.t1 > range.t0 ? formatTimeRange(range.t0, range.t1) : formatTime(range.t0);
  if (range.kind === 'text' && range.page !== undefined && pageCount !== 1) return `page ${range.page}`;
  return null;
}

export function resultLabel(result: Labelled): string {
  const where = resultWhere(result.best.range, result.item.media?.pageCount);
  const what = result.best.segment.kind === 'transcript' ? `${result.modality}, spoken` : result.modality;
  const label = !where
    ? `${result.item.name}, ${what}`
    : result.best.range.kind === 'time'
      ? `${result.item.name}, ${what} at ${where}`
      : `${result.item.name}, ${what}, ${where}`;
  return result.weak ? `${label}, weak match` : label;
}
