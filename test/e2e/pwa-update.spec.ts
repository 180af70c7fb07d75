// Updates never break an open session: a new version's service worker waits, the page says an update is
// ready, and only "Reload to update" switches to it. The new version is simulated by changing the served
// service worker script, as a deployment does.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { MODEL_HOST } from './fixture-world';

const swPath = `${process.env.TROVE_E2E_DIST ?? 'dist'}/sw.js`;

test('a new version waits for "Reload to update"; the open session is left alone until then', async ({
  page,
  context,
}) => {
  // Context-wide, so the service worker's own fetch of models.json is answered too.
  await context.route('**/models.json', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(fixtureModelsConfig(MODEL_HOST)),
    }),
  );
  await page.goto('/');
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Let the installed worker control the page, as it does from the second visit on.
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  const original = readFileSync(swPath);
  try {
    appendFileSync(swPath, `\n// next version ${Date.now()}\n`);
    // State of the open session that a reload would lose.
    await page.getByRole('searchbox', { name: 'Search' }).fill('a query being typed');
    await page.evaluate(() => ((window as unknown as { __session: number }).__session = 42));
    const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const banner = page.getByRole('status').filter({ hasText: 'A new version of Trove is ready' });
    await expect(banner).toBeVisible({ timeout: 60_000 });
    // Nothing changed under the open page: same controller, same state; the new worker is waiting.
    expect(await page.evaluate(() => (window as unknown as { __session?: number }).__session)).toBe(42);
    await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue('a query being typed');
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(before);
    expect(
      await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())!.waiting),
    ).toBe(true);

    // "Later" hides the notice and still changes nothing.
    await banner.getByRole('button', { name: 'Later' }).click();
    await expect(banner).toBeHidden();
    expect(await page.evaluate(() => (window as unknown as { __session?: number }).__session)).toBe(42);

    // On the next check the notice is back; this time the user reloads into the new version.
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await page.reload();
    await expect(banner).toBeVisible({ timeout: 60_000 });
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button', { name: 'Reload to update' }).click();
    await reloaded;
    await expect(banner).toBeHidden();
    expect(
      await page.evaluate(() => (window as unknown as { __session?: number }).__session),
    ).toBeUndefined();
    expect(
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting),
    ).toBeNull();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  } finally {
    writeFileSync(swPath, original);
  }
});
