// A library of 10,000 items (issue 26), made by the synthetic library generator as an export file and
// taken in through Settings → Export and import, as a user restoring a backup would: the library opens
// with its counts, only a window of cards is drawn, the date jump reaches the oldest month and shows its
// items, a search answers, and deleting an item updates the counts.
import { createWriteStream } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { serveFixtureModelsConfig } from './fixture-world';
import { results, search } from './search-page.ts';
import { migrations } from '../../src/library/migrations.ts';
import { monthOf } from '../../src/library/item-counts.ts';
import { monthLabel } from '../../src/ui/library/timeline.ts';
import { syntheticItem, syntheticLibrary, type SyntheticOptions } from '../support/synthetic-library.ts';
import { MAX_HOOK_TIME, MAX_PAGE_LOAD_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';

const ITEMS = 10_000;
const options: SyntheticOptions = {
  items: ITEMS,
  // The fixture models' sizes (test/support/fixture-models.ts): an import refuses other sizes.
  dims: { clip: 32, clap: 24, text: 16 },
  schemaVersion: migrations.length,
  // Two segments an item: this test is about a library of many items. The app's import of ten a item
  // (100k segments) alone takes about 90 s on this shared 2-core machine, beyond a test's budget.
  segments: 'lean',
};

async function writeLibrary(path: string): Promise<void> {
  const out = createWriteStream(path);
  for await (const part of syntheticLibrary(options)) {
    if (!out.write(part)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

test.describe.configure({ mode: 'serial' });

let page: Page;
let file: string;
let ready = 0;
const newest = syntheticItem(ITEMS - 1, options).item.name;
const oldest = syntheticItem(0, options).item.name;

test.beforeAll(async ({ browser }, info) => {
  test.setTimeout(MAX_HOOK_TIME);
  file = info.outputPath('synthetic-10k.trove');
  await writeLibrary(file);
  for (let i = 0; i < ITEMS; i++) if (syntheticItem(i, options).item.status === 'ready') ready++;
  page = await browser.newPage({ serviceWorkers: 'block' });
  await serveFixtureModelsConfig(page);
});

test.afterAll(async () => {
  await page?.close();
});

test('a 10,000-item backup is imported through Settings', async () => {
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Library file to import').setInputFiles(file);
  await page.getByRole('button', { name: 'Import and replace' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported/ })).toContainText(
    `Imported ${ITEMS} items`,
    { timeout: 100_000 },
  );
  await views.getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText(`${ready} items`, { exact: true })).toBeVisible();
});

test('the library opens at its newest items, jumps to its oldest, searches and deletes', async () => {
  // The library opens with its counts, from the store, and draws only a window of its cards.
  await page.reload();
  await expect(page.getByText(`${ready} items`, { exact: true })).toBeVisible({
    timeout: MAX_PAGE_LOAD_TIME,
  });
  await expect(page.getByText(`${ITEMS - ready} not added`)).toBeVisible();
  const cards = page.getByRole('list', { name: 'Items' }).getByRole('listitem');
  await expect(cards.first()).toContainText(newest);
  expect(await cards.count()).toBeLessThan(300);

  // The date jump to the oldest month shows its items.
  const jump = page.getByRole('combobox', { name: 'Jump to date' });
  const months = await jump
    .locator('option:not([disabled])')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  await jump.selectOption(months[months.length - 1]!);
  const oldestMonth = monthOf(syntheticItem(0, options).item.mtime);
  let last = 0;
  while (monthOf(syntheticItem(last + 1, options).item.mtime) === oldestMonth) last++;
  await expect(page.getByRole('heading', { name: monthLabel(oldestMonth), level: 3 })).toBeInViewport();
  await expect(cards.filter({ hasText: syntheticItem(last, options).item.name })).toBeInViewport();
  await expect(cards.filter({ hasText: newest })).toHaveCount(0);
  // Scrolling on to the end of that month shows its (and the library's) oldest item.
  await page.locator('.timeline').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(cards.filter({ hasText: oldest })).toBeInViewport();
  expect(await cards.count()).toBeLessThan(300);

  // A search answers from the imported segments (the search worker read them from the store).
  await search(page, 'lighthouse');
  await expect(results(page).first()).toBeVisible({ timeout: MAX_QUERY_TIME });

  // Deleting the oldest item updates the counts.
  await page.getByRole('button', { name: `Delete ${oldest}` }).click();
  await page
    .getByRole('list', { name: 'Items' })
    .getByRole('button', { name: 'Delete', exact: true })
    .click();
  await expect(page.getByText(`${ready - 1} items`, { exact: true })).toBeVisible();
  await expect(cards.filter({ hasText: oldest })).toHaveCount(0);
});
