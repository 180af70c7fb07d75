// Acceptance for the app (issue 7): add a mixed set of fixture media through "Add files", search by words
// and by an attached sound, open results in the viewer, and reload without re-ingesting. This is the spec
// that also runs at a phone's size with touch (playwright.config.ts), and keeps screenshots of the library,
// results and viewer.
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME, MAX_QUERY_TIME } from '../support/time-budgets.ts';
import { results, search as runSearch, searchBox } from './search-page.ts';

// page.route does not see requests a service worker answers, so the worker stays off here (offline.spec.ts
// covers it); the app is otherwise the production build.
test.use({ serviceWorkers: 'block' });

const files = [
  'image/red-square.png',
  'image/green-field.jpg',
  'image/blue-sky.webp',
  'video/timeline.mp4',
  'audio/low-hum.wav',
  'audio/high-beep.wav',
  'text/plumbing-notes.md',
  'text/bread-recipe.pdf',
];

async function screenshot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: name !== 'viewer' });
  await info.attach(name, { path, contentType: 'image/png' });
}

/** The decoded size of an image: non-zero only once a real picture has loaded. */
const naturalSize = (img: Locator) =>
  img.evaluate((el: HTMLImageElement) => el.decode().then(() => [el.naturalWidth, el.naturalHeight]));

const topNames = (page: Page, n: number) =>
  results(page).evaluateAll((els, n) => els.slice(0, n).map((e) => e.getAttribute('aria-label') ?? ''), n);

/** These searches may find nothing, and the page says so. */
const search = (page: Page, text: string) => runSearch(page, text, { orNothing: true });

test('add files, search by words and by sound, open the video at its moment, reload without re-ingesting', async ({
  page,
  baseURL,
}, info) => {
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible();
  await expect(page.getByText('Your library is empty.')).toBeVisible();

  // 1. Add a mixed set and wait until every file is searchable.
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeVisible();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden();
  const cards = page.getByRole('list', { name: 'Items' }).getByRole('listitem');
  await expect(cards).toHaveCount(files.length);
  await screenshot(page, info, 'library');

  // Every audio item shows its waveform, drawn at ingest, where a picture would be.
  for (const name of ['low-hum.wav', 'high-beep.wav']) {
    const card = cards.filter({ hasText: name });
    await expect(card.locator('img')).toBeVisible();
    expect(await naturalSize(card.locator('img'))).toEqual([160, 120]);
  }

  // 2. "red": the red image first, and the video at its red moment (0:00–2:00 of the timeline). The
  // video's frames are letterboxed (a quarter of each is black), so they match "red" less than the photo.
  await search(page, 'red');
  await expect(results(page).first()).toHaveAccessibleName(/^red-square\.png, image/);
  const redMoment = results(page).filter({ has: page.getByText('timeline.mp4') });
  await expect(redMoment).toHaveAccessibleName(/^timeline\.mp4, video at 0:0[01]/);
  await screenshot(page, info, 'results');

  // 3. Open the video with the keyboard: ↓ from the search field into the list, arrows to the video, Enter.
  const names = await topNames(page, 100);
  const videoIndex = names.findIndex((n) => n.startsWith('timeline.mp4'));
  await searchBox(page).press('ArrowDown');
  for (let i = 0; i < videoIndex; i++) await page.keyboard.press('ArrowDown');
  await expect(redMoment.getByRole('button').first()).toBeFocused();
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name: 'timeline.mp4' });
  await expect(viewer).toBeVisible();
  const video = viewer.locator('video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  const redAt = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  expect(redAt).toBeGreaterThanOrEqual(0);
  expect(redAt).toBeLessThan(2);
  await expect(viewer.getByRole('button', { name: /^Jump to 0:0/ }).first()).toBeVisible();
  await screenshot(page, info, 'viewer');
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // The green moment starts at 2 s: the player must seek there, not merely start at 0.
  await search(page, 'green');
  await expect(results(page).filter({ hasText: /image/i }).first()).toHaveAccessibleName(/^green-field\.jpg/);
  const greenMoment = results(page).filter({ has: page.getByText('timeline.mp4') });
  await expect(greenMoment).toHaveAccessibleName(/timeline\.mp4, video at 0:0[23]/);
  // On the phone, by touch.
  if (info.project.use.hasTouch) await greenMoment.getByRole('button').first().tap();
  else await greenMoment.getByRole('button').first().click();
  await expect(viewer).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  const greenAt = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  expect(greenAt).toBeGreaterThanOrEqual(1.9);
  expect(greenAt).toBeLessThan(4);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // 4. A sound as the query: a low hum (in another format than the library's copy) finds the low tone and
  // the video's low-pitched first two seconds.
  await searchBox(page).fill('');
  await page.getByLabel('Attach an audio clip').setInputFiles(media('audio/low-hum.flac'));
  await expect(page.getByRole('list', { name: 'Attachments' }).getByText('low-hum.flac')).toBeVisible();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /results? for low-hum\.flac/ })).toBeVisible({
    timeout: MAX_QUERY_TIME,
  });
  await expect(results(page).first()).toHaveAccessibleName(/^low-hum\.wav/);
  // The audio result shows the item's waveform, with the matched window marked on it.
  const hum = results(page).first();
  await expect(hum.locator('img')).toBeVisible();
  expect(await naturalSize(hum.locator('img'))).toEqual([160, 120]);
  await expect(hum.locator('.window-mark')).toBeVisible();
  await expect(results(page).filter({ has: page.getByText('timeline.mp4') })).toHaveAccessibleName(
    /timeline\.mp4, video at 0:00/,
  );
  await screenshot(page, info, 'results-audio');

  // 5. Reload: the library is there at once and search works, with nothing ingested again.
  await page.reload();
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden();
  await search(page, 'red');
  await expect(results(page).filter({ hasText: /image/i }).first()).toHaveAccessibleName(/^red-square\.png/);
  await expect(results(page).filter({ has: page.getByText('timeline.mp4') })).toHaveAccessibleName(
    /^timeline\.mp4, video at 0:0[01]/,
  );
  // "/" focuses the search field from anywhere on the page.
  await page.getByRole('button', { name: 'Grid' }).focus();
  await page.keyboard.press('/');
  await expect(searchBox(page)).toBeFocused();

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
