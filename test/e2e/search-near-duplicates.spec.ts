// Near-duplicates (issue 22): three burst shots of one scene are one result with "+2 similar", which
// opens to show the other two; pictures that only share a colour stay results of their own.
import { expect, test, type Page } from '@playwright/test';
import { watchPage } from './network-guard';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { MAX_INGEST_TIME } from '../support/time-budgets.ts';
import { resultNames, results, search } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = [
  'image/burst-1.png',
  'image/burst-2.png',
  'image/burst-3.png',
  'image/blue-sky.webp',
  'image/yellow-sun.png',
  'image/red-square.png',
];

const bursts = (names: string[]) => names.filter((n) => /^burst-\d\.png/.test(n));

async function expectBurstGrouped(page: Page) {
  const top = await resultNames(page);
  expect(bursts(top)).toHaveLength(1);
  const leader = results(page).filter({ hasText: /burst-\d\.png/ });
  const leaderName = (await leader.getAttribute('aria-label'))!.split(',')[0]!;
  const toggle = leader.getByRole('button', { name: `2 similar to ${leaderName}` });
  await expect(toggle).toHaveText('+2 similar');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const similar = page.getByRole('list', { name: `Similar to ${leaderName}` }).getByRole('listitem');
  const others = await similar.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(others.sort()).toEqual(
    ['burst-1.png', 'burst-2.png', 'burst-3.png'].filter((n) => n !== leaderName).map((n) => `${n}, image`),
  );
  await toggle.click();
  await expect(similar).toHaveCount(0);
}

test('burst shots are grouped under one result, "+2 similar", and open to show the others', async ({
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

  // "blue": the blue sky first, a picture of its own, then the burst (blue sky over sand) as one result.
  await search(page, 'blue');
  await expect(results(page).first()).toHaveAccessibleName('blue-sky.webp, image');
  await expectBurstGrouped(page);

  // Listed by a filter alone, the burst is grouped too; the other pictures are results of their own.
  await search(page, 'photos');
  const listed = await resultNames(page);
  expect(listed.filter((n) => !/^burst/.test(n)).sort()).toEqual([
    'blue-sky.webp, image',
    'red-square.png, image',
    'yellow-sun.png, image',
  ]);
  await expectBurstGrouped(page);

  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
