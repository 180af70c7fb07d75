// Fixture media as Files, their manifest, and pixel checks, for the ingestion tests in the browser tier.
import { colours, type Colour } from '../../scripts/fixtures/world.ts';
import type { ManifestEntry } from '../../scripts/fixtures/media/manifest.ts';
import { fetchBlob, mediaUrl } from './browser-media.ts';

/** A fixture as a File with its own name and the given lastModified, as a file picker would give it. */
export async function fixtureFile(path: string, lastModified = 1_700_000_000_000): Promise<File> {
  const blob = path.endsWith('.html') ? await rawHtml(path) : await fetchBlob(path);
  return new File([blob], path.slice(path.lastIndexOf('/') + 1), { type: '', lastModified });
}

/**
 * Vite's dev server rewrites every .html it serves to a fetch (it injects its client script), so HTML
 * fixtures are imported with ?raw instead: a module request, which that rewriting leaves alone.
 */
async function rawHtml(path: string): Promise<Blob> {
  const module = (await import(/* @vite-ignore */ `${mediaUrl(path)}?raw`)) as { default: string };
  return new Blob([module.default], { type: 'text/html' });
}

let manifestCache: Promise<ManifestEntry[]> | null = null;

export function manifest(): Promise<ManifestEntry[]> {
  manifestCache ??= fetch(mediaUrl('MANIFEST.json'))
    .then((r) => r.json() as Promise<{ files: ManifestEntry[] }>)
    .then((m) => m.files);
  return manifestCache;
}

export async function entry(path: string): Promise<ManifestEntry> {
  const found = (await manifest()).find((e) => e.path === path);
  if (!found) throw new Error(`No fixture ${path} in MANIFEST.json`);
  return found;
}

/** RGBA pixels of an image blob (or bitmap), drawn at its natural size. */
export async function pixelsOf(source: Blob | ImageBitmap): Promise<ImageData> {
  const bitmap = source instanceof Blob ? await createImageBitmap(source) : source;
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** The fixture-world colour nearest to the mean colour of a region (whole image by default). */
export function dominantColour(
  image: ImageData,
  region = { x: 0, y: 0, w: image.width, h: image.height },
): Colour {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = region.y; y < region.y + region.h; y++) {
    for (let x = region.x; x < region.x + region.w; x++) {
      const i = (y * image.width + x) * 4;
      r += image.data[i]!;
      g += image.data[i + 1]!;
      b += image.data[i + 2]!;
    }
  }
  const n = region.w * region.h;
  const mean = [r / n, g / n, b / n];
  let best: Colour = 'black';
  let bestDistance = Infinity;
  for (const [name, rgb] of Object.entries(colours) as [Colour, readonly number[]][]) {
    const d = rgb.reduce((s, v, i) => s + (v - mean[i]!) ** 2, 0);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * Small JPEGs (48×36), each of its own colour and stripe, so no two have the same content (the library
 * refuses duplicates): numbers `first` to `first + n - 1`, named `<prefix>-<number>.jpg`.
 */
export async function distinctPhotos(n: number, prefix: string, first = 0): Promise<File[]> {
  const canvas = new OffscreenCanvas(48, 36);
  const g = canvas.getContext('2d')!;
  const out: File[] = [];
  for (let i = first; i < first + n; i++) {
    g.fillStyle = `rgb(${(i * 37) % 256}, ${(i * 91) % 256}, ${(i * 53) % 256})`;
    g.fillRect(0, 0, 48, 36);
    g.fillStyle = '#fff';
    g.fillRect(i % 48, 0, 1, 36);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    out.push(new File([blob], `${prefix}-${i}.jpg`, { type: 'image/jpeg' }));
  }
  return out;
}
