// Image sizes read from headers before decoding (header-size.ts, jpeg-size.ts), and the pixel limits they
// are checked against (pixel-limit.ts): real files from sharp's encoders, and headers written here that lie
// about their size, are cut short, or are malformed.
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { readHeaderSize, type HeaderSize } from '../../src/ingest/image/header-size.ts';
import { checkPixelLimits, DEFAULT_PIXEL_LIMITS, overLimits } from '../../src/ingest/image/pixel-limit.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';

const W = 37;
const H = 23;
const pixels = (channels: 3 | 4) =>
  sharp(Buffer.alloc(W * H * channels, 200), { raw: { width: W, height: H, channels } });
const bytes = async (image: Sharp) => new Uint8Array(await image.toBuffer());

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const join = (...parts: number[][]) => new Uint8Array(parts.flat());
const u32be = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16le = (n: number) => [n & 255, n >>> 8];
const u24le = (n: number) => [n & 255, (n >>> 8) & 255, n >>> 16];
const u32le = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];

const sizes = (...s: [number, number][]): HeaderSize => ({
  ok: true,
  sizes: s.map(([width, height]) => ({ width, height })),
});
const problem = (read: HeaderSize) => (read.ok ? 'ok' : read.problem);

/** A PNG signature and an IHDR chunk stating this size (then nothing: no pixel data at all). */
const pngHeader = (width: number, height: number) =>
  join(
    [0x89],
    ascii('PNG\r\n\x1a\n'),
    u32be(13),
    ascii('IHDR'),
    u32be(width),
    u32be(height),
    [8, 2, 0, 0, 0],
    u32be(0),
  );

/** An ISO-BMFF box. */
const box = (type: string, ...body: number[][]) => {
  const content = body.flat();
  return [...u32be(8 + content.length), ...ascii(type), ...content];
};
const fullBox = (type: string, ...body: number[][]) => box(type, [0, 0, 0, 0], ...body);
const ispe = (w: number, h: number) => fullBox('ispe', u32be(w), u32be(h));
const ftyp = box('ftyp', ascii('avif'), u32be(0), ascii('mif1'), ascii('avif'));
const avif = (...boxes: number[][]) => new Uint8Array([...ftyp, ...boxes.flat()]);

describe('PNG', () => {
  it('reads the IHDR of a real file', async () => {
    expect(readHeaderSize(await bytes(pixels(4).png()), 'png')).toEqual(sizes([W, H]));
  });

  it('reads 20000×20000 from a header with no pixel data behind it', () => {
    expect(readHeaderSize(pngHeader(20_000, 20_000), 'png')).toEqual(sizes([20_000, 20_000]));
  });

  it('tells a cut header, a first chunk other than IHDR, and a zero or oversize side apart', () => {
    expect(problem(readHeaderSize(pngHeader(10, 10).subarray(0, 20), 'png'))).toBe('truncated');
    const notFirst = pngHeader(10, 10);
    notFirst.set(ascii('tEXt'), 12);
    expect(problem(readHeaderSize(notFirst, 'png'))).toBe('invalid');
    expect(problem(readHeaderSize(pngHeader(0, 10), 'png'))).toBe('invalid');
    expect(problem(readHeaderSize(pngHeader(0x80000000, 10), 'png'))).toBe('invalid');
  });
});

