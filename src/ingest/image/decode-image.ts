// Image decoding for ingestion: upright (EXIF orientation applied), first frame of animations, a small
// image for the encoder, a thumbnail, and the capture date. Works on the page and in workers.
import exifr from 'exifr';
import { MediaDecodeError } from '../media-error.ts';
import type { MediaFormat } from '../detect-type.ts';
import { canvasOfSize } from './canvas-cache.ts';
import { decodeUpright, type UprightImage } from './decode-upright.ts';
import { checkPixelLimits } from './pixel-limit.ts';
import type { Coordinates } from '../places/gazetteer.ts';
import { textEvidence } from './text-test.ts';

export interface DecodedImage {
  /** Size as displayed, after EXIF orientation. */
  width: number;
  height: number;
  /** The image for the image encoder: shortest side `encoderSize` (never enlarged), lossless PNG. */
  forEncoder: Blob;
  thumbnail: { blob: Blob; width: number; height: number };
  /** EXIF DateTimeOriginal (or CreateDate) in ms since the epoch, read as local time as cameras write it. */
  capturedAt?: number;
  /** EXIF GPS position, in degrees (south and west negative), when the file has one. */
  gps?: Coordinates;
}

/** Files up to this size are read into memory once; larger ones are read in parts. */
const wholeReadBytes = 64 * 1024 * 1024;

export interface ImageOptions {
  encoderSize?: number;
  thumbSize?: number;
  /** Run the cheap text test (text-test.ts) on the encoder's pixels; only worth it when text is read. */
  textTest?: boolean;
}

/**
 * Decodes an image whose format content detection found. A file cut short is reported as 'truncated' even
 * where the browser would show the part it has, since a half-grey photo is worse than a clear error; one
 * whose header states more pixels than pixel-limit.ts allows is refused as 'too-large' without decoding.
 */
export async function decodeImage(
  file: Blob | ArrayBuffer,
  format: MediaFormat,
  options: ImageOptions = {},
): Promise<DecodedImage> {
  return withUpright(
    file,
    format,
    options,
    async (source, size) => (await resized(source, size, 'image/png')).blob,
  );
}

/** An image decoded for ingest: like decodeImage, but the encoder image is a bitmap (no PNG round trip). */
export interface DecodedImageBitmap extends Omit<DecodedImage, 'forEncoder'> {
  /** Upright, shortest side `encoderSize` (never enlarged). The caller closes it. */
  forEncoder: ImageBitmap;
  /**
   * The cheap text test's verdict on the encoder's pixels (text-test.ts): false skips reading text.
   * Undefined when the test was not asked for (options.textTest).
   */
  mayHaveText?: boolean;
}

/**
 * decodeImage for the ingest pipeline: the image encoder gets pixels, so nothing is PNG-encoded here and
 * decoded again in the encoder's worker. Runs on the page or in a worker (see workers/image.worker.ts).
 */
export async function decodeImageBitmap(
  file: Blob | ArrayBuffer,
  format: MediaFormat,
  options: ImageOptions = {},
): Promise<DecodedImageBitmap> {
  let mayHaveText: boolean | undefined;
  const decoded = await withUpright(file, format, options, (source, size) => {
    const ctx = canvasOfSize(size.width, size.height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, size.width, size.height);
    if (options.textTest) {
      const { data, width, height } = ctx.getImageData(0, 0, size.width, size.height);
      mayHaveText = textEvidence({ data, width, height, channels: 4 }).mayHaveText;
    }
    return ctx.canvas.transferToImageBitmap();
  });
  return mayHaveText === undefined ? decoded : { ...decoded, mayHaveText };
}

/**
 * Decodes the image upright and makes the encoder image, the thumbnail and the capture date from it. The
 * file is read once (up to `wholeReadBytes`): the end-marker check and the EXIF parse use those bytes.
 */
