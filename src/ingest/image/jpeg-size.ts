import type { HeaderSize } from './header-size.ts';

/**
 * A JPEG's stored size (before EXIF orientation) from its frame header, or undefined when the markers do
 * not lead to one. Lets the decoder pick a DCT scale before decoding anything.
 */
export function jpegStoredSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const read = readJpegSize(bytes);
  return read.ok ? read.sizes[0] : undefined;
}

/**
 * The size in a JPEG's frame header (SOFn), the size the decoder allocates, found by walking the marker
 * segments from the start. Bytes between segments are skipped up to the next 0xFF, as libjpeg does, so a
 * file the browser decodes is not refused for them.
 */
export function readJpegSize(bytes: Uint8Array): HeaderSize {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8)
    return { ok: false, problem: 'invalid', detail: 'no JPEG start' };
  let i = 2;
  while (i + 1 < bytes.length) {
    if (bytes[i] !== 0xff) {
      i++; // stray data between segments
      continue;
    }
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2; // markers without a length (and a stuffed zero)
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      // End of image, or scan data before any frame header.
      return { ok: false, problem: 'invalid', detail: 'the JPEG has no frame header before its data' };
    }
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > bytes.length) break;
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      // Height 0 means "given later, in a DNL marker": a size this reader cannot vouch for.
      if (width === 0 || height === 0)
        return { ok: false, problem: 'invalid', detail: `the JPEG frame header says ${width}×${height}` };
      return { ok: true, sizes: [{ width, height }] };
    }
    if (i + 4 > bytes.length) break;
    i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  return { ok: false, problem: 'truncated', detail: 'the JPEG ends before its frame header' };
}
