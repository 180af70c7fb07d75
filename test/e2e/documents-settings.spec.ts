// Documents end to end (a passage found by its words opens at that passage, highlighted; a PDF at its page),
// deleting an item, and Settings: the device each model runs on, the model cache with delete, storage and
// the persistence request, and clearing the library.
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { results, search as runSearch } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });

/** These searches may find nothing, and the page says so. */
const search = (page: Page, text: string) => runSearch(page, text, { orNothing: true });

test('documents open at the passage; delete; settings show models, cache and storage; clear the library', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await page
    .getByLabel('Add files')
    .setInputFiles(
      ['text/plumbing-notes.md', 'text/bread-recipe.pdf', 'image/red-square.png', 'bad/zero-bytes.jpg'].map(
        media,
      ),
    );
  await expect(page.getByText('3 items', { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });

  // A file that cannot be added says why, and can be removed.
  const notAdded = page.getByRole('list', { name: 'Files not added' }).getByRole('listitem');
  await expect(notAdded).toHaveCount(1);
  await expect(notAdded).toContainText('zero-bytes.jpg');
  await expect(notAdded).toContainText(/empty/i);
  await expect(page.getByText('1 not added')).toBeVisible();
  await notAdded.getByRole('button', { name: 'Remove zero-bytes.jpg' }).click();
  await expect(page.getByRole('list', { name: 'Files not added' })).toBeHidden();
  await expect(page.getByRole('list', { name: 'Items' }).getByRole('listitem')).toHaveCount(3);

  // A Markdown note found by a word: the snippet marks the word, the viewer highlights the passage.
  await search(page, 'valve');
  const note = results(page).first();
  await expect(note).toHaveAccessibleName(/^plumbing-notes\.md, text/);
  await expect(note.locator('mark').first()).toHaveText(/^valve$/i);
  await note.getByRole('button').first().click();
  const viewer = page.getByRole('dialog', { name: 'plumbing-notes.md' });
  await expect(viewer).toBeVisible();
  await expect(viewer.locator('mark.passage')).toContainText('valve');
  await expect(viewer.locator('mark.passage')).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // The PDF's second page alone speaks of sugar and butter: it opens on page 2 with that passage.
  await search(page, 'sugar butter');
  const pdf = results(page).filter({ hasText: 'bread-recipe.pdf' });
  await expect(pdf).toHaveAccessibleName(/^bread-recipe\.pdf, text, page 2/);
  await pdf.getByRole('button').first().click();
  const pdfViewer = page.getByRole('dialog', { name: 'bread-recipe.pdf' });
  await expect(pdfViewer.getByText('Page 2 of 2')).toBeVisible();
  await expect(pdfViewer.locator('mark.passage')).toContainText('sugar and butter');
  await pdfViewer.getByRole('button', { name: 'Close' }).click();
  await expect(pdfViewer).toBeHidden();

  // Deleting an item takes it out of the library and out of search.
  await page.getByRole('button', { name: 'Delete plumbing-notes.md' }).click();
  await page
    .getByRole('list', { name: 'Items' })
    .getByRole('button', { name: 'Delete', exact: true })
    .click();
  await expect(page.getByText('2 items', { exact: true })).toBeVisible();
  await search(page, 'valve');
  await expect(results(page).filter({ hasText: 'plumbing-notes.md' })).toHaveCount(0);

  // Settings: every model has run by now (ingest and queries), so each says where it runs.
  await views(page).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 2 })).toBeVisible();
  const models = page.getByRole('table');
  const textRow = models.getByRole('row', { name: /Documents and transcripts/ });
  await expect(textRow).toContainText(/WebGPU|WebAssembly/);
  await expect(textRow).toContainText('trove-fixtures/text-embedder');
  await expect(textRow).toContainText(/\d+(\.\d+)? kB/);
  await page.getByRole('button', { name: 'Delete the downloaded text model' }).click();
  await expect(textRow).toContainText('Not downloaded');
  await expect(page.getByText(/used of .* available to Trove/)).toBeVisible();
  await page.getByRole('button', { name: 'Keep my library' }).click();
  await expect(page.getByText(/The browser (will keep your library|declined for now)/)).toBeVisible();

  // Clearing the library asks once more, then leaves it empty.
  await page.getByRole('button', { name: 'Clear the library' }).click();
  await page.getByRole('button', { name: 'Yes, clear the library' }).click();
  await views(page).getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await expect(page.getByText('Your library is empty.')).toBeVisible();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
