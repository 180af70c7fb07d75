import { expect, test } from '@playwright/test';
import { watchPage } from './network-guard';

test('the built app opens with its title, no console errors and no foreign requests', async ({
  page,
  baseURL,
}) => {
  const seen = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/');
  await expect(page).toHaveTitle('Trove');
  await expect(page.getByRole('heading', { level: 1, name: 'Trove' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.waitForLoadState('networkidle');
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);
});
