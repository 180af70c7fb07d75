// An image's size as its header states it, read from the first bytes without decoding anything, so a
// decoder is never asked for more pixels than Trove allows (pixel-limit.ts). Each reader returns the sizes
// the browser's decoder would allocate for the first frame: PNG's IHDR, the GIF's screen grown to its first
// frame, the WebP canvas or frame header, every AVIF image size (ispe) and sequence frame size, and JPEG's
// frame header (jpeg-size.ts).
//
// Written here rather than taken from the image-size package: for a limit, the largest size a file
// declares is what counts, where image-size (built to describe honest files) returns the first AVIF ispe
// (a grid's tiles can come before the grid) and a GIF's screen without its first frame; it also throws or
// reads past the end on cut or lying headers. These readers never throw, and say why when they cannot tell.
import type { MediaFormat } from '../detect-type.ts';
import { readJpegSize } from './jpeg-size.ts';

export interface PixelSize {
  width: number;
  height: number;
}

export type HeaderSize =
  { ok: true; sizes: PixelSize[] } | { ok: false; problem: 'truncated' | 'invalid'; detail: string };

/** The first bytes to read from a file too large to read whole; every header here fits well within. */
export const HEADER_BYTES = 4 * 1024 * 1024;

/** The sizes the header of an image in `format` declares (content detection found the format). */
export function readHeaderSize(bytes: Uint8Array, format: MediaFormat): HeaderSize {
  switch (format) {
    case 'png':
      return readPngSize(bytes);
    case 'gif':
      return readGifSize(bytes);
    case 'webp':
      return readWebpSize(bytes);
    case 'avif':
      return readAvifSize(bytes);
    case 'jpeg':
      return readJpegSize(bytes);
    default:
      return { ok: false, problem: 'invalid', detail: `${format} is not an image format` };
  }
}

const truncated = (detail: string): HeaderSize => ({ ok: false, problem: 'truncated', detail });
const invalid = (detail: string): HeaderSize => ({ ok: false, problem: 'invalid', detail });

