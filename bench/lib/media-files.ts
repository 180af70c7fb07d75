// Inputs for the benches that drive the app through its file picker, written to a folder in Node: distinct
// photos (distinct bytes, or the app would keep one item), tone recordings and copies of the fixture videos.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** `n` distinct 640×480 JPEGs (a coloured gradient with noise, so they decode like photos). */
export async function writePhotos(
  dir: string,
  n: number,
  prefix = 'photo',
  width = 640,
  height = 480,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const pixels = Buffer.alloc(width * height * 3);
    // The prefix is part of the seed: two sets must not share a photo (the app would keep one copy).
    let s = [...prefix].reduce(
      (h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0,
      (i + 1) * 2654435761,
    );
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        s = (s * 1664525 + 1013904223) >>> 0;
        const o = (y * width + x) * 3;
        pixels[o] = ((x * 255) / width + i * 37 + (s & 7)) & 255;
        pixels[o + 1] = ((y * 255) / height + i * 91) & 255;
        pixels[o + 2] = (s >>> 24) & 255;
      }
    const path = join(dir, `${prefix}-${i}.jpg`);
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toFile(path);
    paths.push(path);
  }
  return paths;
}

/** The pitch (Hz) of recording `i` of a set made with `first` (writeRecordings). */
export const recordingTone = (i: number, first = 0) => 200 + (first + i) * 37;
/** The recordings' amplitude, as a share of full scale. */
export const RECORDING_AMPLITUDE = 12000 / 32768;

/**
 * `n` distinct mono 16-bit WAV recordings of `seconds` at 48 kHz: tones of different pitch; sets made with
 * different `first` numbers never share a pitch.
 */
export function writeRecordings(dir: string, n: number, seconds: number, first = 0): string[] {
  mkdirSync(dir, { recursive: true });
  const rate = 48_000;
  const samples = rate * seconds;
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(44 + samples * 2);
    b.write('RIFF', 0, 'latin1');
    b.writeUInt32LE(36 + samples * 2, 4);
    b.write('WAVEfmt ', 8, 'latin1');
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(1, 20);
    b.writeUInt16LE(1, 22);
    b.writeUInt32LE(rate, 24);
    b.writeUInt32LE(rate * 2, 28);
    b.writeUInt16LE(2, 32);
    b.writeUInt16LE(16, 34);
    b.write('data', 36, 'latin1');
    b.writeUInt32LE(samples * 2, 40);
    const hz = recordingTone(i, first);
    for (let t = 0; t < samples; t++)
      b.writeInt16LE(
        Math.round(RECORDING_AMPLITUDE * 32768 * Math.sin((2 * Math.PI * hz * t) / rate)),
        44 + t * 2,
      );
    const path = join(dir, `recording-${first + i}.wav`);
    writeFileSync(path, b);
    return path;
  });
}

/** The fixture clip (6 s, 160×120, with sound) in `n` distinct copies: bytes appended after the container. */
export function writeVideos(dir: string, n: number, fixturesDir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const kinds = ['mp4', 'webm', 'mov', 'mkv'];
  return Array.from({ length: n }, (_, i) => {
    const ext = kinds[i % kinds.length]!;
    const path = join(dir, `clip-${i}.${ext}`);
    copyFileSync(join(fixturesDir, `timeline.${ext}`), path);
    writeFileSync(path, Buffer.alloc(Math.floor(i / kinds.length)), { flag: 'a' });
    return path;
  });
}
