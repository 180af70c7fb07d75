// The whole image decoded upright, as small as the caller's drawing allows. WebCodecs' ImageDecoder is used
// where the browser has it for the format: it decodes the bytes already in memory (createImageBitmap takes
// a Blob, which is copied into the browser's blob storage and read back), and it decodes a JPEG at n/8
// scale inside the DCT, a fraction of the work of a full decode scaled down afterwards (a 640×480 photo:
// 2.4 against 5.5 ms of CPU on this project's machine). createImageBitmap stays as the fallback.
import type { MediaFormat } from '../detect-type.ts';
import { jpegStoredSize } from './jpeg-size.ts';

export interface UprightImage {
  /** Drawn upright by drawImage (EXIF orientation applied); may be smaller than the image. */
  source: ImageBitmap | VideoFrame;
  /** The image's size as displayed, after EXIF orientation. */
  width: number;
  height: number;
  close(): void;
}

/** The least the caller draws from the source: its sides are kept at least this long (or the image's). */
export interface DecodeNeeds {
  shortest: number;
  longest: number;
}

/**
 * Decodes the first frame of an image upright, from the whole file's bytes or from the file itself (one too
 * large to read whole, which createImageBitmap decodes). Throws the browser's error when neither way
 * decodes it.
 */
export async function decodeUpright(
  data: Uint8Array<ArrayBuffer> | Blob,
  format: MediaFormat,
  needs: DecodeNeeds,
): Promise<UprightImage> {
  const bytes = data instanceof Blob ? undefined : data;
  if (bytes && (await webCodecsDecodes(format))) {
    try {
      return await decodeWithWebCodecs(bytes, format, needs);
    } catch {
      // Decoders differ in what they tolerate; createImageBitmap gets the last word on a file.
    }
  }
  // 'from-image' honours EXIF orientation; for GIF and animated WebP/AVIF this gives the first frame.
  const file = data instanceof Blob ? data : new Blob([data], { type: `image/${format}` });
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
}

const support = new Map<MediaFormat, Promise<boolean>>();

function webCodecsDecodes(format: MediaFormat): Promise<boolean> {
  // Without VideoFrame.rotation, a browser's ImageDecoder ignores EXIF orientation.
  if (typeof ImageDecoder === 'undefined' || !('rotation' in VideoFrame.prototype))
    return Promise.resolve(false);
  let supported = support.get(format);
  if (!supported) {
    supported = ImageDecoder.isTypeSupported(`image/${format}`).catch(() => false);
    support.set(format, supported);
  }
  return supported;
}

async function decodeWithWebCodecs(
  bytes: Uint8Array,
  format: MediaFormat,
  needs: DecodeNeeds,
): Promise<UprightImage> {
  const stored = format === 'jpeg' ? jpegStoredSize(bytes) : undefined;
  const eighths = stored ? dctEighths(stored, needs) : 8;
  const init: ImageDecoderInit = { data: bytes, type: `image/${format}` };
  if (stored && eighths < 8) {
    // Chromium picks the largest n/8 whose area fits the desired area, so ask for exactly n/8's size.
    init.desiredWidth = Math.ceil((stored.width * eighths) / 8);
    init.desiredHeight = Math.ceil((stored.height * eighths) / 8);
  }
  const decoder = new ImageDecoder(init);
  try {
    const { image } = await decoder.decode({ frameIndex: 0 });
    const rotation = (image as VideoFrame & { rotation?: number }).rotation ?? 0;
    const quarterTurn = rotation === 90 || rotation === 270;
    const width = stored ? (quarterTurn ? stored.height : stored.width) : image.displayWidth;
    const height = stored ? (quarterTurn ? stored.width : stored.height) : image.displayHeight;
    return { source: image, width, height, close: () => image.close() };
  } finally {
    decoder.close();
  }
}

/** The smallest n (of n/8) that keeps both sides at least as long as the caller draws them. */
export function dctEighths(stored: { width: number; height: number }, needs: DecodeNeeds): number {
  const shortest = Math.min(stored.width, stored.height);
  const longest = Math.max(stored.width, stored.height);
  const wantShortest = Math.min(needs.shortest, shortest);
  const wantLongest = Math.min(needs.longest, longest);
  for (let n = 1; n < 8; n++) {
    if (Math.ceil((shortest * n) / 8) >= wantShortest && Math.ceil((longest * n) / 8) >= wantLongest)
      return n;
  }
  return 8;
}
