// `npx tsx scripts/generate-icons.ts`: renders the PWA icons from public/favicon.svg. The PNGs are
// committed, so builds never run this.
//
// - icon-192.png / icon-512.png: the favicon as it is (rounded square), for the browser and the install UI.
// - icon-maskable-512.png: the artwork shrunk into the maskable safe zone (the central 80% circle) on a
//   full-bleed square of the icon's brown, so launchers can crop it to any shape without losing the box.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const svg = await readFile(`${publicDir}favicon.svg`);
const brown = '#8a4b08';

async function render(size: number): Promise<Buffer> {
  // density scales the 64-unit viewBox so the SVG is rasterised at the target size, not upscaled.
  return sharp(svg, { density: (72 * size) / 64 })
    .resize(size, size)
    .png()
    .toBuffer();
}

for (const size of [192, 512]) {
  await sharp(await render(size)).toFile(`${publicDir}icon-${size}.png`);
}

const maskable = 512;
const inner = Math.round(maskable * 0.7); // inside the 80% safe-zone circle, corners included
await sharp({ create: { width: maskable, height: maskable, channels: 4, background: brown } })
  .composite([{ input: await render(inner), gravity: 'center' }])
  .png()
  .toFile(`${publicDir}icon-maskable-512.png`);

console.log('wrote public/icon-192.png, public/icon-512.png, public/icon-maskable-512.png');
