// The second model world (issue 22): models in the transformers.js layout that the project never tuned
// for (64/48/32-d, every vector in a cone, compressed sound scores: scripts/fixtures/world.ts,
// `coneModels`), served through models.json as a deployment would swap models. On a small library (at most
// five items per medium, a plain white card among the pictures), each labelled query finds its item first.
import { expect, test } from '@playwright/test';
import { watchPage } from './network-guard';
import { coneWorldConfig, media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { results, search } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = [
  'image/red-square.png',
  'image/green-field.jpg',
  'image/blue-sky.webp',
  'image/yellow-sun.png',
  'image/white-card.avif',
  'audio/low-hum.wav',
  'audio/high-beep.wav',
  'audio/white-noise.wav',
  'text/plumbing-notes.md',
  'text/kite-diary.txt',
  'text/bread-recipe.pdf',
  'text/travel-notes.html',
];

/**
 * Query → the item it must find first. "static noise" is the issue's own story: two of the query bank's
 * generic phrases, "rain on a window" and "traffic noise", are noise words to the fixture CLAP, so the bank
 * once measured that recording in the spread between them and the empty text and left it below the cut;
 * phrases about the query are now left out of its calibration (src/search/query-bank.ts, `queryBank`).
 */
const labelled: [string, string][] = [
  ['red', 'red-square.png'],
  ['green', 'green-field.jpg'],
  ['blue', 'blue-sky.webp'],
  ['yellow', 'yellow-sun.png'],
  ['low hum', 'low-hum.wav'],
  ['high beep', 'high-beep.wav'],
  ['static noise', 'white-noise.wav'],
  ['valve', 'plumbing-notes.md'],
  ['kite', 'kite-diary.txt'],
  ['flour', 'bread-recipe.pdf'],
  ['passport', 'travel-notes.html'],
];

test('on the cone world, each labelled query finds its item first in a small library', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page, coneWorldConfig());
  await page.goto('/');
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  // The cone world's models are the ones in use (64-d pictures), not the fixture world's.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText('trove-cone/clip').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();

  const missed: string[] = [];
  for (const [query, item] of labelled) {
    await search(page, query, { orNothing: true });
    const first =
      (await results(page)
        .first()
        .getAttribute('aria-label', { timeout: 1000 })
        .catch(() => null)) ?? 'nothing';
    if (!first.startsWith(`${item},`)) missed.push(`“${query}” found ${first} first, not ${item}`);
  }
  expect(missed).toEqual([]);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
