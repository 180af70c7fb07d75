// "Ask": a question is searched and answered from the results with numbered, clickable citations. No
// answer model can be downloaded here (its host is the fixture host, which has no weights), so the real
// engine fails to load, says so, and the answer quotes the passages; a citation opens the cited passage.
import { expect, test } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { searchBox } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

test('Ask answers from the library with citations that open the cited passage', async ({
  page,
  baseURL,
}, info) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText('0 items', { exact: true })).toBeVisible();
  await page
    .getByLabel('Add files')
    .setInputFiles(['text/plumbing-notes.md', 'text/kite-diary.txt'].map(media));
  await expect(page.getByText('2 items', { exact: true })).toBeVisible({ timeout: MAX_INGEST_TIME });

  await searchBox(page).fill('what did the plumber say about the valve');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  const sources = answer.getByRole('list', { name: 'Sources' });
  await expect(sources.getByRole('listitem').first()).toContainText('plumbing-notes.md', {
    timeout: MAX_INGEST_TIME,
  });
  await expect(answer.getByRole('button', { name: 'New conversation' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });
  // Why there is no written answer is said plainly, and the answer quotes the note.
  await expect(answer.getByRole('status').first()).toBeVisible();
  await expect(answer.locator('.answer-text')).toContainText('valve');

  await page.screenshot({ path: info.outputPath('answer.png') });
  await info.attach('answer', { path: info.outputPath('answer.png'), contentType: 'image/png' });

  const citation = answer.getByRole('button', { name: /^Source 1: plumbing-notes\.md/ }).first();
  await citation.click();
  const viewer = page.getByRole('dialog', { name: 'plumbing-notes.md' });
  await expect(viewer).toBeVisible();
  await expect(viewer.locator('mark.passage')).toContainText('valve');
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