describe('GIF', () => {
  /** GIF89a with a screen, a 2-colour global table, an optional extension, then the first frame. */
  const gif = (screen: [number, number], frame: [number, number, number, number], extension = true) =>
    join(
      ascii('GIF89a'),
      u16le(screen[0]),
      u16le(screen[1]),
      [0x80, 0, 0], // a global colour table of 2 entries follows
      [0, 0, 0, 255, 255, 255],
      // A comment extension of two sub-blocks (3 and 2 bytes), then its terminator.
      extension ? [0x21, 0xfe, 3, 1, 2, 3, 2, 4, 5, 0] : [],
      [0x2c],
      u16le(frame[0]),
      u16le(frame[1]),
      u16le(frame[2]),
      u16le(frame[3]),
      [0, 2, 2, 0x4c, 0x01, 0, 0x3b],
    );

  it('reads the screen of a real file', async () => {
    expect(readHeaderSize(await bytes(pixels(3).gif()), 'gif')).toEqual(sizes([W, H]));
  });

  it('grows a small screen to a first frame that does not fit it, past extensions', () => {
    expect(readHeaderSize(gif([10, 10], [0, 0, 4, 4]), 'gif')).toEqual(sizes([10, 10]));
    expect(readHeaderSize(gif([1, 1], [5, 7, 20_000, 20_000]), 'gif')).toEqual(sizes([20_005, 20_007]));
    expect(readHeaderSize(gif([1, 1], [0, 0, 300, 2], false), 'gif')).toEqual(sizes([300, 2]));
  });

  it('tells a file cut before its first frame from one with no frame or an unknown block', () => {
    const whole = gif([10, 10], [0, 0, 4, 4]);
    for (const cut of [8, 13, 19, 25, 30]) {
      expect(problem(readHeaderSize(whole.subarray(0, cut), 'gif')), `cut at ${cut}`).toBe('truncated');
    }
    const trailerFirst = new Uint8Array([...whole.subarray(0, 19), 0x3b]);
    expect(problem(readHeaderSize(trailerFirst, 'gif'))).toBe('invalid');
    const unknown = new Uint8Array([...whole.subarray(0, 19), 0x99]);
    expect(problem(readHeaderSize(unknown, 'gif'))).toBe('invalid');
  });
});

