// Imported by the service worker (see scripts/vite/pwa.ts). On a first visit the app reads models.json
// before the worker is installed, so the worker's network-first route never sees it; without a copy the
// app could not start offline. At install, keep one in the cache that route reads.
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open('trove-config')
      .then((cache) => cache.add(new Request('models.json', { cache: 'no-cache' })))
      // A missing or broken models.json must not stop the app shell from being installed.
      .catch(() => undefined),
  );
});
