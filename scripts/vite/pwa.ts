// The service worker and web app manifest (vite-plugin-pwa, Workbox generateSW).
//
// - Precached: the app shell and every built asset the app runs offline with, including the big WASM
//   runtimes (onnxruntime-web ~26 MB, ffmpeg.wasm's core ~31 MB) and the answer engine's code.
// - Never cached by the service worker: model files. transformers.js and WebLLM keep them in Cache Storage
//   themselves; requests the worker does not route go straight to the network, untouched.
// - The gazetteer (place names, several MB): not precached; cached on first use (a file with GPS).
// - models.json: network first, so a deployment can change models without a rebuild, with the last copy
//   kept for offline starts.
// - Updates: registerType 'prompt'. A new worker waits until the user chooses to reload (src/pwa/), so an
//   open session never has its code swapped underneath it.
// - Dev server and Vitest: no service worker (devOptions.enabled false; the register module is a no-op).
import type { Plugin } from 'vite';
import type { ManifestEntry, ManifestTransform } from 'workbox-build';
import { VitePWA, type VitePWAOptions } from 'vite-plugin-pwa';

/** Workbox's own default limit, kept for every asset that is not a known large runtime. */
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** The ceiling for the known large runtimes. */
export const LARGE_MAX_BYTES = 64 * 1024 * 1024;

/** Built assets allowed past DEFAULT_MAX_BYTES: the runtimes that ingest and answers cannot run without. */
export const LARGE_ASSETS: RegExp[] = [
  /^assets\/ort-wasm[\w.-]*\.(wasm|mjs)$/,
  /^assets\/ffmpeg-core[\w.-]*\.(wasm|js)$/,
  // The workers that bundle transformers.js or WebLLM (WebLLM's worker is about 6 MB).
  /^assets\/(llm|encoder)\.worker[\w.-]*\.js$/,
];

/** Packages whose chunks may exceed DEFAULT_MAX_BYTES, whatever the bundler names the chunk. */
export const LARGE_PACKAGES = ['@mlc-ai/web-llm', '@huggingface/transformers', 'onnxruntime-web'];

/** File names of this build's chunks that hold a LARGE_PACKAGES module (WebLLM's lazy chunk is "lib-….js"). */
const largeChunks = new Set<string>();

/** Notes which emitted chunks carry the large runtimes, for limitLargeAssets (which runs after the bundle). */
function findLargeChunks(): Plugin {
  return {
    name: 'trove-large-chunks',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        if (output.moduleIds.some((id) => LARGE_PACKAGES.some((p) => id.includes(`/node_modules/${p}/`))))
          largeChunks.add(output.fileName);
      }
    },
  };
}

/** The cache of models.json; public/sw-warm-config.js fills it at install under the same name. */
export const CONFIG_CACHE = 'trove-config';

export const LIGHT_BACKGROUND = '#fdfcf8'; // src/styles/base.css --bg
export const THEME_COLOUR = '#8a4b08'; // src/styles/base.css --accent, the icon's brown

/**
 * Drops precache entries over DEFAULT_MAX_BYTES unless they are known large runtimes, and says so in a
 * build warning; a new big asset must be added to LARGE_ASSETS on purpose, not cached by accident.
 */
export const limitLargeAssets: ManifestTransform = async (entries) => {
  const manifest: (ManifestEntry & { size: number })[] = [];
  const warnings: string[] = [];
  for (const entry of entries) {
    const known = LARGE_ASSETS.some((re) => re.test(entry.url)) || largeChunks.has(entry.url);
    if (entry.size > DEFAULT_MAX_BYTES && !known) {
      warnings.push(
        `${entry.url} (${(entry.size / 2 ** 20).toFixed(1)} MB) is not precached: add it to LARGE_ASSETS in scripts/vite/pwa.ts if the app needs it offline`,
      );
      continue;
    }
    manifest.push(entry);
  }
  return { manifest, warnings };
};

export const pwaOptions: Partial<VitePWAOptions> = {
  registerType: 'prompt',
  // src/pwa/register.ts registers the worker itself, so the UI can show "update available".
  injectRegister: false,
  devOptions: { enabled: false },
  includeAssets: ['favicon.svg'],
  manifest: {
    name: 'Trove',
    short_name: 'Trove',
    description: 'Private search over your own photos, recordings and documents, on this device.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: LIGHT_BACKGROUND,
    theme_color: THEME_COLOUR,
    icons: [
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    // Only index.html and assets/ (the icons and the manifest are added by the plugin): a self-hosted
    // model folder copied into dist/ (models/, llm/) is never precached, whatever its file types.
    globPatterns: ['index.html', 'assets/**/*.{js,mjs,css,wasm,bcmap,svg,png,woff2}'],
    maximumFileSizeToCacheInBytes: LARGE_MAX_BYTES,
    manifestTransforms: [limitLargeAssets],
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
    // Update only when the user says so (src/pwa/): no skipWaiting, no clientsClaim.
    skipWaiting: false,
    clientsClaim: false,
    // Caches models.json at install (public/sw-warm-config.js), into the cache the route below reads.
    importScripts: ['sw-warm-config.js'],
    runtimeCaching: [
      {
        urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.endsWith('/models.json'),
        handler: 'NetworkFirst',
        options: { cacheName: CONFIG_CACHE, networkTimeoutSeconds: 5, expiration: { maxEntries: 2 } },
      },
      // The gazetteer (scripts/vite/gazetteer.ts) is not precached (.tsv is not in globPatterns): it is
      // fetched the first time a file has GPS, then kept, so places are named offline from then on.
      {
        urlPattern: ({ url, sameOrigin }) =>
          sameOrigin && /\/assets\/gazetteer-[\w-]+\.tsv$/.test(url.pathname),
        handler: 'CacheFirst',
        options: { cacheName: 'trove-gazetteer', expiration: { maxEntries: 1 } },
      },
    ],
  },
};

export function pwaPlugin(): Plugin[] {
  return [findLargeChunks(), ...VitePWA(pwaOptions)];
}
