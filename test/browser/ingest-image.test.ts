import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/ingest/image/decode-image.ts';
import { detectFileType } from '../../src/ingest/detect-type.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { dominantColour, entry, fixtureFile, pixelsOf } from '../support/media-files.ts';

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
    // Keep the signature and the IEND trailer, scramble everything in between.
    for (let i = 16; i < bytes.length - 12; i++) bytes[i] = (bytes[i]! * 7 + 13) & 0xff;
    const error = await decodeImage(new Blob([bytes]), 'png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaDecodeError);
    expect((error as MediaDecodeError).code).toBe('corrupt-data');
  });
});
