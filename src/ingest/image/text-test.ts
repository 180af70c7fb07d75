// A cheap test for text in a picture, run on pixels ingest has already decoded (the image encoder's small
// copy, a video frame's BMP), so that reading text (OCR, a generative model run per picture) is spent only
// on pictures that may hold some. Text is dense in strong, short edges: every stroke of every letter is a
// step from ink to paper and back. A picture is split into tiles of about a letter's height; if some tile
// has at least TEXT_TILE_DENSITY of its pixels on a strong edge, the picture may hold text. The outline of
// a shape, a horizon or a blurred photo puts one edge pixel per row across a tile (a few %); a line of
// letters puts several. Busy textures (gravel, leaves) pass too: that costs an OCR run that reads nothing,
// never a missed sign. The figures measured on the fixtures are in the README ("What each pass costs").

/** Side of a tile, in pixels of a picture whose shorter side is about 224. */
export const TEXT_TILE = 28;
/** A strong edge: a step of this much in grey level (0..255) to the right or downward neighbour. */
export const EDGE_STEP = 64;
/** A tile this dense in strong edges may be text. */
export const TEXT_TILE_DENSITY = 0.1;

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
  /** The densest tile's share of strong-edge pixels, 0..1. */
  densest: number;
  mayHaveText: boolean;
}

/**
 * The densest tile's share of strong edges. Grey is (R + 2G + B) / 4, the same for RGB and BGR, so a BMP's
 * byte order needs no care; row order does not matter either (a bottom-up BMP is the picture upside down).
 */
export function textEvidence(view: PixelView): TextEvidence {
  const { data, width, height, channels } = view;
  const stride = view.rowStride ?? width * channels;
  const offset = view.offset ?? 0;
  if (width < 2 || height < 2) return { densest: 0, mayHaveText: false };
  const tilesX = Math.ceil(width / TEXT_TILE);
  const tilesY = Math.ceil(height / TEXT_TILE);
  const edges = new Uint32Array(tilesX * tilesY);
  const grey = (x: number, y: number) => {
    const i = offset + y * stride + x * channels;
    return (data[i]! + 2 * data[i + 1]! + data[i + 2]!) >> 2;
  };
  let row = new Uint8Array(width);
  let next = new Uint8Array(width);
  for (let x = 0; x < width; x++) row[x] = grey(x, 0);
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width; x++) next[x] = grey(x, y + 1);
    const tileRow = Math.floor(y / TEXT_TILE) * tilesX;
    for (let x = 0; x < width - 1; x++) {
      const g = row[x]!;
      if (Math.abs(row[x + 1]! - g) >= EDGE_STEP || Math.abs(next[x]! - g) >= EDGE_STEP)
        edges[tileRow + Math.floor(x / TEXT_TILE)]!++;
    }
    [row, next] = [next, row];
  }
  let densest = 0;
  for (let ty = 0; ty < tilesY; ty++)
    for (let tx = 0; tx < tilesX; tx++) {
      // Tiles at the right and bottom edges may be partial; a sliver under half a tile is not judged.
      const w = Math.min(TEXT_TILE, width - 1 - tx * TEXT_TILE);
      const h = Math.min(TEXT_TILE, height - 1 - ty * TEXT_TILE);
      if (w < TEXT_TILE / 2 || h < TEXT_TILE / 2) continue;
      densest = Math.max(densest, edges[ty * tilesX + tx]! / (w * h));
    }
  return { densest, mayHaveText: densest >= TEXT_TILE_DENSITY };
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
