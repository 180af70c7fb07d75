// Words that are filters (issue 22): "photos", "from May 2024", "in folder Trips" filter the search in the
// catalog (a filtered-out item is never a candidate, not a hidden result), each shows as a chip, and
// removing a chip takes its words out of the query and searches again.
import { mkdtemp, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';
import { resultNames, results, search, searchBox, searchDone } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

/** Loose files; rotated-exif.jpg was taken on 17 May 2024 (its EXIF date). */
const loose = [
  'image/red-square.png',
  'image/rotated-exif.jpg',
  'audio/low-hum.wav',
  'text/plumbing-notes.md',
];
/** Added as the folder "Trips". */
const inTrips = ['image/green-field.jpg', 'text/kite-diary.txt'];

const chips = (page: Page) => page.getByRole('list', { name: 'Filters' }).getByRole('listitem');

test('filter words become chips, filter the search, and a removed chip searches again without it', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await page.getByLabel('Add files').setInputFiles(loose.map(media));
  // A folder through the folder picker's file input: its files keep "Trips" as their folder.
  const trips = path.join(await mkdtemp(path.join(tmpdir(), 'trove-e2e-')), 'Trips');
  await mkdir(trips);
  for (const f of inTrips) await copyFile(media(f), path.join(trips, path.basename(f)));
  await page.locator('input[webkitdirectory]').setInputFiles(trips);
  const total = loose.length + inTrips.length;
  await expect(page.getByText(`${total} items`, { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });

  // Only filters: every photo is listed, and nothing else.
  await search(page, 'photos');
  await expect(chips(page)).toHaveText([/^Type: Photos/]);
  expect((await resultNames(page)).sort()).toEqual([
    'green-field.jpg, image',
    'red-square.png, image',
    'rotated-exif.jpg, image',
  ]);

  // A date and a medium: only the photo taken in May 2024.
  await search(page, 'photos from May 2024');
  await expect(chips(page)).toHaveText([/^Type: Photos/, /^Date: May 2024/]);
  expect(await resultNames(page)).toEqual(['rotated-exif.jpg, image']);

  // Removing the date chip leaves "photos" in the field and searches again.
  await page.getByRole('button', { name: 'Remove filter Date: May 2024' }).click();
  await expect(searchBox(page)).toHaveValue('photos');
  await expect(searchDone(page, 'photos')).toBeVisible({ timeout: MAX_QUERY_TIME });
  await expect(chips(page)).toHaveText([/^Type: Photos/]);
  await expect(results(page)).toHaveCount(3);

  // Words and a filter: the words are searched among photos only.
  await search(page, 'red photos');
  await expect(results(page).first()).toHaveAccessibleName(/^red-square\.png, image/);
  for (const name of await resultNames(page)) expect(name).toMatch(/, image/);

  // A folder: the search runs among its items only; the plumbing note is outside it, so "valve" finds
  // nothing there, while "kite" finds the diary inside it.
  await search(page, 'kite in folder Trips');
  await expect(chips(page)).toHaveText([/^Folder: Trips/]);
  await expect(results(page).first()).toHaveAccessibleName(/^kite-diary\.txt, text/);
  await search(page, 'valve in folder Trips', { orNothing: true });
  await expect(
    page.getByRole('status').filter({ hasText: 'Nothing in your library matches “valve in folder Trips”' }),
  ).toBeVisible();
  // A chip's remove button works from the keyboard too.
  await page.getByRole('button', { name: 'Remove filter Folder: Trips' }).focus();
  await page.keyboard.press('Enter');
  await expect(searchBox(page)).toHaveValue('valve');
  await expect(searchDone(page, 'valve')).toBeVisible({ timeout: MAX_QUERY_TIME });
  await expect(results(page).first()).toHaveAccessibleName(/^plumbing-notes\.md, text/);
  await expect(page.getByRole('list', { name: 'Filters' })).toBeHidden();

  // A sound filter; quoted words are never a filter.
  await search(page, 'sounds');
  // A listed recording shows from its first window.
  expect(await resultNames(page)).toEqual(['low-hum.wav, audio at 0:00–0:03']);
  await search(page, '"from May 2024"', { orNothing: true });
  await expect(page.getByRole('list', { name: 'Filters' })).toBeHidden();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
