// Keeps the realsize bench's harness working without the real-size models (CI never has them): the same
// driver (bench/lib/app-driver.ts) runs the built app on the fixture world, and what it reads must be
// real readings: items counted, queries timed by the app's own measure with its stages, memory reported.
import { expect, test } from '@playwright/test';
import {
  addFiles,
  itemCount,
  openApp,
  percentiles,
  rendererResident,
  timeFileQuery,
  timeTextQuery,
  userAgentMemory,
  waitForItems,
} from '../../bench/lib/app-driver.ts';
import { chromiumPath, correctnessTierArgs } from '../../scripts/chromium-path.js';
import { media, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';

// The flag makes measureUserAgentSpecificMemory answer at once instead of at the next garbage collection.
test.use({
  serviceWorkers: 'block',
  launchOptions: {
    executablePath: chromiumPath() ?? undefined,
    args: [...correctnessTierArgs, '--enable-blink-features=ForceEagerMeasureMemory'],
  },
});

test('the bench driver adds files, times queries by the app’s measure and reads memory', async ({
  page,
  baseURL,
}) => {
  await serveFixtureModelsConfig(page);
  const opened = await openApp(page, baseURL!, MAX_PAGE_LOAD_TIME);
  expect(opened).toBeGreaterThan(0);
  expect(await itemCount(page)).toBe(0);

  await addFiles(page, ['image/red-square.png', 'image/blue-sky.webp', 'audio/low-hum.wav'].map(media));
  await waitForItems(page, 3, MAX_INGEST_TIME);
  expect(await itemCount(page)).toBe(3);

  const red = await timeTextQuery(page, 'red', MAX_QUERY_TIME);
  expect(red.results).toBeGreaterThan(0);
  expect(red.ms).toBeGreaterThan(0);
  // The stages come from the searcher and fit inside the whole measure.
  expect(red.stages.encode).toBeGreaterThan(0);
  expect(red.stages.total).toBeLessThanOrEqual(red.ms);
  await expect(
    page.getByRole('list', { name: 'Results' }).getByRole('listitem').first(),
  ).toHaveAccessibleName(/^red-square\.png/);

  const byImage = await timeFileQuery(page, 'image', media('image/red-square.png'), MAX_QUERY_TIME);
  expect(byImage.results).toBeGreaterThan(0);
  await expect(page.getByRole('list', { name: 'Attachments' }).getByRole('listitem')).toHaveCount(0);
  const bySound = await timeFileQuery(page, 'audio', media('audio/low-hum.wav'), MAX_QUERY_TIME);
  expect(bySound.stages.encode).toBeGreaterThan(0);

  const p = percentiles([red.ms, byImage.ms, bySound.ms]);
  expect(p.n).toBe(3);
  expect(p.p50).toBeLessThanOrEqual(p.p95);

  const ua = await userAgentMemory(page);
  expect(ua.pageBytes).toBeGreaterThan(0);
  expect(ua.workers).toBeGreaterThan(0);
  expect(ua.workerBytes).toBeGreaterThan(0);
  // Playwright's browser has a temporary profile folder of this name in its command line.
  const resident = rendererResident('playwright_chromiumdev_profile');
  expect(resident.bytes).toBeGreaterThan(ua.pageBytes);
  expect(resident.each.reduce((a, b) => a + b, 0)).toBe(resident.bytes);
  // The app's page runs workers, so its renderer is found, and is one of the browser's renderers.
  expect(resident.app).toBeGreaterThan(ua.pageBytes);
  expect(resident.app).toBeLessThanOrEqual(resident.bytes);
});
