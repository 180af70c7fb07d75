// The most pixels Trove lets a browser decode for one image, checked against the header's size before
// decoding. A PNG of 1.2 MB stating 20000×20000 was decoded whole: 19.6 s and about 1.6 GB, two at a time
// (issue 21). Trove needs at most a few hundred pixels a side of any image, so the limits only keep out
// what no camera makes and what no browser canvas could hold.
import { MediaDecodeError } from '../media-error.ts';
import type { MediaFormat } from '../detect-type.ts';
import { HEADER_BYTES, readHeaderSize, type PixelSize } from './header-size.ts';

export interface PixelLimits {
  /** Width × height, per image (default 100 megapixels: 400 MB decoded, a 12 000 × 8 300 photo). */
  maxPixels: number;
  /** Either side (default 32 767, the longest side a Chromium canvas takes). */
  maxSide: number;
}

export const DEFAULT_PIXEL_LIMITS: PixelLimits = { maxPixels: 100_000_000, maxSide: 32_767 };

/**
 * Refuses an image before it is decoded: 'too-large' over the limits, 'truncated' when the file ends
 * before its size, 'corrupt-data' when its header states no usable size. `data` is the whole file's
 * bytes, or the file (of which only the head is read).
 */
export async function checkPixelLimits(
  data: Uint8Array | Blob,
  format: MediaFormat,
  limits: PixelLimits = DEFAULT_PIXEL_LIMITS,
): Promise<void> {
  const head = data instanceof Blob ? new Uint8Array(await data.slice(0, HEADER_BYTES).arrayBuffer()) : data;
  const read = readHeaderSize(head, format);
  if (!read.ok) {
    throw new MediaDecodeError(
      read.problem === 'truncated' ? 'truncated' : 'corrupt-data',
      `Trove could not read the image's size, so it did not decode it: ${read.detail}`,
    );
  }
  for (const size of read.sizes) {
    const refusal = overLimits(size, limits);
    if (refusal) throw new MediaDecodeError('too-large', refusal);
  }
}

/** Why a size is over the limits, for the user; null when it is within them. */
export function overLimits(
  { width, height }: PixelSize,
  limits: PixelLimits = DEFAULT_PIXEL_LIMITS,
): string | null {
  const stated = `The image is ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels`;
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return `${stated} (${megapixels(pixels)} megapixels); Trove takes images up to ${megapixels(limits.maxPixels)} megapixels`;
  }
  if (Math.max(width, height) > limits.maxSide) {
    return `${stated}; Trove takes images up to ${limits.maxSide.toLocaleString('en')} pixels on a side`;
  }
  return null;
}

function megapixels(pixels: number): string {
  const mp = pixels / 1e6;
  return mp >= 10 ? Math.round(mp).toLocaleString('en') : mp.toFixed(1);
}
