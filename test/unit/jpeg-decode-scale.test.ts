import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jpegStoredSize } from '../../src/ingest/image/jpeg-size.ts';
import { dctEighths } from '../../src/ingest/image/decode-upright.ts';
import { mediaRoot } from '../../scripts/fixtures/media/paths.ts';

const fixture = (rel: string) => new Uint8Array(readFileSync(path.join(mediaRoot, rel)));

describe('jpegStoredSize', () => {
  it('reads the frame header of the fixture JPEGs, before EXIF orientation', () => {
    expect(jpegStoredSize(fixture('image/green-field.jpg'))).toEqual({ width: 128, height: 96 });
    // Displayed 96x128: the EXIF segment comes before the frame header and the size is the stored one.
    expect(jpegStoredSize(fixture('image/rotated-exif.jpg'))).toEqual({ width: 128, height: 96 });
  });

  it('finds a progressive frame header (SOF2) and skips fill bytes', () => {
    const sof2 = [0xff, 0xc2, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 1, 1, 0x11, 0];
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xff, 0xe0, 0, 4, 0, 0, ...sof2, 0xff, 0xd9]);
    expect(jpegStoredSize(jpeg)).toEqual({ width: 640, height: 480 });
  });

  it('gives undefined for other formats, a header cut short and scan data before any frame', () => {
    expect(jpegStoredSize(fixture('image/red-square.png'))).toBeUndefined();
    expect(jpegStoredSize(fixture('image/green-field.jpg').subarray(0, 40))).toBeUndefined();
    const noFrame = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xd9]);
    expect(jpegStoredSize(noFrame)).toBeUndefined();
    // A DHT segment (C4) is in the SOF range of markers but is not a frame header.
    const dhtOnly = new Uint8Array([0xff, 0xd8, 0xff, 0xc4, 0, 8, 1, 2, 3, 4, 5, 6, 0xff, 0xd9, 0, 0]);
    expect(jpegStoredSize(dhtOnly)).toBeUndefined();
  });
});

describe('dctEighths', () => {
  const needs = { shortest: 224, longest: 256 };
  it('decodes a photo at the smallest n/8 that still covers the encoder image and the thumbnail', () => {
    expect(dctEighths({ width: 640, height: 480 }, needs)).toBe(4); // 320x240
    expect(dctEighths({ width: 480, height: 640 }, needs)).toBe(4);
    expect(dctEighths({ width: 4032, height: 3024 }, needs)).toBe(1); // 504x378
    expect(dctEighths({ width: 2048, height: 1536 }, needs)).toBe(2); // 512x384
    // 6/8 (225x225) would do for the encoder, but the thumbnail wants a longest side of 256.
    expect(dctEighths({ width: 300, height: 300 }, needs)).toBe(7); // 263x263
  });

  it('keeps the whole size when a side is already at or below what is drawn from it', () => {
    expect(dctEighths({ width: 128, height: 96 }, needs)).toBe(8);
    expect(dctEighths({ width: 1000, height: 224 }, needs)).toBe(8);
    // A long strip: the shortest side allows 1/2, the thumbnail's longest side still fits.
    expect(dctEighths({ width: 4000, height: 448 }, needs)).toBe(4);
  });
});
