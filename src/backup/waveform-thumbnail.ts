// An audio item's thumbnail is its waveform, which Trove draws as an SVG (src/ingest/audio/waveform-image.ts).
// An SVG is a document that can carry script, and a blob: URL of one opened on its own runs that script in
// the app's origin, so an SVG from an export file is never kept: it is read as exactly the picture Trove
// draws (bar heights and nothing else) and drawn again from those numbers.
import {
  WAVEFORM_BARS,
  WAVEFORM_HEIGHT,
  WAVEFORM_MAX_BAR,
  drawWaveformBars,
  waveformBarLeft,
} from '../ingest/audio/waveform-image.ts';

/** A drawn waveform is under 3 KB; anything much larger is not one, and is refused before it is decoded. */
export const MAX_WAVEFORM_BYTES = 16 * 1024;

const BAR_PATH = /M(\d{1,3}) (\d{1,3})h2v(\d{1,3})h-2z/y;

/**
 * The waveform Trove would draw for the picture in `bytes`, or undefined when the bytes are anything other
 * than a waveform Trove drew (another SVG, one with a script or an attribute more, one with other colours).
 */
export function redrawWaveform(bytes: Uint8Array): string | undefined {
  if (bytes.length > MAX_WAVEFORM_BYTES) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const heights = barHeights(text);
  if (!heights) return undefined;
  const redrawn = drawWaveformBars(heights);
  // Only the bars were read; everything else must be exactly what Trove draws around them.
  return redrawn === text ? redrawn : undefined;
}

/** The bar heights in the path of a waveform SVG, by bar; undefined when the path is not made of bars. */
function barHeights(text: string): number[] | undefined {
  const at = text.indexOf(' d="');
  const heights = new Array<number>(WAVEFORM_BARS).fill(0);
  if (at < 0) return heights; // silence: no path at all
  const end = text.indexOf('"', at + 4);
  if (end < 0) return undefined;
  const mid = WAVEFORM_HEIGHT / 2;
  const left = waveformBarLeft(0, WAVEFORM_BARS);
  const step = waveformBarLeft(1, WAVEFORM_BARS) - left;
  let last = -1;
  BAR_PATH.lastIndex = at + 4;
  while (BAR_PATH.lastIndex < end) {
    const m = BAR_PATH.exec(text);
    if (!m) return undefined;
    const [x, y, v] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const i = (x - left) / step;
    const h = mid - y;
    if (!Number.isInteger(i) || i <= last || i >= WAVEFORM_BARS) return undefined;
    if (h < 1 || h > WAVEFORM_MAX_BAR || v !== 2 * h) return undefined;
    heights[i] = h;
    last = i;
  }
  return BAR_PATH.lastIndex === end ? heights : undefined;
}
