// The captions switch in Settings: off by default (as models.json ships), turned on by the user, kept in
// this browser, and from the restart on, pictures added are described in words by the fixture Florence-2
// ("The image is mostly red, with some white."), so a word only the caption says finds the new picture,
// and not the pictures added before.
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { results, search as runSearch } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });

async function addFiles(page: Page, files: string[], total: number) {
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${total} items`, { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
}

/** These searches may find nothing, and the page says so. */
const search = (page: Page, text: string) => runSearch(page, text, { orNothing: true });

test('turning captions on in Settings makes a newly added picture searchable by its caption words', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();

  // Captions off: pictures are found by colour (CLIP), but no file says "mostly".
  await addFiles(page, ['image/yellow-sun.png', 'image/blue-sky.webp'], 2);
  await search(page, 'mostly');
  await expect(results(page)).toHaveCount(0);

  await views(page).getByRole('button', { name: 'Settings' }).click();
  const toggle = page.getByRole('switch', { name: 'Describe pictures in words when they are added' });
  await expect(toggle).not.toBeChecked();
  await expect(toggle).toHaveAccessibleDescription(/searchable by what they show.*slower/);
  await toggle.check();
  await page.getByRole('button', { name: 'Restart now' }).click();

  // Kept across the restart.
  await expect(
    page.getByRole('switch', { name: 'Describe pictures in words when they are added' }),
  ).toBeChecked({ timeout: MAX_PAGE_LOAD_TIME });
  await expect(page.getByRole('button', { name: 'Restart now' })).toBeHidden();
  await views(page).getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText('2 items', { exact: true })).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });

  await addFiles(page, ['image/red-square.png'], 3);
  // "mostly" is said only by the new picture's caption; the pictures added before have none.
  await search(page, 'mostly');
  await expect(results(page)).toHaveCount(1);
  await expect(results(page).first()).toHaveAccessibleName(/^red-square\.png/);

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
