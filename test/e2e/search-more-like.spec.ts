// "More like this" (issue 22): every result (a photo, a video moment, an audio window, a passage) searches
// by its own stored vectors, through the same search, and leaves its own item out of what it finds.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';
import { resultNames, results, search, searchBox } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = [
  'image/red-square.png',
  'image/blue-sky.webp',
  'video/timeline.mp4',
  'audio/low-hum.wav',
  'audio/high-beep.wav',
  'audio/speech-plumber.wav',
  'text/plumbing-notes.md',
  'text/kite-diary.txt',
];

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Presses "More like this" on `result` and waits for its results; returns the label it searched by. */
async function moreLike(page: Page, result: Locator): Promise<string> {
  const label = (await result.getAttribute('aria-label'))!;
  await result.getByRole('button', { name: 'More like this' }).click();
  await expectLike(page, label);
  return label;
}

async function expectLike(page: Page, label: string) {
  await expect(
    page.getByRole('status').filter({ hasText: new RegExp(`results? like ${escaped(label)}$`) }),
  ).toBeVisible({ timeout: MAX_QUERY_TIME });
}

test('more like this: a photo, a video moment, an audio window and a passage, each without its own item', async ({
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

  // A photo, from the keyboard: ↓ into the results, Tab to the first result's "More like this", Enter.
  await search(page, 'red');
  await expect(results(page).first()).toHaveAccessibleName('red-square.png, image');
  await searchBox(page).press('ArrowDown');
  await page.keyboard.press('Tab');
  const button = results(page).first().getByRole('button', { name: 'More like this' });
  await expect(button).toBeFocused();
  await expect(button).toHaveAccessibleName('More like this: red-square.png, image');
  await page.keyboard.press('Enter');
  await expectLike(page, 'red-square.png, image');
  // The video's red moment first (another medium), and never the photo itself.
  await expect(results(page).first()).toHaveAccessibleName(/^timeline\.mp4, video at 0:0[01]/);
  expect((await resultNames(page)).filter((n) => n.startsWith('red-square.png'))).toEqual([]);

  // A video moment: the blue stretch of the timeline finds the blue photo, not the video again. (Not the
  // green stretch: in the fixture CLIP a blank grey picture embeds at green, and a picture query is
  // searched without its part along a blank picture, so green pictures cannot be queries there.)
  await search(page, 'blue');
  const blue = results(page).filter({ hasText: 'timeline.mp4' });
  await expect(blue).toHaveAccessibleName(/^timeline\.mp4, video at 0:0[45]/);
  await moreLike(page, blue);
  await expect(results(page).first()).toHaveAccessibleName(/^blue-sky\.webp, image/);
  expect((await resultNames(page)).filter((n) => n.startsWith('timeline.mp4'))).toEqual([]);

  // An audio window: the low hum finds the video's low-pitched first seconds.
  await search(page, 'low hum');
  const hum = results(page).filter({ hasText: 'low-hum.wav' });
  await moreLike(page, hum);
  await expect(results(page).first()).toHaveAccessibleName(/^timeline\.mp4, video at 0:00/);
  expect((await resultNames(page)).filter((n) => n.startsWith('low-hum.wav'))).toEqual([]);

  // A passage: the plumbing note finds what the plumber said in the recording, not the bird diary.
  await search(page, 'valve');
  const note = results(page).filter({ hasText: 'plumbing-notes.md' });
  await moreLike(page, note);
  await expect(results(page).first()).toHaveAccessibleName(/^speech-plumber\.wav, audio, spoken/);
  const names = await resultNames(page);
  expect(names.filter((n) => n.startsWith('plumbing-notes.md'))).toEqual([]);
  expect(names.filter((n) => n.startsWith('kite-diary.txt'))).toEqual([]);

  // Within the filter chips: "photos red", then More like this on the red photo, looks among photos only.
  // Unfiltered it finds the video's red moment first; among photos nothing is a good match, and the
  // closest anyway is the blue photo alone. The chip stays in view; removing it asks again without it.
  const chips = page.getByRole('list', { name: 'Filters' }).getByRole('listitem');
  await search(page, 'photos red');
  await expect(chips).toHaveText([/^Type: Photos/]);
  await results(page)
    .filter({ hasText: 'red-square.png' })
    .getByRole('button', { name: 'More like this' })
    .click();
  await expect(page.getByRole('status').filter({ hasText: 'No good match.' })).toHaveText(
    'No good match. Nothing else that the filters keep is like red-square.png, image.',
    { timeout: MAX_QUERY_TIME },
  );
  await expect(chips).toHaveText([/^Type: Photos/]);
  await page.getByRole('button', { name: 'Show closest anyway' }).click();
  const closest = page.getByRole('list', { name: 'Closest results' }).getByRole('listitem');
  await expect(closest).toHaveCount(1);
  await expect(closest.first()).toHaveAccessibleName(/^blue-sky\.webp, image/);
  await chips.first().getByRole('button').click();
  await expect(chips).toHaveCount(0);
  await expect(searchBox(page)).toHaveValue('red');
  await expectLike(page, 'red-square.png, image');
  await expect(results(page).first()).toHaveAccessibleName(/^timeline\.mp4, video at 0:0[01]/);

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
