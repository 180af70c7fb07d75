// The model presets in Settings: choosing one saves it in this browser and, from the restart on, the app loads
// the preset's models instead of models.json's. The fixture world (models.json pointing at the fixture model
// host) has no copy of the presets' Hub models, so the test watches which model folders the app asks the
// model host for: the fixture text embedder before, the preset's text model after, and the fixture one again
// after going back to Balanced.
import { expect, test, type Page } from '@playwright/test';
import { MODEL_HOST, serveFixtureModelsConfig } from './fixture-world';
import { MAX_PAGE_LOAD_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';
import { searchBox } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });
const preset = (page: Page, name: string) => page.getByRole('radio', { name, exact: true });

/** Model folders (owner/name) the page has asked the model host for since `since` was called. */
function modelFolders(page: Page): { since(): void; seen(): string[] } {
  let folders = new Set<string>();
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(MODEL_HOST)) return;
    const [owner, name] = url.slice(MODEL_HOST.length).split('/');
    if (owner && name) folders.add(`${owner}/${name}`);
  });
  return { since: () => (folders = new Set()), seen: () => [...folders].sort() };
}

/** Restarts from Settings, which the page opens on again. */
async function restartFromSettings(page: Page) {
  await page.getByRole('button', { name: 'Restart now' }).click();
  await expect(page.getByRole('button', { name: 'Restart now' })).toBeHidden({ timeout: MAX_PAGE_LOAD_TIME });
  await expect(preset(page, 'Balanced')).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
}

/** Asks for a text search, which embeds the query with every text encoder, without waiting for its end. */
async function askSearch(page: Page, text: string) {
  await views(page).getByRole('button', { name: 'Library' }).click();
  await searchBox(page).fill(text);
  await searchBox(page).press('Enter');
}

test('choosing the Fast preset makes the app load its text model; Balanced goes back to models.json', async ({
  page,
}) => {
  const folders = modelFolders(page);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });

  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(preset(page, 'Balanced')).toBeChecked();
  await expect(preset(page, 'Multilingual')).toBeDisabled();
  await expect(preset(page, 'Multilingual')).toHaveAccessibleDescription(/Not in this version/);
  await expect(page.getByRole('row', { name: /Documents and transcripts/ })).toContainText(
    'trove-fixtures/text-embedder',
  );

  await preset(page, 'Fast').check();
  await expect(page.getByRole('status').filter({ hasText: 'when Trove restarts' })).toBeVisible();
  folders.since();
  await restartFromSettings(page);
  await expect(preset(page, 'Fast')).toBeChecked();
  await expect(page.getByRole('button', { name: 'Restart now' })).toBeHidden();
  await expect(page.getByRole('row', { name: /Documents and transcripts/ })).toContainText(
    'Xenova/all-MiniLM-L6-v2',
  );
  // The text role's encoder now loads from the preset's folder (which the fixture host lacks, so it fails).
  await askSearch(page, 'valve');
  await expect.poll(() => folders.seen(), { timeout: MAX_QUERY_TIME }).toContain('Xenova/all-MiniLM-L6-v2');
  expect(folders.seen()).not.toContain('trove-fixtures/text-embedder');

  await views(page).getByRole('button', { name: 'Settings' }).click();
  await preset(page, 'Balanced').check();
  folders.since();
  await restartFromSettings(page);
  await expect(preset(page, 'Balanced')).toBeChecked();
  expect(await page.evaluate(() => localStorage.getItem('trove.models-override'))).toBeNull();
  await askSearch(page, 'valve');
  await expect
    .poll(() => folders.seen(), { timeout: MAX_QUERY_TIME })
    .toContain('trove-fixtures/text-embedder');
  expect(folders.seen()).not.toContain('Xenova/all-MiniLM-L6-v2');
});
