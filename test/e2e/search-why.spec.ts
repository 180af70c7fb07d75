// "Why this result" (issue 22): each result says which lists found it, its calibrated score in each against
// the cut the search used, and the words the keyword side matched.
import { expect, test } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { results, search } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = ['image/red-square.png', 'audio/low-hum.wav', 'text/plumbing-notes.md'];

test('why this result: the lists that matched, calibrated scores against the cut, and the words', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });

  // A note found by its word and its meaning: the word, the keyword score (a full match scores twice the
  // cut), and the text space's score beside it.
  await search(page, 'valve');
  const note = results(page).first();
  await expect(note).toHaveAccessibleName(/^plumbing-notes\.md, text/);
  await expect(note.getByRole('list', { name: 'Scores' })).toBeHidden();
  await note.getByText('Why this result').click();
  await expect(
    note.getByText(/^Passed the cut of 4\.5 in (text meaning and )?exact words( and text meaning)?\.$/),
  ).toBeVisible();
  const scores = note.getByRole('list', { name: 'Scores' }).getByRole('listitem');
  await expect(
    scores.filter({ hasText: /^Exact words: 9\.0 passed \(keyword score \d+\.\d\)$/ }),
  ).toHaveCount(1);
  await expect(
    scores.filter({ hasText: /^Text meaning: -?\d+\.\d (passed|below the cut) \(cosine -?\d\.\d\d\)$/ }),
  ).toHaveCount(1);
  await expect(note.getByText('Words matched: valve')).toBeVisible();

  // A photo found by its meaning alone: the picture space, a cosine, and no words.
  await search(page, 'red');
  const photo = results(page).first();
  await expect(photo).toHaveAccessibleName(/^red-square\.png, image$/);
  await photo.getByText('Why this result').click();
  await expect(photo.getByText('Passed the cut of 4.5 in picture meaning.')).toBeVisible();
  const line = photo.getByRole('list', { name: 'Scores' }).getByRole('listitem').first();
  await expect(line).toHaveText(/^Picture meaning: \d+\.\d passed \(cosine 0\.\d\d\)$/);
  const z = Number(/: (\d+\.\d) /.exec((await line.textContent())!.replace(/\s+/g, ' '))![1]);
  expect(z).toBeGreaterThanOrEqual(4.5);
  await expect(photo.getByText(/^Words matched/)).toHaveCount(0);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
