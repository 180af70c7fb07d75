// Where an audio result's window lies on its waveform thumbnail, as percentages of the thumbnail's width.
// The waveform spans the whole sound from edge to edge (src/ingest/audio/waveform-image.ts), so time maps
// straight to position.
import type { SegmentRange } from '../../search/results.ts';

/** Narrower than this the mark of a short window in a long recording would vanish. */
const MIN_WIDTH_PERCENT = 2;

export function windowMark(
  range: SegmentRange,
  durationS: number | undefined,
): { left: number; width: number } | null {
  if (range.kind !== 'time' || !durationS || !(durationS > 0)) return null;
  const start = Math.min(1, Math.max(0, range.t0 / durationS));
  const end = Math.min(1, Math.max(start, range.t1 / durationS));
  const width = Math.max(MIN_WIDTH_PERCENT, (end - start) * 100);
  return { left: Math.min(start * 100, 100 - width), width };
}