describe('WebP', () => {
  const riff = (chunk: string, data: number[]) =>
    new Uint8Array([
      ...ascii('RIFF'),
      ...u32le(4 + 8 + data.length),
      ...ascii('WEBP'),
      ...ascii(chunk),
      ...u32le(data.length),
      ...data,
    ]);

  it('reads real lossy (VP8), lossless (VP8L) and extended (VP8X) files', async () => {
    const lossy = await bytes(pixels(3).webp({ quality: 80 }));
    const lossless = await bytes(pixels(3).webp({ lossless: true }));
    const extended = await bytes(pixels(4).webp({ quality: 80, alphaQuality: 50 }));
    expect(String.fromCharCode(...lossy.subarray(12, 16))).toBe('VP8 ');
    expect(String.fromCharCode(...lossless.subarray(12, 16))).toBe('VP8L');
    expect(String.fromCharCode(...extended.subarray(12, 16))).toBe('VP8X');
    for (const file of [lossy, lossless, extended])
      expect(readHeaderSize(file, 'webp')).toEqual(sizes([W, H]));
  });

  it('reads the largest sizes each header can state', () => {
    const vp8x = riff('VP8X', [0x10, 0, 0, 0, ...u24le(0xffffff), ...u24le(19_999)]);
    expect(readHeaderSize(vp8x, 'webp')).toEqual(sizes([0x1000000, 20_000]));
    const vp8 = riff('VP8 ', [0x10, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(0x3fff), ...u16le(0x3fff)]);
    expect(readHeaderSize(vp8, 'webp')).toEqual(sizes([16_383, 16_383]));
    const vp8l = riff('VP8L', [0x2f, ...u32le(0x0fffffff)]);
    expect(readHeaderSize(vp8l, 'webp')).toEqual(sizes([16_384, 16_384]));
  });

  it('tells cut headers from a VP8 without a key frame, a VP8L without its signature, or another chunk', () => {
    const vp8x = riff('VP8X', [0, 0, 0, 0, ...u24le(9), ...u24le(9)]);
    expect(problem(readHeaderSize(vp8x.subarray(0, 28), 'webp'))).toBe('truncated');
    expect(problem(readHeaderSize(vp8x.subarray(0, 12), 'webp'))).toBe('truncated');
    const interFrame = riff('VP8 ', [0x11, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(10), ...u16le(10)]);
    expect(problem(readHeaderSize(interFrame, 'webp'))).toBe('invalid');
    const noStartCode = riff('VP8 ', [0x10, 0, 0, 0, 0, 0, ...u16le(10), ...u16le(10)]);
    expect(problem(readHeaderSize(noStartCode, 'webp'))).toBe('invalid');
    expect(problem(readHeaderSize(riff('VP8L', [0x00, 0, 0, 0, 0]), 'webp'))).toBe('invalid');
    expect(problem(readHeaderSize(riff('ALPH', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'webp'))).toBe('invalid');
  });
});

describe('AVIF', () => {
  it('reads the ispe of a real file', async () => {
    expect(readHeaderSize(await bytes(pixels(3).avif({ quality: 50 })), 'avif')).toEqual(sizes([W, H]));
  });

  it("reads every image's size, however they are ordered (a grid after its tiles)", () => {
    const file = avif(
      fullBox(
        'meta',
        box('hdlr', u32be(0)),
        box('iprp', box('ipco', ispe(512, 512), box('pixi', [0]), ispe(20_000, 20_000))),
      ),
      box('mdat', [1, 2, 3, 4]),
    );
    expect(readHeaderSize(file, 'avif')).toEqual(sizes([512, 512], [20_000, 20_000]));
  });

  it("reads an image sequence's frame size from its av01 sample entry", () => {
    // VisualSampleEntry: 6 reserved, a data reference (2), 16 bytes, then width and height (16-bit).
    const entry = box('av01', new Array(24).fill(0), [0x4e, 0x20, 0x27, 0x10], new Array(50).fill(0));
    const stsd = fullBox('stsd', u32be(1), entry);
    const file = avif(box('moov', box('trak', box('mdia', box('minf', box('stbl', stsd))))));
    expect(readHeaderSize(file, 'avif')).toEqual(sizes([20_000, 10_000]));
  });

  it('tells a file cut before any size from one that states none or has a box smaller than its header', () => {
    const file = avif(fullBox('meta', box('iprp', box('ipco', ispe(64, 48)))));
    expect(readHeaderSize(file, 'avif')).toEqual(sizes([64, 48]));
    expect(problem(readHeaderSize(file.subarray(0, file.length - 4), 'avif'))).toBe('truncated');
    expect(problem(readHeaderSize(file.subarray(0, 10), 'avif'))).toBe('truncated');
    expect(problem(readHeaderSize(avif(fullBox('meta', box('iprp', box('ipco')))), 'avif'))).toBe('invalid');
    expect(problem(readHeaderSize(avif([...u32be(4), ...ascii('meta')]), 'avif'))).toBe('invalid');
    const noPixels = avif(fullBox('meta', box('iprp', box('ipco', ispe(0, 48)))));
    expect(problem(readHeaderSize(noPixels, 'avif'))).toBe('invalid');
  });

  it('reads a 64-bit box size and a box that runs to the end of the file', () => {
    const large = [...u32be(1), ...ascii('mdat'), ...u32be(0), ...u32be(16 + 4), 9, 9, 9, 9];
    const file = avif(large, fullBox('meta', box('iprp', box('ipco', ispe(7, 5)))));
    expect(readHeaderSize(file, 'avif')).toEqual(sizes([7, 5]));
    const toEnd = avif([...u32be(0), ...ascii('mdat'), 1, 2, 3]);
    expect(problem(readHeaderSize(toEnd, 'avif'))).toBe('invalid');
  });

  it('stops descending into boxes nested deeper than any real file', () => {
    let nested = box('ipco', ispe(9_000, 9_000));
    for (let i = 0; i < 20; i++) nested = box('meta', [0, 0, 0, 0], nested);
    expect(problem(readHeaderSize(avif(nested), 'avif'))).toBe('invalid');
  });
});

describe('JPEG', () => {
  const sof = (marker: number, w: number, h: number) => [
    0xff,
    marker,
    0,
    11,
    8,
    h >> 8,
    h & 255,
    w >> 8,
    w & 255,
    1,
    1,
    0x11,
    0,
  ];

  it('reads the frame header of a real baseline and progressive file', async () => {
    expect(readHeaderSize(await bytes(pixels(3).jpeg()), 'jpeg')).toEqual(sizes([W, H]));
    expect(readHeaderSize(await bytes(pixels(3).jpeg({ progressive: true })), 'jpeg')).toEqual(sizes([W, H]));
  });

  it('reads 20000×20000 after an APP segment, skipping stray bytes as libjpeg does', () => {
    const app0 = [0xff, 0xe0, 0, 6, 1, 2, 3, 4];
    const jpeg = new Uint8Array([0xff, 0xd8, ...app0, 0x00, 0x12, ...sof(0xc0, 20_000, 20_000), 0xff, 0xd9]);
    expect(readHeaderSize(jpeg, 'jpeg')).toEqual(sizes([20_000, 20_000]));
  });

  it('tells a file cut before its frame header from scan data before any, or a height left to a DNL', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 6, 1, 2, 3, 4, ...sof(0xc2, 640, 480)]);
    expect(problem(readHeaderSize(jpeg.subarray(0, 14), 'jpeg'))).toBe('truncated');
    expect(problem(readHeaderSize(jpeg.subarray(0, 7), 'jpeg'))).toBe('truncated');
    const scanFirst = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, ...sof(0xc0, 8, 8)]);
    expect(problem(readHeaderSize(scanFirst, 'jpeg'))).toBe('invalid');
    const dnl = new Uint8Array([0xff, 0xd8, ...sof(0xc0, 640, 0)]);
    expect(problem(readHeaderSize(dnl, 'jpeg'))).toBe('invalid');
  });
});

