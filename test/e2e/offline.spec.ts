import { readdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/** Waits until the service worker is active, which Workbox reaches only after every precache entry is stored. */
async function waitForServiceWorker(page: Page): Promise<{ scope: string; precached: number }> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const names = await caches.keys();
    const precache = names.find((n) => n.startsWith('workbox-precache'));
    const precached = precache ? (await (await caches.open(precache)).keys()).length : 0;
    return { scope: registration.scope, precached };
  });
}

test.describe('offline', () => {
  test('after one visit the app shell opens offline, from the service worker, still cross-origin isolated', async ({
    page,
    context,
    baseURL,
  }) => {
    await page.goto('/');
    const sw = await waitForServiceWorker(page);
    expect(sw.scope).toBe(`${baseURL}/`);
    expect(sw.precached).toBeGreaterThan(5);

    await context.setOffline(true);
    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await expect(page).toHaveTitle('Trove');
    await expect(page.getByRole('heading', { level: 1, name: 'Trove' })).toBeVisible();
    // The precached document kept its COOP/COEP headers, so WASM threads stay available offline.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    // A navigation to another path falls back to the shell.
    const deep = await page.goto('/some/deep/link');
    expect(deep?.fromServiceWorker()).toBe(true);
    await expect(page).toHaveTitle('Trove');
    await context.setOffline(false);
  });

  test('precaches every WASM runtime the build emitted, and never models.json or a model file', async ({
    page,
  }) => {
    await page.goto('/');
    await waitForServiceWorker(page);
    const urls = await page.evaluate(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('workbox-precache'))!;
      return (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    });
    const emittedWasm = readdirSync('dist/assets').filter((f) => f.endsWith('.wasm'));
    for (const file of emittedWasm) expect(urls).toContain(`/assets/${file}`);
    expect(urls.filter((u) => /\.(onnx|safetensors|bin)$/.test(u) || u.startsWith('/models/'))).toEqual([]);
    expect(urls).not.toContain('/models.json');
  });
});
