// Export and import of the whole library through Settings: a file with the original files, refused
// imports (truncated, foreign) that change nothing, then a clear and an import that brings back the same
// items, the same search results and the original files.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { watchPage } from './network-guard';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';

test.use({ serviceWorkers: 'block' });

const files = ['image/red-square.png', 'image/green-field.jpg', 'image/blue-sky.webp', 'text/kite-diary.txt'];

async function search(page: Page, text: string) {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill(text);
  await box.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /results? for “/ })).toContainText(text, {
    timeout: MAX_QUERY_TIME,
  });
  return page
    .getByRole('list', { name: 'Results' })
    .getByRole('listitem')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

async function importFile(page: Page, path: string) {
  await page.getByLabel('Library file to import').setInputFiles(path);
  await page.getByRole('button', { name: 'Import and replace' }).click();
}

test('export with originals, refused imports change nothing, import after a clear restores the library', async ({
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
  const before = await search(page, 'red');
  expect(before[0]).toMatch(/^red-square\.png/);

  // Export, with the original files.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Include the original files').check();
  await page.getByRole('button', { name: 'Export library' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Ready:/ })).toContainText(
    `${files.length} items, ${files.length} original files`,
    { timeout: MAX_INGEST_TIME },
  );
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Save trove-library-\d{4}-\d\d-\d\d\.trove$/ }).click();
  const exported = info.outputPath('library.trove');
  await (await downloading).saveAs(exported);

  // Refused: a file cut short, and a picture. Each says why, and the library is as it was.
  const bytes = readFileSync(exported);
  const truncated = info.outputPath('truncated.trove');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await importFile(page, truncated);
  await expect(page.getByRole('alert').filter({ hasText: /^Nothing was changed/ })).toContainText(
    'incomplete',
  );
  await importFile(page, media('image/red-square.png'));
  await expect(page.getByRole('alert').filter({ hasText: /^Nothing was changed/ })).toContainText(
    'not a Trove library export',
  );
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible();

  // Clear, then import the export: the same items, the same results, the originals back.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Clear the library' }).click();
  await page.getByRole('button', { name: 'Yes, clear the library' }).click();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText(/^0 items$/)).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await importFile(page, exported);
  await expect(page.getByRole('status').filter({ hasText: /^Imported/ })).toContainText(
    `Imported ${files.length} items with ${files.length} original files.`,
    { timeout: MAX_INGEST_TIME },
  );
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible();
  expect(await search(page, 'red')).toEqual(before);
  await page
    .getByRole('list', { name: 'Results' })
    .getByRole('listitem')
    .first()
    .getByRole('button')
    .first()
    .click();
  const viewer = page.getByRole('dialog', { name: 'red-square.png' });
  await expect(viewer).toBeVisible();
  await expect
    .poll(() =>
      viewer
        .locator('img')
        .first()
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    )
    .toBeGreaterThan(0);
  await page.keyboard.press('Escape');

  // After a reload the imported library is still there, indexes and all.
  await page.reload();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_PAGE_LOAD_TIME,
  });
  expect(await search(page, 'red')).toEqual(before);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
