// The waveform drawn as a stored thumbnail, the same size as a video frame's, so the library grid, the
// results and the viewer show it as they show any other thumbnail. The picture is opaque (a dark panel with
// light bars) so it reads the same in the light and the dark theme.
//
// It is an SVG, written as text: no canvas is involved, because a page canvas's convertToBlob waits for the
// page to be idle (and never finished in a hidden test frame), and the bars are just rectangles.
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

/** The waveform of `peaks` (one per bar) as an SVG document. */
export function waveformSvg(peaks: ArrayLike<number>): string {
  return drawWaveformBars(waveformBarHeights(peaks));
}

/** Each bar's half-height in pixels (0 draws no bar), for peaks scaled as QUIET_FLOOR says. */
export function waveformBarHeights(peaks: ArrayLike<number>): number[] {
  const half = WAVEFORM_HEIGHT / 2 - PADDING;
  let loudest = 0;
  for (let i = 0; i < peaks.length; i++) loudest = Math.max(loudest, peaks[i]!);
  const gain = 1 / Math.max(loudest, QUIET_FLOOR);
  return Array.from({ length: peaks.length }, (_, i) => Math.round(Math.min(half, peaks[i]! * gain * half)));
}

/** Where bar `i` of `count` starts; the bars are centred, the width is rarely a whole number of steps. */
export function waveformBarLeft(i: number, count: number): number {
  return Math.floor((WAVEFORM_WIDTH - (count * (BAR + GAP) - GAP)) / 2) + i * (BAR + GAP);
}

/** The tallest bar, in pixels from the middle line. */
export const WAVEFORM_MAX_BAR = WAVEFORM_HEIGHT / 2 - PADDING;

/**
 * The SVG of bars with these half-heights (see waveformBarHeights). Its text is built from numbers only,
 * so an import can rebuild a waveform from the heights it read and never keep the bytes it was given.
 */
export function drawWaveformBars(heights: ArrayLike<number>): string {
  const mid = WAVEFORM_HEIGHT / 2;
  const bars: string[] = [];
  for (let i = 0; i < heights.length; i++) {
    const h = Math.min(WAVEFORM_MAX_BAR, Math.max(0, Math.round(heights[i]!)));
    if (h < 1) continue;
    bars.push(`M${waveformBarLeft(i, heights.length)} ${mid - h}h${BAR}v${2 * h}h-${BAR}z`);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WAVEFORM_WIDTH}" height="${WAVEFORM_HEIGHT}" ` +
    `viewBox="0 0 ${WAVEFORM_WIDTH} ${WAVEFORM_HEIGHT}" preserveAspectRatio="none">` +
    `<rect width="${WAVEFORM_WIDTH}" height="${WAVEFORM_HEIGHT}" fill="${BACKGROUND}"/>` +
    `<rect y="${mid - 1}" width="${WAVEFORM_WIDTH}" height="2" fill="${MIDLINE}"/>` +
    (bars.length ? `<path fill="${BARS}" d="${bars.join('')}"/>` : '') +
    `</svg>`
  );
}

export function waveformThumbnail(meter: Pick<PeakMeter, 'peaks'>): Thumbnail {
  const svg = waveformSvg(meter.peaks(WAVEFORM_BARS));
  return {
    blob: new Blob([svg], { type: 'image/svg+xml' }),
    width: WAVEFORM_WIDTH,
    height: WAVEFORM_HEIGHT,
  };
}
