import { describe, expect, it } from 'vitest';
import { decodeImage, decodeImageBitmap } from '../../src/ingest/image/decode-image.ts';
import { detectFileType } from '../../src/ingest/detect-type.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { dominantColour, entry, fixtureFile, pixelsOf } from '../support/media-files.ts';
import { colours } from '../../scripts/fixtures/world.ts';

async function decodeFixture(path: string) {
  const file = await fixtureFile(path);
  const detected = await detectFileType(file);
  if (!detected.ok) throw new Error(detected.message);
  return decodeImage(file, detected.type.format);
}

describe('image decoding', () => {
  it.each([
    'image/red-square.png',
    'image/green-field.jpg',
    'image/blue-sky.webp',
    'image/yellow-sun.png',
    'image/white-card.avif',
  ])('%s decodes to its size and dominant colour, with an encoder image and a thumbnail', async (path) => {
    const facts = (await entry(path)).facts;
    const image = await decodeFixture(path);
    expect([image.width, image.height]).toEqual([facts.width, facts.height]);
    expect(dominantColour(await pixelsOf(image.forEncoder))).toBe(facts.dominantColour);
    expect(dominantColour(await pixelsOf(image.thumbnail.blob))).toBe(facts.dominantColour);
    // 128x96 is below both targets, so neither is enlarged.
    const enc = await createImageBitmap(image.forEncoder);
    expect([enc.width, enc.height]).toEqual([facts.width, facts.height]);
    expect(image.forEncoder.type).toBe('image/png');
    expect(image.thumbnail.blob.type).toBe('image/jpeg');
    expect(image.capturedAt).toBeUndefined();
  });

  it('scales the encoder image to a shortest side of 224 and the thumbnail to a longest side of 256', async () => {
    const canvas = new OffscreenCanvas(1000, 500);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(30,60,220)';
    ctx.fillRect(0, 0, 1000, 500);
    const big = await canvas.convertToBlob({ type: 'image/png' });
    const image = await decodeImage(big, 'png');
    expect([image.width, image.height]).toEqual([1000, 500]);
    const enc = await createImageBitmap(image.forEncoder);
    expect([enc.width, enc.height]).toEqual([448, 224]);
    expect([image.thumbnail.width, image.thumbnail.height]).toEqual([256, 128]);
    const thumb = await createImageBitmap(image.thumbnail.blob);
    expect([thumb.width, thumb.height]).toEqual([256, 128]);
  });

  it('keeps each image its own pixels when many of one size are decoded at once (canvases are reused)', async () => {
    const order = ['red', 'green', 'blue', 'yellow'] as const;
    const canvas = new OffscreenCanvas(640, 480);
    const ctx = canvas.getContext('2d')!;
    const files: Blob[] = [];
    for (let i = 0; i < 24; i++) {
      const [r, g, b] = colours[order[i % order.length]!];
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(0, 0, 640, 480);
      files.push(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
    }
    // Twice over, so the second round runs on canvases the first one gave back.
    for (let round = 0; round < 2; round++) {
      const decoded = await Promise.all(files.map((f) => decodeImageBitmap(f, 'jpeg')));
      for (const [i, image] of decoded.entries()) {
        expect([image.forEncoder.width, image.forEncoder.height]).toEqual([299, 224]);
        expect(dominantColour(await pixelsOf(image.forEncoder))).toBe(order[i % order.length]);
        expect(dominantColour(await pixelsOf(image.thumbnail.blob))).toBe(order[i % order.length]);
        image.forEncoder.close();
      }
    }
    // A transparent image after an opaque one of its size is drawn on a cleared canvas.
    const empty = new OffscreenCanvas(640, 480);
    empty.getContext('2d');
    const transparent = await empty.convertToBlob({ type: 'image/png' });
    const opaque = await canvas.convertToBlob({ type: 'image/png' });
    await decodeImage(opaque, 'png');
    const clear = await pixelsOf((await decodeImage(transparent, 'png')).forEncoder);
    expect(Math.max(...clear.data.filter((_, i) => i % 4 === 3))).toBe(0);
  });

  it('honours EXIF orientation and reads the capture date', async () => {
    const facts = (await entry('image/rotated-exif.jpg')).facts;
    const image = await decodeFixture('image/rotated-exif.jpg');
    expect([image.width, image.height]).toEqual([facts.displayWidth, facts.displayHeight]);
    // Stored at x 6–22, y 36–60 of 128x96; rotated 90° clockwise it lies at y 6–22, x 36–60 of 96x128.
    // A wrong rotation would put it at the bottom instead.
    const pixels = await pixelsOf(image.forEncoder);
    expect(dominantColour(pixels, { x: 38, y: 8, w: 20, h: 12 })).toBe('white');
    expect(dominantColour(pixels, { x: 38, y: 128 - 20, w: 20, h: 12 })).toBe('black');
    const [date, time] = facts.capturedAt!.split(' ');
    const [y, mo, d] = date!.split(':').map(Number);
    const [h, mi, s] = time!.split(':').map(Number);
    expect(image.capturedAt).toBe(new Date(y!, mo! - 1, d, h, mi, s).getTime());
  });

  it('takes the first frame of an animated GIF', async () => {
    const facts = (await entry('image/two-frames.gif')).facts;
    const image = await decodeFixture('image/two-frames.gif');
    expect(dominantColour(await pixelsOf(image.forEncoder))).toBe(facts.frameColours![0]);
  });

  it('reports a truncated PNG as truncated, though the browser would show half of it', async () => {
    const file = await fixtureFile('bad/truncated.png');
    const error = await decodeImage(file, 'png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaDecodeError);
    expect((error as MediaDecodeError).code).toBe('truncated');
    expect((error as MediaDecodeError).message).toMatch(/cut short/);
  });

  it('reports an undecodable image as corrupt', async () => {
    const png = await fixtureFile('image/red-square.png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    // Keep the signature, the header chunk (IHDR, with the size) and the IEND trailer; scramble the rest.
    for (let i = 33; i < bytes.length - 12; i++) bytes[i] = (bytes[i]! * 7 + 13) & 0xff;
    const error = await decodeImage(new Blob([bytes]), 'png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaDecodeError);
    expect((error as MediaDecodeError).code).toBe('corrupt-data');
  });
});

describe('large JPEGs', () => {
  /** 1600x1200, blue, with a white block near the top-left corner (x 100–500, y 100–300). */
  async function bigJpeg(exifFrom?: Uint8Array<ArrayBuffer>): Promise<Blob> {
    const canvas = new OffscreenCanvas(1600, 1200);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(30,60,220)';
    ctx.fillRect(0, 0, 1600, 1200);
    ctx.fillStyle = '#fff';
    ctx.fillRect(100, 100, 400, 200);
    const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
    if (!exifFrom) return new Blob([jpeg], { type: 'image/jpeg' });
    // The APP1 (EXIF) segment of another JPEG, placed right after this one's start-of-image marker.
    let i = 2;
    while (exifFrom[i + 1] !== 0xe1) i += 2 + ((exifFrom[i + 2]! << 8) | exifFrom[i + 3]!);
    const app1 = exifFrom.subarray(i, i + 2 + ((exifFrom[i + 2]! << 8) | exifFrom[i + 3]!));
    return new Blob([jpeg.subarray(0, 2), app1, jpeg.subarray(2)], { type: 'image/jpeg' });
  }

  /** Records the size each ImageDecoder was asked to decode to; decoding itself is the browser's. */
  function watchImageDecoder(): { asked: { width?: number; height?: number }[]; restore: () => void } {
    const Real = globalThis.ImageDecoder;
    const asked: { width?: number; height?: number }[] = [];
    globalThis.ImageDecoder = class extends Real {
      constructor(init: ImageDecoderInit) {
        super(init);
        asked.push({ width: init.desiredWidth, height: init.desiredHeight });
      }
    };
    return { asked, restore: () => void (globalThis.ImageDecoder = Real) };
  }

  it('decodes at a DCT scale that still covers the encoder image and the thumbnail', async () => {
    const watch = watchImageDecoder();
    try {
      const image = await decodeImageBitmap(await bigJpeg(), 'jpeg');
      // 2/8 of 1600x1200 is the smallest scale with a shortest side of at least 224.
      expect(watch.asked).toEqual([{ width: 400, height: 300 }]);
      expect([image.width, image.height]).toEqual([1600, 1200]);
      expect([image.forEncoder.width, image.forEncoder.height]).toEqual([299, 224]);
      expect([image.thumbnail.width, image.thumbnail.height]).toEqual([256, 192]);
      const pixels = await pixelsOf(image.forEncoder);
      expect(dominantColour(pixels, { x: 25, y: 25, w: 60, h: 25 })).toBe('white');
      expect(dominantColour(pixels, { x: 200, y: 150, w: 60, h: 50 })).toBe('blue');
      image.forEncoder.close();
    } finally {
      watch.restore();
    }
  });

  it('applies EXIF orientation to a scaled decode, with the full upright size', async () => {
    const exif = new Uint8Array(await (await fixtureFile('image/rotated-exif.jpg')).arrayBuffer());
    const file = await bigJpeg(exif);
    const image = await decodeImageBitmap(file, 'jpeg');
    expect([image.width, image.height]).toEqual([1200, 1600]);
    expect([image.forEncoder.width, image.forEncoder.height]).toEqual([224, 299]);
    // Turned 90° clockwise, the block lies at x 900–1100, y 100–500 of 1200x1600: near the top right.
    // The opposite turn would put it at the bottom left.
    const pixels = await pixelsOf(image.forEncoder);
    expect(dominantColour(pixels, { x: 172, y: 25, w: 30, h: 60 })).toBe('white');
    expect(dominantColour(pixels, { x: 20, y: 220, w: 30, h: 60 })).toBe('blue');
    const thumb = await pixelsOf(image.thumbnail.blob);
    expect([thumb.width, thumb.height]).toEqual([192, 256]);
    expect(dominantColour(thumb, { x: 148, y: 22, w: 24, h: 50 })).toBe('white');
    expect(image.capturedAt).toBeDefined();
    image.forEncoder.close();
  });

  it('gives the same image where the browser has no WebCodecs ImageDecoder', async () => {
    const file = await bigJpeg();
    const withCodecs = await decodeImageBitmap(file, 'jpeg');
    const Real = globalThis.ImageDecoder;
    // @ts-expect-error removed to take createImageBitmap's way, as in a browser without WebCodecs
    delete globalThis.ImageDecoder;
    try {
      const without = await decodeImageBitmap(file, 'jpeg');
      expect([without.width, without.height]).toEqual([withCodecs.width, withCodecs.height]);
      expect([without.forEncoder.width, without.forEncoder.height]).toEqual([299, 224]);
      const a = await pixelsOf(withCodecs.forEncoder);
      const b = await pixelsOf(without.forEncoder);
      let diff = 0;
      for (let i = 0; i < a.data.length; i++) diff += Math.abs(a.data[i]! - b.data[i]!);
      // Two resampling paths: close, though not bit-equal (mean difference under 3 of 255 per channel).
      expect(diff / a.data.length).toBeLessThan(3);
      without.forEncoder.close();
    } finally {
      globalThis.ImageDecoder = Real;
      withCodecs.forEncoder.close();
    }
  });
});
