// Two tabs on one library: both add files at once (one file in both), both end up showing every item once,
// search in either finds what the other added, and when the tab doing the work closes the other carries on.
import { expect, test, type Page } from '@playwright/test';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { watchPage } from './network-guard';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { resultNames, search } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

async function openTab(page: Page, appOrigin: string) {
  const seen = watchPage(page, appOrigin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Library' }).getByRole('status').first()).toHaveText(
    /^\d+ items?$/,
    {
      timeout: MAX_PAGE_LOAD_TIME,
    },
  );
  return seen;
}

const count = (page: Page, n: number) =>
  expect(page.getByText(`${n} items`, { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });

async function topResult(page: Page, text: string): Promise<string> {
  await search(page, text);
  return (await resultNames(page))[0] ?? '';
}

test('two tabs add files at once, both see everything once, and the second carries on alone', async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const first = page;
  const seenFirst = await openTab(first, origin);
  const second = await context.newPage();
  const seenSecond = await openTab(second, origin);

  await Promise.all([
    first.getByLabel('Add files').setInputFiles(['image/red-square.png', 'text/kite-diary.txt'].map(media)),
    second
      .getByLabel('Add files')
      .setInputFiles(['image/green-field.jpg', 'image/blue-sky.webp', 'image/red-square.png'].map(media)),
  ]);
  // The shared file is one item; each tab shows all four, including what only the other added.
  await count(first, 4);
  await count(second, 4);
  for (const tab of [first, second]) {
    await expect(tab.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
    const cards = tab.getByRole('list', { name: 'Items' }).getByRole('listitem');
    await expect(cards).toHaveCount(4);
    await expect(cards.filter({ hasText: 'red-square.png' })).toHaveCount(1);
  }
  expect(await topResult(second, 'kite')).toMatch(/^kite-diary\.txt/);
  expect(await topResult(first, 'green')).toMatch(/^green-field\.jpg/);

  // The first tab goes away; the second adds another file and ingests it itself.
  await first.close();
  await second.getByLabel('Add files').setInputFiles(media('image/yellow-sun.png'));
  await count(second, 5);
  await expect(second.getByRole('heading', { name: 'Adding files' })).toBeHidden({
    timeout: MAX_INGEST_TIME,
  });
  expect(await topResult(second, 'yellow')).toMatch(/^yellow-sun\.png/);

  // A tab opened now finds everything, from the indexes the second tab saved.
  const third = await context.newPage();
  const seenThird = await openTab(third, origin);
  await count(third, 5);
  expect(await topResult(third, 'red')).toMatch(/^red-square\.png/);

  for (const seen of [seenFirst, seenSecond, seenThird]) {
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.foreignRequests).toEqual([]);
  }
});