describe('pixel limits', () => {
  it('are 100 megapixels and 32,767 pixels a side, inclusive', () => {
    expect(overLimits({ width: 10_000, height: 10_000 })).toBeNull();
    expect(overLimits({ width: 32_767, height: 3_000 })).toBeNull();
    expect(overLimits({ width: 20_000, height: 20_000 })).toBe(
      'The image is 20,000 × 20,000 pixels (400 megapixels); Trove takes images up to 100 megapixels',
    );
    expect(overLimits({ width: 32_768, height: 1 })).toBe(
      'The image is 32,768 × 1 pixels; Trove takes images up to 32,767 pixels on a side',
    );
    expect(DEFAULT_PIXEL_LIMITS).toEqual({ maxPixels: 100_000_000, maxSide: 32_767 });
  });

  it('refuse a header over them as too-large, reading only the head of a file given whole', async () => {
    const claim = new Blob([pngHeader(20_000, 20_000), new Uint8Array(8 * 1024 * 1024)]);
    const error = await checkPixelLimits(claim, 'png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaDecodeError);
    expect((error as MediaDecodeError).code).toBe('too-large');
    expect((error as MediaDecodeError).message).toContain('400 megapixels');
    await expect(checkPixelLimits(pngHeader(4_000, 3_000), 'png')).resolves.toBeUndefined();
  });

  it('refuse what they cannot measure: truncated when cut short, corrupt-data when malformed', async () => {
    const cut = await checkPixelLimits(pngHeader(10, 10).subarray(0, 16), 'png').catch((e: unknown) => e);
    expect((cut as MediaDecodeError).code).toBe('truncated');
    const bad = await checkPixelLimits(pngHeader(0, 10), 'png').catch((e: unknown) => e);
    expect((bad as MediaDecodeError).code).toBe('corrupt-data');
    expect((bad as MediaDecodeError).message).toMatch(/could not read the image's size.*0×10/);
  });
});