function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length));
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** PNG: the IHDR chunk, which must come first, holds width and height (each 1 to 2^31 - 1). */
export function readPngSize(b: Uint8Array): HeaderSize {
  if (ascii(b, 1, 3) !== 'PNG') return invalid('not a PNG file');
  if (b.length < 24) return truncated('the PNG ends before its IHDR chunk');
  if (ascii(b, 12, 4) !== 'IHDR') return invalid('the PNG does not start with an IHDR chunk');
  const width = view(b).getUint32(16);
  const height = view(b).getUint32(20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    return invalid(`the PNG header says ${width}×${height}`);
  return { ok: true, sizes: [{ width, height }] };
}

/**
 * GIF: the logical screen, grown to cover the first frame (browsers' decoders make the canvas that large
 * when the first frame does not fit the screen). Extensions before the frame are skipped block by block.
 */
export function readGifSize(b: Uint8Array): HeaderSize {
  if (b.length < 13) return truncated('the GIF ends before its screen descriptor');
  const v = view(b);
  let width = v.getUint16(6, true);
  let height = v.getUint16(8, true);
  const packed = b[10]!;
  let i = 13 + (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);
  while (i < b.length) {
    const block = b[i]!;
    if (block === 0x2c) {
      if (i + 9 > b.length) break;
      const left = v.getUint16(i + 1, true);
      const top = v.getUint16(i + 3, true);
      width = Math.max(width, left + v.getUint16(i + 5, true));
      height = Math.max(height, top + v.getUint16(i + 7, true));
      if (width === 0 || height === 0) return invalid(`the GIF's first frame is ${width}×${height}`);
      return { ok: true, sizes: [{ width, height }] };
    }
    if (block === 0x21) {
      // Extension: a label, then data sub-blocks (a length byte each) up to an empty one.
      i += 2;
      while (i < b.length && b[i] !== 0) i += 1 + b[i]!;
      i++;
      continue;
    }
    if (block === 0x3b) return invalid('the GIF ends (trailer) before any frame');
    return invalid(`the GIF has an unknown block (0x${block.toString(16)}) before its first frame`);
  }
  return truncated('the GIF ends before its first frame');
}

/**
 * WebP: the canvas of an extended file (VP8X), which every frame must fit, or the frame header of a simple
 * lossy (VP8) or lossless (VP8L) file.
 */
export function readWebpSize(b: Uint8Array): HeaderSize {
  if (b.length < 16) return truncated('the WebP ends before its first chunk');
  if (ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return invalid('not a RIFF WEBP file');
  const chunk = ascii(b, 12, 4);
  const v = view(b);
  if (chunk === 'VP8X') {
    if (b.length < 30) return truncated('the WebP ends in its VP8X chunk');
    const width = 1 + (v.getUint16(24, true) | (b[26]! << 16));
    const height = 1 + (v.getUint16(27, true) | (b[29]! << 16));
    return { ok: true, sizes: [{ width, height }] };
  }
  if (chunk === 'VP8 ') {
    if (b.length < 30) return truncated('the WebP ends in its VP8 frame header');
    // A key frame (bit 0 of the frame tag clear) starts with the code 9D 01 2A, then 14-bit sizes.
    if ((b[20]! & 1) !== 0 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a)
      return invalid('the WebP VP8 data does not start with a key frame');
    const width = v.getUint16(26, true) & 0x3fff;
    const height = v.getUint16(28, true) & 0x3fff;
    if (width === 0 || height === 0) return invalid(`the WebP VP8 header says ${width}×${height}`);
    return { ok: true, sizes: [{ width, height }] };
  }
  if (chunk === 'VP8L') {
    if (b.length < 25) return truncated('the WebP ends in its VP8L header');
    if (b[20] !== 0x2f) return invalid('the WebP VP8L data has no signature');
    const bits = v.getUint32(21, true);
    return { ok: true, sizes: [{ width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) }] };
  }
  return invalid(`the WebP's first chunk is "${chunk}", not VP8X, VP8 or VP8L`);
}

/** Boxes whose children are read, with the bytes before their first child (full-box fields, a count). */
const containers = new Map([
  ['meta', 4],
  ['iprp', 0],
  ['ipco', 0],
  ['moov', 0],
  ['trak', 0],
  ['mdia', 0],
  ['minf', 0],
  ['stbl', 0],
  ['stsd', 8],
]);
/** Files nest these boxes five deep at most; a file nesting them deeper is not read further. */
const maxDepth = 8;

/**
 * AVIF: the size of every image item (its ispe property) and of every AV1 sequence track's frames (its
 * av01 sample entry). A grid image's tiles and the grid itself each have one, so all of them count. Boxes
 * are walked by their stated sizes, each once.
 */
export function readAvifSize(b: Uint8Array): HeaderSize {
  const v = view(b);
  const sizes: PixelSize[] = [];
  let cut = false;
  const walk = (start: number, end: number, depth: number): boolean => {
    let i = start;
    while (i + 8 <= end) {
      let size = v.getUint32(i);
      const type = ascii(b, i + 4, 4);
      let header = 8;
      if (size === 1) {
        if (i + 16 > end) break;
        const large = v.getBigUint64(i + 8);
        size = large > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(large);
        header = 16;
      } else if (size === 0) {
        size = b.length - i; // to the end of the file
      }
      if (size < header) return false;
      const boxEnd = i + size;
      if (boxEnd > b.length) cut = true;
      const skip = containers.get(type);
      if (type === 'ispe' && boxEnd <= b.length && size >= 20) {
        sizes.push({ width: v.getUint32(i + 12), height: v.getUint32(i + 16) });
      } else if (type === 'av01' && boxEnd <= b.length && size >= 36) {
        sizes.push({ width: v.getUint16(i + 32), height: v.getUint16(i + 34) });
      } else if (skip !== undefined && depth < maxDepth) {
        if (!walk(i + header + skip, Math.min(boxEnd, b.length), depth + 1)) return false;
      }
      i = boxEnd;
    }
    // A box header cut off by the end of the bytes.
    if (i < end) cut = true;
    return true;
  };
  if (b.length < 12) return truncated('the AVIF ends before its ftyp box');
  if (ascii(b, 4, 4) !== 'ftyp') return invalid('the AVIF does not start with an ftyp box');
  if (!walk(0, b.length, 0)) return invalid('the AVIF has a box smaller than its own header');
  if (sizes.some((s) => s.width === 0 || s.height === 0))
    return invalid('the AVIF declares an image with no pixels');
  if (sizes.length > 0) return { ok: true, sizes };
  return cut
    ? truncated('the AVIF ends before the size of its image (ispe)')
    : invalid('the AVIF states no image size (ispe)');
}