async function withUpright<E extends Blob | ImageBitmap>(
  file: Blob | ArrayBuffer,
  format: MediaFormat,
  options: ImageOptions,
  encoderImage: (source: CanvasImageSource, size: { width: number; height: number }) => E | Promise<E>,
): Promise<{
  width: number;
  height: number;
  forEncoder: E;
  thumbnail: DecodedImage['thumbnail'];
  capturedAt?: number;
  gps?: Coordinates;
}> {
  const { encoderSize = 224, thumbSize = 256 } = options;
  // The bytes, or the file where it is too large to read whole.
  const data =
    file instanceof ArrayBuffer
      ? new Uint8Array(file)
      : file.size <= wholeReadBytes
        ? new Uint8Array(await file.arrayBuffer())
        : file;
  // Before any decoder sees the file: a header can state far more pixels than the file holds.
  await checkPixelLimits(data, format);
  const missing = await missingEnd(data, format);
  if (missing) throw new MediaDecodeError('truncated', `The image is cut short: ${missing}`);
  let image: UprightImage;
  try {
    image = await decodeUpright(data, format, { shortest: encoderSize, longest: thumbSize });
  } catch (error) {
    const unsupported = format === 'avif' ? ' (this browser may not decode AVIF)' : '';
    throw new MediaDecodeError(
      'corrupt-data',
      `The image could not be decoded${unsupported}: ${(error as Error).message}`,
    );
  }
  try {
    const { width, height } = image;
    if (width === 0 || height === 0) throw new MediaDecodeError('corrupt-data', 'The image has no pixels');
    const thumbSizeFor = scaleToLongest(width, height, thumbSize);
    const [forEncoder, { capturedAt, gps }] = await Promise.all([
      encoderImage(image.source, scaleToShortest(width, height, encoderSize)),
      exifFacts(data),
    ]);
    // Scaling the full image down to the thumbnail costs several times more than scaling the encoder's
    // small image, which is at least as large in both directions for most photos (not for near-squares).
    const source =
      forEncoder instanceof ImageBitmap &&
      forEncoder.width >= thumbSizeFor.width &&
      forEncoder.height >= thumbSizeFor.height
        ? forEncoder
        : image.source;
    const thumbnail = await resized(source, thumbSizeFor, 'image/jpeg');
    return { width, height, forEncoder, thumbnail, capturedAt, ...(gps ? { gps } : {}) };
  } finally {
    image.close();
  }
}

interface ExifTags {
  DateTimeOriginal?: Date;
  CreateDate?: Date;
  /** exifr adds these, in signed degrees, when the GPS block has both coordinates and their references. */
  latitude?: number;
  longitude?: number;
}

/** The capture date and GPS position from EXIF, each undefined when the file has none. One parse. */
export async function exifFacts(
  file: Blob | Uint8Array,
): Promise<{ capturedAt?: number; gps?: Coordinates }> {
  try {
    const tags = (await exifr.parse(file, {
      pick: [
        'DateTimeOriginal',
        'CreateDate',
        'GPSLatitude',
        'GPSLatitudeRef',
        'GPSLongitude',
        'GPSLongitudeRef',
      ],
    })) as ExifTags | undefined;
    const date = tags?.DateTimeOriginal ?? tags?.CreateDate;
    const capturedAt = date instanceof Date && !Number.isNaN(date.getTime()) ? date.getTime() : undefined;
    const { latitude: lat, longitude: lon } = tags ?? {};
    const valid =
      typeof lat === 'number' &&
      typeof lon === 'number' &&
      Number.isFinite(lat) &&
      Number.isFinite(lon) &&
      Math.abs(lat) <= 90 &&
      Math.abs(lon) <= 180 &&
      // 0,0 is what a camera without a fix often writes, not a place in the Gulf of Guinea.
      !(lat === 0 && lon === 0);
    return { capturedAt, ...(valid ? { gps: { lat, lon } } : {}) };
  } catch {
    return {};
  }
}

function scaleToShortest(w: number, h: number, side: number): { width: number; height: number } {
  const scale = Math.min(1, side / Math.min(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

function scaleToLongest(w: number, h: number, side: number): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

async function resized(
  source: CanvasImageSource,
  size: { width: number; height: number },
  type: 'image/png' | 'image/jpeg',
): Promise<{ blob: Blob; width: number; height: number }> {
  const ctx = canvasOfSize(size.width, size.height);
  if (type === 'image/jpeg') {
    // JPEG has no alpha; transparent areas become white rather than black.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size.width, size.height);
  }
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, size.width, size.height);
  const blob = await ctx.canvas.convertToBlob({ type, quality: 0.82 });
  return { blob, ...size };
}

/**
 * Checks the end-of-image marker of formats that have one. Browsers render a cut-off PNG or JPEG partly
 * instead of failing, so this is the only way to tell.
 */
async function missingEnd(data: Uint8Array | Blob, format: MediaFormat): Promise<string | null> {
  const size = data instanceof Blob ? data.size : data.length;
  const tail =
    data instanceof Blob
      ? new Uint8Array(await data.slice(Math.max(0, size - 4096)).arrayBuffer())
      : data.subarray(Math.max(0, size - 4096));
  const endsWith = (bytes: number[]) => bytes.every((b, i) => tail[tail.length - bytes.length + i] === b);
  switch (format) {
    case 'png':
      // The IEND chunk: length 0, type "IEND", its CRC.
      return endsWith([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])
        ? null
        : 'the PNG has no IEND chunk';
    case 'jpeg': {
      // EOI marker; some cameras append a little data after it, so look near the end, not only at it.
      for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return null;
      return 'the JPEG has no end-of-image marker';
    }
    case 'gif':
      return tail[tail.length - 1] === 0x3b ? null : 'the GIF has no trailer';
    case 'webp': {
      const head =
        data instanceof Blob
          ? new DataView(await data.slice(0, 12).arrayBuffer())
          : new DataView(data.buffer, data.byteOffset, 12);
      const riffSize = head.getUint32(4, true) + 8;
      return size >= riffSize ? null : `the WebP is ${size} bytes, its header says ${riffSize}`;
    }
    default:
      return null;
  }
}
