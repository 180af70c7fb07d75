// Export and import of the whole library through Settings: a file with the original files, refused
// imports (truncated, foreign) that change nothing, then a clear and an import that brings back the same
// items, the same search results and the original files.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { watchPage } from './network-guard';
import { rasterType } from '../../src/backup/thumbnail-check.ts';
import { redrawWaveform } from '../../src/backup/waveform-thumbnail.ts';
import { encodeSections, toJsonLines } from '../support/backup-files.ts';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { resultNames, search as runSearch } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = ['image/red-square.png', 'image/green-field.jpg', 'image/blue-sky.webp', 'text/kite-diary.txt'];

async function search(page: Page, text: string) {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  await runSearch(page, text);
  return resultNames(page);
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

/** A well-formed export of one photo whose thumbnail is an SVG that runs script when opened on its own. */
async function scriptedSvgBackup(): Promise<Buffer> {
  const svg = new TextEncoder().encode(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="alert(\'onload\')">' +
      '<script>alert(document.domain); indexedDB.deleteDatabase("trove-library")</script></svg>',
  );
  const json = (name: string, values: unknown[]) => ({ name, bytes: toJsonLines(values) });
  const file = await encodeSections([
    json('manifest', [
      {
        format: 'trove-library',
        formatVersion: 1,
        schemaVersion: 1,
        exportedAt: '2026-01-01T00:00:00.000Z',
        counts: { items: 1, segments: 0, thumbnails: 1, originals: 0 },
        spaces: {},
      },
    ]),
    json('items', [
      {
        id: 'evil',
        name: 'holiday.png',
        folderPath: '',
        kind: 'image',
        format: 'png',
        mime: 'image/png',
        size: 100,
        mtime: 0,
        status: 'ready',
        addedAt: 0,
        updatedAt: 0,
      },
    ]),
    json('segments', []),
    json('thumbnails', [
      { id: 'evil:thumb', itemId: 'evil', width: 64, height: 64, type: 'image/svg+xml', size: svg.length },
    ]),
    { name: 'thumbnail/0', bytes: svg },
  ]);
  return Buffer.from(await file.arrayBuffer());
}

test('the import confirmation exports the current library first; a scripted SVG backup is refused; image URLs open as pictures', async ({
  page,
  context,
  baseURL,
}, info) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  const dialogs: string[] = [];
  context.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // Every object URL the app makes, with the type of its Blob.
  await page.addInitScript(() => {
    const made: { url: string; type: string }[] = [];
    (window as unknown as { objectUrls: typeof made }).objectUrls = made;
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = create(object);
      if (object instanceof Blob) made.push({ url, type: object.type });
      return url;
    };
  });
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  const files = ['image/red-square.png', 'audio/low-hum.wav'];
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });

  // Choosing a file asks first, and offers to export what would be replaced.
  const hostile = info.outputPath('scripted-svg.trove');
  writeFileSync(hostile, await scriptedSvgBackup());
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Library file to import').setInputFiles(hostile);
  await expect(page.getByRole('alert').filter({ hasText: /^Replace the 2 items/ })).toContainText(
    'cannot be undone',
  );
  await page.getByLabel('Include the original files').check();
  await page.getByRole('button', { name: 'Export the current library first' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Ready:/ })).toContainText(
    `${files.length} items, ${files.length} original files`,
    { timeout: MAX_INGEST_TIME },
  );
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Save trove-library-\d{4}-\d\d-\d\d\.trove$/ }).click();
  const saved = info.outputPath('before-import.trove');
  await (await downloading).saveAs(saved);

  // The import goes on from the same confirmation, and is refused: nothing runs, nothing changes.
  await page.getByRole('button', { name: 'Import and replace' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /^Nothing was changed/ })).toContainText(
    'thumbnail "evil:thumb" is an SVG that is not a waveform Trove drew',
  );
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible();
  await expect(page.getByText('holiday.png')).toHaveCount(0);

  // The export made first is a whole library: importing it gives the same items back.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Library file to import').setInputFiles(saved);
  await page.getByRole('button', { name: 'Import and replace' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported/ })).toContainText(
    `Imported ${files.length} items with ${files.length} original files.`,
    { timeout: MAX_INGEST_TIME },
  );

  // After a reload, every object URL is of the imported library: its thumbnails, and a photo's original.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
  await page.reload();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_PAGE_LOAD_TIME,
  });
  const thumbs = page.locator('.item-thumb img');
  await expect(thumbs).toHaveCount(files.length);
  await page.getByRole('button', { name: 'Open red-square.png' }).click();
  const viewer = page.getByRole('dialog', { name: 'red-square.png' });
  await expect
    .poll(() => viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  const urls = await page.evaluate(async () => {
    const made = (window as unknown as { objectUrls: { url: string; type: string }[] }).objectUrls;
    return Promise.all(
      made.map(async ({ url, type }) => {
        const response = await fetch(url);
        const bytes = [...new Uint8Array(await response.arrayBuffer())];
        return { url, type, served: response.headers.get('content-type') ?? '', bytes };
      }),
    );
  });
  // The two thumbnails (the photo's JPEG, the recording's waveform) and the photo's stored copy, which has
  // no type of its own: its bytes must be the picture its item says.
  expect(urls.map((u) => u.type).sort()).toEqual(['', 'image/jpeg', 'image/svg+xml']);
  const pictures = urls.map(({ url, type, served, bytes }) => {
    const content = Uint8Array.from(bytes);
    expect(served).toBe(type);
    if (type === 'image/svg+xml') expect(new TextDecoder().decode(content)).toBe(redrawWaveform(content));
    else expect(rasterType(content)).toBe(type || 'image/png');
    return { url, type };
  });

  // Opened on its own, as "Open image in new tab" does, each is a picture (Chromium shows a Blob without a
  // type as plain text): never an HTML or SVG document of its own, and no script runs.
  for (const { url, type } of pictures) {
    const tab = await context.newPage();
    await tab.goto(url);
    expect(await tab.evaluate(() => document.contentType)).toBe(type || 'text/plain');
    expect(await tab.evaluate(() => document.scripts.length)).toBe(0);
    await tab.close();
  }
  expect(dialogs).toEqual([]);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
