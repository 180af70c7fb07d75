// Where the test tiers find Chromium. Shared by the Vitest browser project and Playwright's e2e config,
// so both use the same browser and the same flags. Never downloads a browser.
import { existsSync } from 'node:fs';

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH ?? '', '/usr/bin/chromium'].filter((p) => p !== '');
  return candidates.find((p) => existsSync(p)) ?? null;
}

export const missingChromiumMessage =
  "Chromium was not found. Set CHROMIUM_PATH to a Chromium binary, or install Debian's package: " +
  "sudo apt-get install -y chromium. (Trove's tests never download a browser.)";

// WebGPU through SwiftShader in headless Chromium, and no background traffic to Google's hosts.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
];

// For the correctness tiers only. V8's top-tier (TurboFan) compile of onnxruntime-web's WASM runs on all of
// the renderer's pool threads for up to ~160 s on these 2 cores under load, and stalls OPFS writes behind it
// (traced: wasm.TopTierCompilation beside a stalled write). Liftoff alone compiles at once and runs the
// fixture models fast enough. The stall is real for users, so the benchmarks and one e2e smoke spec keep
// V8's default compilers (see playwright.config.ts) and the realsize bench measures the cold start.
export const correctnessTierArgs = [...chromiumArgs, '--js-flags=--liftoff-only'];
