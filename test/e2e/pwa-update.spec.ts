// Updates never break an open session: a new version's service worker waits, the page says an update is
// ready, and only "Reload to update" switches to it.
//
// The spec has its own origin: a static server over the shared build that, once the test "deploys", answers
// /sw.js with the next version (this build's worker with one line changed), as a host does after a
// deployment. Nothing on disk changes, so the other specs see the build as it was. (A Playwright route
// cannot stand in for the host: Chromium fetches a worker's script for an update check without it.)
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import sirv from 'sirv';
import { expect, test, type Page } from '@playwright/test';
import { isolationHeaders } from '../../scripts/vite/isolation-headers.ts';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { MODEL_HOST } from './fixture-world';
import { searchBox } from './search-page.ts';

const dist = process.env.TROVE_E2E_DIST ?? 'dist';
const port = Number(process.env.TROVE_E2E_PORT ?? 4173) + 21;
const origin = `http://localhost:${port}`;
const nextWorker = `${readFileSync(`${dist}/sw.js`, 'utf8')}\n// the next version\n`;

let deployed = false;
let server: Server | undefined;

test.beforeAll(async () => {
  const files = sirv(dist, {
    dev: true, // no in-memory file list, no caching headers: every update check reaches the files
    setHeaders: (res) => {
      for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
    },
  });
  server = createServer((req, res) => {
    if (deployed && new URL(req.url ?? '/', origin).pathname === '/sw.js') {
      res.writeHead(200, {
        ...isolationHeaders,
        'Content-Type': 'text/javascript',
        'Cache-Control': 'no-cache',
      });
      res.end(nextWorker);
      return;
    }
    files(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(port, resolve));
});

test.afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const session = (page: Page) => page.evaluate(() => (window as unknown as { __session?: number }).__session);
const waiting = (page: Page) =>
  page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting);

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
  await page.goto(`${origin}/`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Let the installed worker control the page, as it does from the second visit on.
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  expect(await waiting(page)).toBe(false);

  // State of the open session that a reload would lose.
  await searchBox(page).fill('a query being typed');
  await page.evaluate(() => ((window as unknown as { __session: number }).__session = 42));

  deployed = true;
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  const banner = page.getByRole('status').filter({ hasText: 'A new version of Trove is ready' });
  await expect(banner).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  // Nothing changed under the open page: same state, and the new worker is waiting, not controlling.
  expect(await session(page)).toBe(42);
  await expect(searchBox(page)).toHaveValue('a query being typed');
  expect(await waiting(page)).toBe(true);

  // "Later" hides the notice and still changes nothing.
  await banner.getByRole('button', { name: 'Later' }).click();
  await expect(banner).toBeHidden();
  expect(await session(page)).toBe(42);
  expect(await waiting(page)).toBe(true);

  // On the next visit the notice is back; this time the user reloads into the new version.
  await page.reload();
  await expect(banner).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await page.evaluate(() => ((window as unknown as { __session: number }).__session = 7));
  await banner.getByRole('button', { name: 'Reload to update' }).click();
  // The page reloads itself once the new worker controls it, so the state set above is gone. (Polled, not
  // a wait for "load": the reload may already have happened by the time a listener would be attached.)
  await expect.poll(() => session(page).catch(() => 7), { timeout: MAX_PAGE_LOAD_TIME }).toBeUndefined();
  await expect(banner).toBeHidden();
  // Polled: a clean-clone run under load once read the new worker still in the waiting slot right after
  // the reload; what must hold is that it does not stay there.
  await expect.poll(() => waiting(page), { timeout: MAX_PAGE_LOAD_TIME }).toBe(false);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});
