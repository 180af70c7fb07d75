// A cheap test for text in a picture, run on pixels ingest has already decoded (the image encoder's small
// copy, a video frame's BMP), so that reading text (OCR, a generative model run per picture) is spent only
// on pictures that may hold some. Text alternates: along a row through a line of letters, every stroke
// crosses from paper to ink and back. A picture is split into tiles of about a letter's height; in each
// tile with enough contrast, rows are binarised at the tile's mid-grey and their crossings counted. The
// outline of a shape, a horizon or a blurred edge crosses a row once or twice; letters, several times. Busy
// textures (gravel, leaves, stripes) pass too: that costs an OCR run that reads nothing, never a missed
// sign. The figures measured on the fixtures are in the README ("What each pass costs").

/** Side of a tile, in pixels of a picture whose shorter side is about 224. */
export const TEXT_TILE = 28;
/** A tile whose grey levels (0..255) span less than this has no legible text. */
export const MIN_CONTRAST = 64;
/** A tile with this many crossings per row, on average, may be text. */
export const TEXT_CROSSINGS_PER_ROW = 2.5;

export interface PixelView {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** Bytes per pixel (3 for RGB or BGR, 4 for RGBA). */
  channels: number;
  /** Bytes per row (rows of a BMP are padded to 4 bytes); default width × channels. */
  rowStride?: number;
  /** Where the first row starts (a BMP's pixel offset); default 0. */
  offset?: number;
}

export interface TextEvidence {
  /** The busiest tile's crossings per row. */
  densest: number;
  mayHaveText: boolean;
}

/**
 * The busiest tile's crossings per row. Grey is (R + 2G + B) / 4, the same for RGB and BGR, so a BMP's
 * byte order needs no care; row order does not matter either (a bottom-up BMP is the picture upside down).
 */
export function textEvidence(view: PixelView): TextEvidence {
  const { data, width, height, channels } = view;
  const stride = view.rowStride ?? width * channels;
  const offset = view.offset ?? 0;
  if (width < TEXT_TILE / 2 || height < TEXT_TILE / 2) return { densest: 0, mayHaveText: false };
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = offset + y * stride;
    for (let x = 0; x < width; x++) {
      const i = row + x * channels;
      grey[y * width + x] = (data[i]! + 2 * data[i + 1]! + data[i + 2]!) >> 2;
    }
  }
  let densest = 0;
  for (let ty = 0; ty * TEXT_TILE < height; ty++) {
    for (let tx = 0; tx * TEXT_TILE < width; tx++) {
      const x0 = tx * TEXT_TILE;
      const y0 = ty * TEXT_TILE;
      const x1 = Math.min(width, x0 + TEXT_TILE);
      const y1 = Math.min(height, y0 + TEXT_TILE);
      // A sliver under half a tile at the right or bottom edge is not judged.
      if (x1 - x0 < TEXT_TILE / 2 || y1 - y0 < TEXT_TILE / 2) continue;
      let lo = 255;
      let hi = 0;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) {
          const g = grey[y * width + x]!;
          if (g < lo) lo = g;
          if (g > hi) hi = g;
        }
      if (hi - lo < MIN_CONTRAST) continue;
      const mid = (lo + hi) >> 1;
      let crossings = 0;
      for (let y = y0; y < y1; y++) {
        let dark = grey[y * width + x0]! < mid;
        for (let x = x0 + 1; x < x1; x++) {
          const now = grey[y * width + x]! < mid;
          if (now !== dark) crossings++;
          dark = now;
        }
      }
      densest = Math.max(densest, crossings / (y1 - y0));
    }
  }
  return { densest, mayHaveText: densest >= TEXT_CROSSINGS_PER_ROW };
}

/** The pixels of an uncompressed 24- or 32-bit BMP (ffmpeg's frame files), for textEvidence. */
export function bmpPixels(bytes: Uint8Array): PixelView | null {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint32(10, true);
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if ((bits !== 24 && bits !== 32) || (compression !== 0 && compression !== 3) || width <= 0) return null;
  const channels = bits / 8;
  const rowStride = Math.ceil((width * channels) / 4) * 4;
  if (offset + rowStride * height > bytes.length) return null;
  return { data: bytes, width, height, channels, rowStride, offset };
}
