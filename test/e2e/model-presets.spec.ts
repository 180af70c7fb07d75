// The model presets in Settings: choosing one saves it in this browser and, from the restart on, the app loads
// the preset's models instead of models.json's. The fixture world (models.json pointing at the fixture model
// host) has no copy of the presets' Hub models, so after choosing Fast a text search asks the fixture host for
// all-MiniLM-L6-v2 and says it could not load it; after going back to Balanced the same search runs on the
// fixture text embedder again. A preset is changed only while the library is empty.
import { expect, test, type Page } from '@playwright/test';
import { MODEL_HOST, media, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';
import { search, searchBox, searchStatus } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });
const preset = (page: Page, name: string) =>
  page.getByRole('region', { name: 'Model preset' }).getByRole('radio', { name, exact: true });
const textRow = (page: Page) => page.getByRole('row', { name: /Documents and transcripts/ });

/** Restarts from Settings, which the page opens on again. */
async function restartFromSettings(page: Page) {
  await page.getByRole('button', { name: 'Restart now' }).click();
  await expect(page.getByRole('button', { name: 'Restart now' })).toBeHidden({ timeout: MAX_PAGE_LOAD_TIME });
  await expect(preset(page, 'Balanced')).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
}

test('choosing the Fast preset makes the app load its text model; Balanced goes back to models.json', async ({
  page,
}) => {
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });

  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(preset(page, 'Balanced')).toBeChecked();
  await expect(preset(page, 'Multilingual')).toBeDisabled();
  await expect(preset(page, 'Multilingual')).toHaveAccessibleDescription(/Not in this version/);
  await expect(textRow(page)).toContainText('trove-fixtures/text-embedder');

  await preset(page, 'Fast').check();
  await expect(page.getByRole('status').filter({ hasText: 'when Trove restarts' })).toBeVisible();
  await restartFromSettings(page);
  await expect(preset(page, 'Fast')).toBeChecked();
  await expect(textRow(page)).toContainText('Xenova/all-MiniLM-L6-v2');

  // A text search embeds the query with the text role's model: now the preset's, from the model host.
  await views(page).getByRole('button', { name: 'Library' }).click();
  await searchBox(page).fill('valve');
  await searchBox(page).press('Enter');
  await expect(searchStatus(page)).toContainText(
    `Search failed: The text model "Xenova/all-MiniLM-L6-v2" failed on wasm: could not reach ${MODEL_HOST}Xenova/all-MiniLM-L6-v2/config.json`,
    { timeout: MAX_QUERY_TIME },
  );

  await views(page).getByRole('button', { name: 'Settings' }).click();
  await preset(page, 'Balanced').check();
  await restartFromSettings(page);
  await expect(preset(page, 'Balanced')).toBeChecked();
  expect(await page.evaluate(() => localStorage.getItem('trove.models-override'))).toBeNull();
  await expect(textRow(page)).toContainText('trove-fixtures/text-embedder');
  await views(page).getByRole('button', { name: 'Library' }).click();
  await search(page, 'valve', { orNothing: true });
  await expect(page.getByRole('status').filter({ hasText: 'Search failed' })).toHaveCount(0);

  // With a file in the library, the preset stays as it is until the library is cleared.
  await page.getByLabel('Add files').setInputFiles([media('text/plumbing-notes.md')]);
  await expect(page.getByText(/^1 items?$/)).toBeVisible({ timeout: MAX_INGEST_TIME });
  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(preset(page, 'Fast')).toBeDisabled();
  await expect(preset(page, 'Balanced')).toBeChecked();
  await expect(page.getByText(/To change the preset, clear the library first/)).toBeVisible();
});
