// The waveform drawn as a stored thumbnail, the same size as a video frame's, so the library grid, the
// results and the viewer show it as they show any other thumbnail. The picture is opaque (a dark panel with
// light bars) so it reads the same in the light and the dark theme.
import type { Thumbnail } from '../item-results.ts';
import type { PeakMeter } from './waveform.ts';

export const WAVEFORM_WIDTH = 160;
export const WAVEFORM_HEIGHT = 120;
const BAR = 2;
const GAP = 1;
const PADDING = 8;
const BACKGROUND = '#1f2530';
const MIDLINE = '#52627a';
const BARS = '#8ccfff';
/**
 * Peaks are scaled so the loudest fills the height, but never by more than 1 / QUIET_FLOOR: a quiet
 * recording still looks quiet, and silence stays a flat line instead of magnified noise.
 */
const QUIET_FLOOR = 0.25;

/** How many bars the picture has; the sound is split into this many equal stretches. */
export const WAVEFORM_BARS = Math.floor((WAVEFORM_WIDTH + GAP) / (BAR + GAP));

export async function waveformThumbnail(meter: Pick<PeakMeter, 'peaks'>): Promise<Thumbnail> {
  const peaks = meter.peaks(WAVEFORM_BARS);
  const canvas = new OffscreenCanvas(WAVEFORM_WIDTH, WAVEFORM_HEIGHT);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas to draw the waveform');
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, WAVEFORM_WIDTH, WAVEFORM_HEIGHT);
  const mid = WAVEFORM_HEIGHT / 2;
  ctx.fillStyle = MIDLINE;
  ctx.fillRect(0, mid - 0.5, WAVEFORM_WIDTH, 1);
  const loudest = peaks.reduce((m, p) => Math.max(m, p), 0);
  const gain = 1 / Math.max(loudest, QUIET_FLOOR);
  const half = mid - PADDING;
  // Centre the bars: the width is rarely a whole number of bar + gap steps.
  const left = Math.floor((WAVEFORM_WIDTH - (WAVEFORM_BARS * (BAR + GAP) - GAP)) / 2);
  ctx.fillStyle = BARS;
  peaks.forEach((peak, i) => {
    const h = Math.min(half, peak * gain * half);
    if (h < 0.5) return;
    ctx.fillRect(left + i * (BAR + GAP), Math.round(mid - h), BAR, Math.max(1, Math.round(2 * h)));
  });
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return { blob, width: WAVEFORM_WIDTH, height: WAVEFORM_HEIGHT };
}
