// The one spec that runs with V8's default WASM compilers (playwright.config.ts, project
// "default-compilers"); every other browser test runs with Liftoff only. V8's top-tier compile of
// onnxruntime-web's WASM has stalled the renderer for minutes on 2 busy cores, and users get that compiler:
// if the stall comes back under the app's own load, this spec runs out of its budget instead of hiding it.
import { expect, test } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { results, search } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = ['image/red-square.png', 'image/green-field.jpg', 'image/blue-sky.webp', 'text/kite-diary.txt'];

test('with the default compilers, files are added and a first query finds the red photo', async ({
  page,
  baseURL,
}, info) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });

  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });

  const asked = Date.now();
  await search(page, 'red');
  info.annotations.push({ type: 'first query', description: `${Date.now() - asked} ms` });
  const first = results(page).first();
  await expect(first).toHaveAccessibleName(/^red-square\.png, image/);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
