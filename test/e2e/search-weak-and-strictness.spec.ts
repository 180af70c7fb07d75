// When nothing passes the cut (issue 22): the search still says "no good match", and offers the closest
// items anyway, each marked weak. The strictness setting moves the cut: Settings counts what each level
// returns for the last search, and choosing a level asks that search again, saved across a reload.
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';
import { results, search as runSearch } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = [
  'image/red-square.png',
  'image/green-field.jpg',
  'audio/low-hum.wav',
  'text/plumbing-notes.md',
  'text/kite-diary.txt',
];

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });
const closest = (page: Page) => page.getByRole('list', { name: 'Closest results' }).getByRole('listitem');
const statusOf = (page: Page, text: RegExp) => page.getByRole('status').filter({ hasText: text });

async function addLibrary(page: Page) {
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
}

/** These searches may find nothing, and the page says so. */
const search = (page: Page, text: string) => runSearch(page, text, { orNothing: true });

test('no good match still says so, and shows the closest three anyway, marked weak', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await addLibrary(page);

  await search(page, 'zebra');
  await expect(statusOf(page, /^No good match\. Nothing in your library matches “zebra”\.$/)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Results' })).toBeHidden();
  await page.getByRole('button', { name: 'Show closest anyway' }).click();
  await expect(page.getByText('The closest items anyway, none of them a good match:')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show closest anyway' })).toBeHidden();
  await expect(closest(page)).toHaveCount(3);
  for (const item of await closest(page).all()) {
    await expect(item).toHaveAccessibleName(/, weak match$/);
    await expect(item.getByText('weak match', { exact: true })).toBeVisible();
  }
  // "Why this result" says why a weak one is shown.
  await closest(page).first().getByText('Why this result').click();
  await expect(closest(page).first()).toContainText(
    'A weak match: below the cut of 4.5 everywhere, shown because you asked for the closest.',
  );
  // They are results like any other: one opens in the viewer.
  const first = (await closest(page).first().getAttribute('aria-label'))!.split(',')[0]!;
  await closest(page).first().getByRole('button').first().click();
  await expect(page.getByRole('dialog', { name: first })).toBeVisible();
  await page.keyboard.press('Escape');

  // A search that matches shows its results, none weak, and offers nothing below the cut.
  await search(page, 'red');
  await expect(results(page).first()).toHaveAccessibleName(/^red-square\.png, image$/);
  await expect(page.getByText('weak match', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Show closest anyway' })).toBeHidden();
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});

test('strictness in Settings moves the cut, shows what each level returns, and is kept', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await addLibrary(page);

  // "sugar birds" leans towards the kite diary (its birds, not its sugar: nothing here is about baking),
  // but not clearly enough to pass. ("bird" alone once did not pass either, because two of the query
  // bank's phrases are about birds; they are now left out of its calibration, and it finds the diary.)
  await search(page, 'sugar birds');
  await expect(statusOf(page, /No good match/)).toBeVisible();

  await views(page).getByRole('button', { name: 'Settings' }).click();
  const levels = page.getByRole('group', { name: 'How sure a result must be before it is shown' });
  await expect(levels.getByRole('radio', { name: /^Balanced/ })).toBeChecked();
  await expect(page.getByText('Balanced: Shows what clearly matches (the default).')).toBeVisible();
  // One search counts what every level returns for "sugar birds".
  const preview = statusOf(page, /^For “sugar birds”: /);
  await expect(preview).toHaveText(
    /^For “sugar birds”: 0 results at balanced, \d+ results? at the loosest, 0 results at the strictest\.$/,
    {
      timeout: MAX_QUERY_TIME,
    },
  );
  const loosest = Number(/(\d+) results? at the loosest/.exec((await preview.textContent())!)![1]);
  expect(loosest).toBeGreaterThan(0);
  await expect(levels.getByRole('radio', { name: /^Loosest/ })).toHaveAccessibleName(
    `Loosest (${loosest === 1 ? '1 result' : `${loosest} results`})`,
  );

  // Loosest asks "sugar birds" again: what the count said is what the results show.
  await levels.getByRole('radio', { name: /^Loosest/ }).check();
  await expect(page.getByText(/^Loosest: Shows anything that leans towards your words/)).toBeVisible();
  await expect(preview).toContainText(`${loosest === 1 ? '1 result' : `${loosest} results`} at loosest`);
  await views(page).getByRole('button', { name: 'Library' }).click();
  await expect(statusOf(page, /results? for “sugar birds”/)).toBeVisible({ timeout: MAX_QUERY_TIME });
  await expect(results(page)).toHaveCount(loosest);
  await expect(results(page).filter({ hasText: 'kite-diary.txt' })).toHaveCount(1);

  // Strictest is kept across a reload, and a clear match still passes it.
  await views(page).getByRole('button', { name: 'Settings' }).click();
  await levels.getByRole('radio', { name: /^Strictest/ }).check();
  await page.reload();
  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(levels.getByRole('radio', { name: /^Strictest/ })).toBeChecked();
  await views(page).getByRole('button', { name: 'Library' }).click();
  await search(page, 'sugar birds');
  await expect(statusOf(page, /No good match/)).toBeVisible();
  await search(page, 'red');
  await expect(results(page).first()).toHaveAccessibleName(/^red-square\.png, image$/);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
