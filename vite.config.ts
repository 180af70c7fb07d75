/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import wasm from 'vite-plugin-wasm';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, chromiumPath } from './scripts/chromium-path.js';
import { cspPlugin } from './scripts/vite/csp.ts';
import { pwaPlugin } from './scripts/vite/pwa.ts';

// COOP + COEP make the page crossOriginIsolated, which lets onnxruntime-web and ffmpeg.wasm use WASM
// threads (measured 3x faster on a 2-core machine). Every server that hosts Trove must send them.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [svelte(), wasm(), pwaPlugin(), cspPlugin()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es', plugins: () => [wasm()] },
  optimizeDeps: {
    // ffmpeg.wasm spawns its own module worker by URL; pre-bundling breaks that URL.
    exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util', 'onnxruntime-web', '@huggingface/transformers'],
    // Found late (inside the vector index worker; web-llm behind a dynamic import and in the answer worker),
    // these would make Vite reload a running test page.
    include: ['voy-search', 'comlink', 'idb', '@mlc-ai/web-llm'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // One file at a time: files share the origin's Cache Storage, IndexedDB and OPFS, and 2 cores
          // gain nothing from running model-heavy files side by side.
          fileParallelism: false,
          // Room for a stall that is the browser's, not Trove's: V8 compiles onnxruntime's WASM in its top
          // tier on all of the renderer's pool threads, for up to ~160 s on these 2 cores under load, and
          // OPFS writes wait for those threads (traced: wasm.TopTierCompilation for 98 s beside a 98 s
          // stalled write; 96-162 s stalls under load, none with --js-flags=--liftoff-only).
          testTimeout: 300_000,
          hookTimeout: 300_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath() ?? undefined, args: chromiumArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
