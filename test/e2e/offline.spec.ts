import { readdirSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { media, MODEL_HOST } from './fixture-world';
import { recordAnswerGrowth } from '../support/answer-growth';
import { installScriptedChatEngine, scriptedCalls } from '../support/scripted-chat-engine';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { results, search, searchBox } from './search-page.ts';

/** The build being served: dist/, or TROVE_E2E_DIST when a run serves another folder (see playwright.config.ts). */
function distDir(): string {
  return process.env.TROVE_E2E_DIST ?? 'dist';
}

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
    // Every code and WASM file the build emitted, the big runtimes included (ORT ~26 MB, ffmpeg ~31 MB,
    // WebLLM ~6 MB): the app needs all of them offline.
    const assetsDir = `${distDir()}/assets`;
    const emitted = readdirSync(assetsDir).filter((f) => /\.(js|mjs|css|wasm)$/.test(f));
    expect(emitted.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThan(0);
    expect(emitted.filter((f) => !urls.includes(`/assets/${f}`))).toEqual([]);
    expect(urls.filter((u) => /\.(onnx|safetensors|bin)$/.test(u) || u.startsWith('/models/'))).toEqual([]);
    expect(urls).not.toContain('/models.json');
  });
});

/**
 * Serves the fixture models.json to the whole context. page.route would not do: once the service worker
 * controls the page, the page's requests go to the worker, and only context routes see the worker's own.
 */
async function routeModelsJson(context: BrowserContext): Promise<() => Promise<void>> {
  const handler = (route: import('@playwright/test').Route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(fixtureModelsConfig(MODEL_HOST)),
    });
  await context.route('**/models.json', handler);
  return () => context.unroute('**/models.json', handler);
}

test('after a first run with the models, adding a file and searching work offline', async ({
  page,
  context,
}) => {
  const unroute = await routeModelsJson(context);

  // First run, online: the worker precaches the app; ingest and search download and cache the models.
  await page.goto('/');
  await waitForServiceWorker(page);
  // A few files, so search has a background to tell a match from the rest (one item never "matches").
  const first = [
    'image/red-square.png',
    'image/blue-sky.webp',
    'image/yellow-sun.png',
    'text/kite-diary.txt',
  ];
  await page.getByLabel('Add files').setInputFiles(first.map(media));
  await expect(page.getByText(`${first.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
  await search(page, 'red');
  await expect(results(page).first()).toHaveAccessibleName(/^red-square\.png/);

  // Offline, with nothing routed: models.json must come from the worker's copy, models from Cache Storage.
  await unroute();
  await context.setOffline(true);
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByText(`${first.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_PAGE_LOAD_TIME,
  });

  await page.getByLabel('Add files').setInputFiles(media('image/green-field.jpg'));
  await expect(page.getByText(`${first.length + 1} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden();
  await search(page, 'green');
  await expect(results(page).first()).toHaveAccessibleName(/^green-field\.jpg/);
  // Nothing needed the network: no request was attempted and failed.
  expect(failed).toEqual([]);
  await context.setOffline(false);
});

test('after a first run, Ask streams a cited answer offline (a scripted engine stands in for a cached answer model)', async ({
  page,
  context,
}) => {
  // TEST DOUBLE, not a language model: real WebLLM weights cannot be downloaded, so cannot be cached, here.
  // The scripted chat engine (test/support/scripted-chat-engine.ts) stands in for an answer model already
  // in the browser's cache; everything else (app, search models, library) must come from this device.
  await installScriptedChatEngine(page);
  const unroute = await routeModelsJson(context);

  await page.goto('/');
  await waitForServiceWorker(page);
  const files = ['text/kite-diary.txt', 'text/plumbing-notes.md', 'image/red-square.png'];
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
  // One search online, so the query-side models are downloaded and cached as a first visit would.
  await search(page, 'kite');

  await unroute();
  await context.setOffline(true);
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_PAGE_LOAD_TIME,
  });

  // Ask is the first query after the reload: the answer arrives while the encoder workers are still starting
  // (see the font warm-up in AnswerPanel.svelte, which keeps the page responsive then).
  await searchBox(page).fill('what was the hawk circling');
  const growth = await recordAnswerGrowth(page);
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await expect(answer.getByRole('button', { name: 'New conversation' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });
  await expect(answer.getByRole('status')).toHaveCount(0);
  const text = answer.locator('.answer-text');
  await expect(text).toContainText('Saw a red kite flying low over the field');
  await expect(text.getByRole('button', { name: /^Source \d+: kite-diary\.txt/ })).toBeVisible();
  expect(await scriptedCalls(page)).toHaveLength(1);
  const steps = await growth();
  expect(steps.filter((s) => s.busy).length, JSON.stringify(steps)).toBeGreaterThanOrEqual(3);

  expect(failed).toEqual([]);
  await context.setOffline(false);
});
