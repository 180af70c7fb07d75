// What a thumbnail from an export file may be. The library shows thumbnails through blob: URLs, and such a
// URL opened on its own (as "Open image in new tab" does) is a document of the app's origin, which the CSP
// does not cover: an SVG or HTML there would run its script with access to the whole library. So only
// raster pictures are taken, recognised by their bytes and not by the type the file declares, with a
// picture size read from the header before anything decodes them; the one SVG Trove makes, an audio item's
// waveform, is drawn again from its bar heights (waveform-thumbnail.ts).
import { jpegStoredSize } from '../ingest/image/jpeg-size.ts';
import { MAX_WAVEFORM_BYTES, redrawWaveform } from './waveform-thumbnail.ts';

export const RASTER_THUMBNAIL_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type RasterThumbnailType = (typeof RASTER_THUMBNAIL_TYPES)[number];
export const WAVEFORM_TYPE = 'image/svg+xml';
/** Trove's thumbnails are at most 256 px and tens of KB; these bounds leave room and stop decoder bombs. */
export const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;
export const MAX_THUMBNAIL_SIDE = 4096;

/**
 * Declared types a thumbnail record may name; its bytes are checked when they arrive. No type at all is
 * taken too, and the picture is then typed by its bytes.
 */
export function thumbnailTypeAllowed(type: string): boolean {
  return (
    type === '' || (RASTER_THUMBNAIL_TYPES as readonly string[]).includes(type) || type === WAVEFORM_TYPE
  );
}

/** The largest thumbnail a record may declare, by type. */
export function maxThumbnailBytes(type: string): number {
  return type === WAVEFORM_TYPE ? MAX_WAVEFORM_BYTES : MAX_THUMBNAIL_BYTES;
}

export type ThumbnailCheck =
  | { ok: true; type: RasterThumbnailType | typeof WAVEFORM_TYPE; bytes: Uint8Array }
  /** `why` completes "thumbnail "<id>" …". */
  | { ok: false; why: string };

/** Checks a thumbnail's bytes against its declared type; the bytes to store are in the answer. */
export function checkThumbnailBytes(bytes: Uint8Array, declared: string): ThumbnailCheck {
  if (declared === WAVEFORM_TYPE) {
    const svg = redrawWaveform(bytes);
    if (svg === undefined)
      return {
        ok: false,
        why: 'is an SVG that is not a waveform Trove drew (an SVG can run script, so no other is taken)',
      };
    return { ok: true, type: WAVEFORM_TYPE, bytes: new TextEncoder().encode(svg) };
  }
  if (!thumbnailTypeAllowed(declared))
    return { ok: false, why: `has type "${declared}"; only JPEG, PNG and WebP thumbnails are taken` };
  const found = rasterType(bytes);
  if (!found || (declared && found !== declared))
    return {
      ok: false,
      why: found
        ? `says it is ${declared} but its bytes are ${found}`
        : `says it is ${declared || 'a picture'} but its bytes are not a JPEG, PNG or WebP picture`,
    };
  const size = rasterSize(bytes, found);
  if (!size) return { ok: false, why: `is a ${found} picture whose header gives no size` };
  if (size.width > MAX_THUMBNAIL_SIDE || size.height > MAX_THUMBNAIL_SIDE)
    return {
      ok: false,
      why: `is ${size.width}×${size.height} pixels, more than the ${MAX_THUMBNAIL_SIDE}×${MAX_THUMBNAIL_SIDE} a thumbnail may have`,
    };
  return { ok: true, type: found, bytes };
}

/** The raster type the bytes' signature names, if any. */
export function rasterType(b: Uint8Array): RasterThumbnailType | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'image/png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** The picture size in a raster header, without decoding; undefined when the header does not give one. */
export function rasterSize(
  b: Uint8Array,
  type: RasterThumbnailType,
): { width: number; height: number } | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  if (type === 'image/jpeg') return jpegStoredSize(b);
  if (type === 'image/png') {
    if (b.length < 24 || ascii(b, 12, 16) !== 'IHDR') return undefined;
    return size(view.getUint32(16), view.getUint32(20));
  }
  if (b.length < 30) return undefined;
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8X') return size(1 + uint24(b, 24), 1 + uint24(b, 27));
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return undefined;
    const bits = view.getUint32(21, true);
    return size(1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff));
  }
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return size(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  return undefined;
}

function uint24(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return b.length < to ? '' : String.fromCharCode(...b.subarray(from, to));
}
