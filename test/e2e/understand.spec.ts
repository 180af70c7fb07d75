// Issue 23 in the built app, nothing mocked: text in pictures (read by the fixture Florence-2, switched in
// Settings), places from GPS (named offline by the app's own gazetteer), a query in French, and the language
// Whisper detects in a voice note.
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { fixtureWorldConfig, media, modelHostOrigin } from './fixture-world';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { resultNames, results, search as runSearch } from './search-page.ts';
import type { CaptionSettings } from '../../src/models/caption-config.ts';

test.use({ serviceWorkers: 'block' });

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });
const ocrSwitch = (page: Page) =>
  page.getByRole('switch', { name: 'Read the text in pictures when they are added' });

/** The fixture world's models.json, with its captions section set. */
async function serveConfig(page: Page, captions: CaptionSettings) {
  await page.route('**/models.json', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...fixtureWorldConfig(), captions }),
    }),
  );
}

async function addFiles(page: Page, files: string[], total: number) {
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${total} items`, { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
}

const search = (page: Page, text: string) => runSearch(page, text, { orNothing: true });

async function setOcr(page: Page, on: boolean) {
  await views(page).getByRole('button', { name: 'Settings' }).click();
  const toggle = ocrSwitch(page);
  await expect(toggle).toBeChecked({ checked: !on });
  await toggle.setChecked(on);
  await page.getByRole('button', { name: 'Restart now' }).click();
  await expect(ocrSwitch(page)).toBeChecked({ checked: on, timeout: MAX_PAGE_LOAD_TIME });
  await views(page).getByRole('button', { name: 'Library' }).click();
}

test('"invoice 2291" finds the receipt with its words marked; the text setting turns the pass off and on', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveConfig(page, { enabled: false, ocr: true });
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await addFiles(page, ['ocr/receipt.jpg', 'image/green-field.jpg', 'image/red-square.png'], 3);

  await search(page, 'invoice 2291');
  const first = results(page).first();
  await expect(first).toHaveAccessibleName(/^receipt\.jpg/);
  await expect(first.locator('mark')).toHaveText(['INVOICE', '2291']);

  // Settings says what it costs, and turns it off: a sign added now is not read.
  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(ocrSwitch(page)).toHaveAccessibleDescription(/without text costs about 1 ms/);
  await views(page).getByRole('button', { name: 'Library' }).click();
  await setOcr(page, false);
  await expect(page.getByText('3 items', { exact: true })).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await addFiles(page, ['ocr/exit-sign.jpg'], 4);
  await search(page, 'exit 14');
  expect(await resultNames(page)).not.toContainEqual(expect.stringMatching(/^exit-sign\.jpg/));

  // On again: the dashcam clip added now is read, at the second the sign is in view.
  await setOcr(page, true);
  await addFiles(page, ['ocr/dashcam.mp4'], 5);
  await search(page, 'exit 14');
  await expect(results(page).first()).toHaveAccessibleName(/^dashcam\.mp4, video at 0:02/);
  await expect(results(page).first().locator('mark')).toHaveText(['EXIT', '14']);

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});

test('"Lisbon" finds the photos taken in Lisbon, "photos in Lisbon" filters to them, and both show their place', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveConfig(page, { enabled: false });
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  const photos = ['lisbon-tram.jpg', 'lisbon-river.jpg', 'porto-bridge.jpg', 'lyon-square.jpg'];
  await addFiles(page, [...photos.map((p) => `places/${p}`), 'image/blue-sky.webp'], 5);

  await search(page, 'Lisbon');
  const names = await resultNames(page);
  expect(
    names
      .slice(0, 2)
      .map((n) => n.split(',')[0])
      .sort(),
  ).toEqual(['lisbon-river.jpg', 'lisbon-tram.jpg']);
  for (const other of ['porto-bridge.jpg', 'lyon-square.jpg', 'blue-sky.webp'])
    expect(names).not.toContainEqual(expect.stringMatching(new RegExp(`^${other}`)));
  await expect(results(page).first().getByText('Lisbon, Portugal')).toBeVisible();

  await search(page, 'Portugal');
  expect(
    (await resultNames(page))
      .map((n) => n.split(',')[0])
      .slice(0, 3)
      .sort(),
  ).toEqual(['lisbon-river.jpg', 'lisbon-tram.jpg', 'porto-bridge.jpg']);

  // "in Lisbon" is a filter: a chip, and only the photos taken there, even for words that match others.
  await search(page, 'photos in Lisbon');
  await expect(page.getByRole('list', { name: 'Filters' }).getByRole('listitem')).toHaveText([
    /^Type: Photos/,
    /^Place: Lisbon/,
  ]);
  expect((await resultNames(page)).map((n) => n.split(',')[0]).sort()).toEqual([
    'lisbon-river.jpg',
    'lisbon-tram.jpg',
  ]);

  await search(page, 'Lyon');
  await results(page).first().getByRole('button').first().click();
  const viewer = page.getByRole('dialog', { name: 'lyon-square.jpg' });
  await expect(viewer.getByLabel('Taken in Lyon, Auvergne-Rhône-Alpes, France')).toBeVisible();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});

test('a French query finds the French document; Settings says the picture and sound models know English only', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveConfig(page, { enabled: false });
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await addFiles(
    page,
    [
      'languages/recette-pain.txt',
      'languages/bahnreise.txt',
      'languages/garden-birds.txt',
      'text/plumbing-notes.md',
    ],
    4,
  );

  await search(page, 'recette de pain');
  await expect(results(page).first()).toHaveAccessibleName(/^recette-pain\.txt/);
  await expect(results(page).first().getByText('in French')).toBeVisible();

  await search(page, 'Fahrkarte Bahnhof');
  await expect(results(page).first()).toHaveAccessibleName(/^bahnreise\.txt/);
  await expect(results(page).first().getByText('in German')).toBeVisible();

  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText(/matched to English words only/)).toBeVisible();
  await expect(page.getByLabel('Transcribe speech in')).toHaveValue('auto');

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});

test('a French voice note is transcribed in French and its result says so; an English one says English', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveConfig(page, { enabled: false });
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  // No language chosen in Settings: Whisper detects each recording's.
  await addFiles(page, ['audio/note-plombier.wav', 'audio/speech-plumber.wav'], 2);

  await search(page, 'plombier robinet');
  const first = results(page).first();
  await expect(first).toHaveAccessibleName(/^note-plombier\.wav/);
  await expect(first.getByText('in French')).toBeVisible();

  await search(page, 'valve under the sink');
  await expect(results(page).first()).toHaveAccessibleName(/^speech-plumber\.wav/);
  await expect(results(page).first().getByText('in English')).toBeVisible();

  await views(page).getByRole('button', { name: 'Settings' }).click();
  const language = page.getByLabel('Transcribe speech in');
  await expect(language).toHaveValue('auto');
  await expect(language.locator('option[value="auto"]')).toHaveText('detected by Whisper');

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
