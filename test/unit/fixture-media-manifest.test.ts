// Guards the committed fixture media: every file is listed in MANIFEST.json with its true hash, and the
// facts other tests rely on (colours, sizes, EXIF, WAV format) hold for the bytes on disk.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import exifr from 'exifr';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ManifestEntry } from '../../scripts/fixtures/media/manifest.ts';
import { colours, type Colour } from '../../scripts/fixtures/world.ts';

const root = fileURLToPath(new URL('../fixtures/media/', import.meta.url));
const manifest = JSON.parse(await readFile(path.join(root, 'MANIFEST.json'), 'utf8')) as {
  files: ManifestEntry[];
};
const byKind = (kind: ManifestEntry['kind']) => manifest.files.filter((f) => f.kind === kind);

function nearestColour(rgb: number[]): Colour {
  const distance = (c: Colour) => colours[c].reduce((sum, v, i) => sum + (v - (rgb[i] ?? 0)) ** 2, 0);
  return (Object.keys(colours) as Colour[]).reduce((best, c) => (distance(c) < distance(best) ? c : best));
}

/** The most frequent pixel colour, after snapping each pixel to the nearest fixture colour. */
async function dominantColour(image: Sharp): Promise<Colour> {
  const { data } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const counts = new Map<Colour, number>();
  for (let i = 0; i < data.length; i += 3) {
    const c = nearestColour([data[i]!, data[i + 1]!, data[i + 2]!]);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

describe('fixture media manifest', () => {
  it('lists exactly the files on disk, with their size and SHA-256', async () => {
    const onDisk: string[] = [];
    for (const kind of await readdir(root, { withFileTypes: true })) {
      if (!kind.isDirectory()) continue;
      for (const file of await readdir(path.join(root, kind.name))) onDisk.push(`${kind.name}/${file}`);
    }
    expect(manifest.files.map((f) => f.path).sort()).toEqual(onDisk.sort());
    for (const entry of manifest.files) {
      const bytes = await readFile(path.join(root, entry.path));
      expect(bytes.length, entry.path).toBe(entry.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), entry.path).toBe(entry.sha256);
    }
  });

  it('gives every bad file a failure reason', () => {
    const bad = byKind('bad');
    expect(bad.length).toBeGreaterThanOrEqual(9);
    for (const entry of bad) expect(entry.facts.failure, entry.path).toBeTruthy();
  });
});

describe('image fixtures', () => {
  it.each(byKind('image').map((e) => [e.path, e] as const))(
    '%s has its stated size and dominant colour',
    async (p, entry) => {
      const file = path.join(root, p);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height]).toEqual([entry.facts.width, entry.facts.height]);
      expect(await dominantColour(sharp(file))).toBe(entry.facts.dominantColour);
    },
  );

  it('animates the GIF with the stated frame colours, first frame first', async () => {
    const gif = byKind('image').find((f) => f.mime === 'image/gif')!;
    const file = path.join(root, gif.path);
    expect((await sharp(file).metadata()).pages).toBe(gif.facts.frames);
    const frames = await Promise.all(
      gif.facts.frameColours!.map((_, page) => dominantColour(sharp(file, { page }))),
    );
    expect(frames).toEqual(gif.facts.frameColours);
  });

  it('stores the EXIF orientation and capture date on the rotated JPEG', async () => {
    const jpeg = byKind('image').find((f) => f.facts.exifOrientation)!;
    const file = path.join(root, jpeg.path);
    const tags = await exifr.parse(file, { translateValues: false, reviveValues: false });
    expect(tags.Orientation).toBe(jpeg.facts.exifOrientation);
    expect(tags.DateTimeOriginal).toBe(jpeg.facts.capturedAt);
    const upright = await sharp(file).rotate().toBuffer({ resolveWithObject: true });
    expect([upright.info.width, upright.info.height]).toEqual([
      jpeg.facts.displayWidth,
      jpeg.facts.displayHeight,
    ]);
    // The accent is white and sits at the top once the picture is upright.
    const top = await sharp(upright.data).extract({ left: 0, top: 0, width: upright.info.width, height: 32 });
    const bottom = await sharp(upright.data).extract({
      left: 0,
      top: upright.info.height - 32,
      width: upright.info.width,
      height: 32,
    });
    const whiteShare = async (img: Sharp) => {
      const { data } = await img.raw().toBuffer({ resolveWithObject: true });
      let white = 0;
      for (let i = 0; i < data.length; i += 3)
        if (nearestColour([data[i]!, data[i + 1]!, data[i + 2]!]) === 'white') white++;
      return white / (data.length / 3);
    };
    expect(await whiteShare(top)).toBeGreaterThan(0.05);
    expect(await whiteShare(bottom)).toBe(0);
  });
});

describe('WAV fixtures', () => {
  const wavs = byKind('audio').filter((e) => e.mime === 'audio/wav');
  it.each(wavs.map((e) => [e.path, e] as const))(
    '%s is 16-bit PCM at the stated rate, channels and length',
    async (p, entry) => {
      const bytes = await readFile(path.join(root, p));
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      expect(bytes.subarray(0, 4).toString()).toBe('RIFF');
      expect(bytes.subarray(36, 40).toString()).toBe('data');
      expect(view.getUint16(20, true)).toBe(1);
      expect(view.getUint16(22, true)).toBe(entry.facts.channels);
      expect(view.getUint32(24, true)).toBe(entry.facts.sampleRate);
      expect(view.getUint16(34, true)).toBe(16);
      const seconds = view.getUint32(40, true) / 2 / entry.facts.channels! / entry.facts.sampleRate!;
      expect(seconds).toBeCloseTo(entry.facts.durationS!, 2);
    },
  );
});
