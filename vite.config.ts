/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import wasm from 'vite-plugin-wasm';
import { playwright } from '@vitest/browser-playwright';
import { correctnessTierArgs, chromiumPath } from './scripts/chromium-path.js';
import { cspPlugin, cspPreviewPlugin } from './scripts/vite/csp.ts';
import { pwaPlugin } from './scripts/vite/pwa.ts';
import { gazetteerPlugin } from './scripts/vite/gazetteer.ts';
import { isolationHeaders } from './scripts/vite/isolation-headers.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from './test/support/time-budgets.ts';

export default defineConfig({
  plugins: [svelte(), wasm(), gazetteerPlugin(), pwaPlugin(), cspPlugin(), cspPreviewPlugin()],
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
          // Named budgets (test/support/time-budgets.ts). V8's top-tier WASM compile once stalled this tier for
          // minutes on 2 cores; the correctness tiers now run with Liftoff only (correctnessTierArgs), and a
          // test that outgrows its budget is a bug to find, not a timeout to raise.
          testTimeout: MAX_TEST_EXECUTION_TIME,
          hookTimeout: MAX_HOOK_TIME,
          retry: 0,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath() ?? undefined, args: correctnessTierArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
