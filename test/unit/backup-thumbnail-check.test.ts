// What a thumbnail from an export file may be: a JPEG, PNG or WebP recognised by its bytes, no larger than
// a thumbnail, or the waveform SVG Trove draws, read back as bars and drawn again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaRoot } from '../../scripts/fixtures/media/paths.ts';
import { checkThumbnailBytes, rasterSize, rasterType } from '../../src/backup/thumbnail-check.ts';
import { redrawWaveform } from '../../src/backup/waveform-thumbnail.ts';
import { WAVEFORM_BARS, waveformSvg } from '../../src/ingest/audio/waveform-image.ts';

const fixture = (rel: string) => new Uint8Array(readFileSync(path.join(mediaRoot, rel)));
const text = (s: string) => new TextEncoder().encode(s);

/** A PNG signature and IHDR claiming this size, and nothing else: enough for a header check. */
function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 0);
  b.set(text('IHDR'), 12);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  b.set([8, 6, 0, 0, 0], 24);
  return b;
}

function webpHeader(chunk: 'VP8X' | 'VP8L', width: number, height: number): Uint8Array {
  const b = new Uint8Array(30);
  b.set(text('RIFF'), 0);
  b.set(text('WEBP'), 8);
  b.set(text(chunk), 12);
  const v = new DataView(b.buffer);
  if (chunk === 'VP8X') {
    v.setUint32(24, (width - 1) & 0xffffff, true);
    b[27] = (height - 1) & 0xff;
    b[28] = ((height - 1) >> 8) & 0xff;
    b[29] = ((height - 1) >> 16) & 0xff;
  } else {
    b[20] = 0x2f;
    v.setUint32(21, ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), true);
  }
  return b;
}

const peaks = Float32Array.from({ length: WAVEFORM_BARS }, (_, i) => Math.abs(Math.sin(i / 5)) * 0.8);

describe('rasterType and rasterSize', () => {
  it('recognise the fixture JPEG, PNG and WebP by their bytes and read their size from the header', () => {
    const cases = [
      ['image/green-field.jpg', 'image/jpeg', { width: 128, height: 96 }],
      ['image/red-square.png', 'image/png', { width: 128, height: 96 }],
      ['image/blue-sky.webp', 'image/webp', { width: 128, height: 96 }],
    ] as const;
    for (const [file, type, size] of cases) {
      const bytes = fixture(file);
      expect(rasterType(bytes)).toBe(type);
      expect(rasterSize(bytes, type)).toEqual(size);
    }
    expect(rasterSize(webpHeader('VP8X', 3000, 2000), 'image/webp')).toEqual({ width: 3000, height: 2000 });
    expect(rasterSize(webpHeader('VP8L', 500, 9000), 'image/webp')).toEqual({ width: 500, height: 9000 });
  });

  it('name no raster type for SVG, HTML, GIF or text', () => {
    for (const b of [
      text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      text('<!doctype html><script>alert(1)</script>'),
      fixture('image/two-frames.gif'),
      text('hello'),
      new Uint8Array(),
    ])
      expect(rasterType(b)).toBeUndefined();
  });
});

describe('checkThumbnailBytes', () => {
  it('takes a raster picture whose bytes are its declared type, or typed by its bytes when it has none', () => {
    const png = fixture('image/red-square.png');
    expect(checkThumbnailBytes(png, 'image/png')).toEqual({ ok: true, type: 'image/png', bytes: png });
    expect(checkThumbnailBytes(png, '')).toEqual({ ok: true, type: 'image/png', bytes: png });
  });

  it('refuses a scripted SVG, HTML declared as a PNG, a type that is not raster, and a mismatched type', () => {
    const svg = text(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
    );
    expect(checkThumbnailBytes(svg, 'image/svg+xml')).toMatchObject({
      ok: false,
      why: expect.stringMatching(/SVG that is not a waveform Trove drew/),
    });
    expect(checkThumbnailBytes(text('<html><script>alert(1)</script>'), 'image/png')).toMatchObject({
      ok: false,
      why: 'says it is image/png but its bytes are not a JPEG, PNG or WebP picture',
    });
    expect(checkThumbnailBytes(svg, '')).toMatchObject({ ok: false });
    expect(checkThumbnailBytes(fixture('image/red-square.png'), 'text/html')).toMatchObject({
      ok: false,
      why: expect.stringMatching(/type "text\/html"; only JPEG, PNG and WebP/),
    });
    expect(checkThumbnailBytes(fixture('image/green-field.jpg'), 'image/png')).toMatchObject({
      ok: false,
      why: 'says it is image/png but its bytes are image/jpeg',
    });
  });

  it('refuses a picture whose header claims more than a thumbnail may be, before it is decoded', () => {
    expect(checkThumbnailBytes(pngHeader(20000, 20000), 'image/png')).toMatchObject({
      ok: false,
      why: expect.stringMatching(/is 20000×20000 pixels, more than the 4096×4096/),
    });
    expect(checkThumbnailBytes(webpHeader('VP8X', 16000, 10), 'image/webp')).toMatchObject({ ok: false });
    expect(checkThumbnailBytes(pngHeader(256, 192), 'image/png')).toMatchObject({ ok: true });
    const noSize = pngHeader(256, 192).slice(0, 16);
    expect(checkThumbnailBytes(noSize, 'image/png')).toMatchObject({
      ok: false,
      why: 'is a image/png picture whose header gives no size',
    });
  });
});

describe('redrawWaveform', () => {
  it('draws again exactly the waveform Trove drew, loud, quiet or silent', () => {
    for (const p of [peaks, peaks.map((v) => v * 0.05), new Float32Array(WAVEFORM_BARS)]) {
      const svg = waveformSvg(p);
      expect(redrawWaveform(text(svg))).toBe(svg);
      expect(checkThumbnailBytes(text(svg), 'image/svg+xml')).toEqual({
        ok: true,
        type: 'image/svg+xml',
        bytes: text(svg),
      });
    }
  });

  it('refuses a waveform with anything added, changed or out of place', () => {
    const svg = waveformSvg(peaks);
    const variants = [
      svg.replace('</svg>', '<script>alert(1)</script></svg>'),
      svg.replace('<svg ', '<svg onload="alert(1)" '),
      svg.replace('preserveAspectRatio="none"', 'preserveAspectRatio="none" onload="alert(1)"'),
      svg.replace('"/></svg>', '"/><foreignObject><iframe src="javascript:alert(1)"/></foreignObject></svg>'),
      svg.replace('#1f2530', '#ffffff'),
      svg.replace(/h2v(\d+)/, (_, v: string) => `h2v${Number(v) + 2}`),
      svg.replace(/M(\d+) /, 'M2 '),
      svg.replace('z"', 'zM0 0"'),
      `${svg} `,
      svg.replace('<svg', '<?xml-stylesheet href="x"?><svg'),
      svg.replace('<path ', '<path onclick="alert(1)" '),
      `${svg.slice(0, -6)}${'<rect width="1" height="1"/>'.repeat(700)}</svg>`,
    ];
    for (const v of variants) {
      expect(v).not.toBe(svg);
      expect(redrawWaveform(text(v))).toBeUndefined();
    }
    expect(redrawWaveform(new Uint8Array([0xff, 0xfe, 0x3c]))).toBeUndefined();
  });
});
