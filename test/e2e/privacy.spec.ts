// Privacy, proven on the built app: every request made while adding files (images, speech, video, PDF,
// Markdown), searching by words and by an image, and asking a question goes to the app's own origin or the
// configured model host, and no request carries any part of a user's file, or its name.
import { readFileSync } from 'node:fs';
import { expect, test, type Page, type Request } from '@playwright/test';
import { cspString } from '../../scripts/vite/csp.ts';
import { validateModelsConfig } from '../../src/models/config.ts';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import {
  MAX_ANSWER_TIME,
  MAX_INGEST_TIME,
  MAX_PAGE_LOAD_TIME,
  MAX_QUERY_TIME,
} from '../support/time-budgets.ts';
import { search as runSearch, searchBox } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

const files = [
  'image/red-square.png',
  'image/green-field.jpg',
  'audio/podcast-kite.wav',
  'video/timeline.mp4',
  'text/bread-recipe.pdf',
  'text/plumbing-notes.md',
];
const queryImage = 'image/yellow-sun.png';

/** Pieces of a file that would show up in any request that carried it (or a large part of it). */
function probes(path: string): Buffer[] {
  const bytes = readFileSync(media(path));
  const size = 24;
  const at = [0, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - size].map((n) =>
    Math.max(0, Math.min(n, bytes.length - size)),
  );
  return [...new Set(at)].map((n) => bytes.subarray(n, n + size));
}

interface Seen {
  url: string;
  method: string;
  body: Buffer | null;
  from: string;
}

/** These searches may find nothing, and the page says so. */
const search = (page: Page, text: string) => runSearch(page, text, { orNothing: true });

test('every request stays on the app or the model host, and none carries a user file', async ({
  page,
  context,
  baseURL,
}) => {
  const appOrigin = new URL(baseURL!).origin;
  const requests: Seen[] = [];
  const record = (r: Request) =>
    requests.push({
      url: r.url(),
      method: r.method(),
      body: r.postDataBuffer(),
      from: r.frame() ? 'page' : 'worker',
    });
  // The context sees the page's requests and its workers'.
  context.on('request', record);

  await serveFixtureModelsConfig(page);
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });

  await search(page, 'red');
  await searchBox(page).fill('');
  await page.getByLabel('Attach an image').setInputFiles(media(queryImage));
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(
    page.getByRole('status').filter({ hasText: /results? for|Nothing in your library matches/ }),
  ).toContainText('yellow-sun.png', { timeout: MAX_QUERY_TIME });

  await searchBox(page).fill('what did the plumber say about the valve');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await expect(answer.getByRole('button', { name: 'New conversation' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });

  // The run did reach both origins (so the recording works), and nothing else.
  const origins = new Set(requests.map((r) => new URL(r.url).origin).filter((o) => o !== 'null'));
  expect(origins.has(appOrigin)).toBe(true);
  expect(origins.has(modelHostOrigin)).toBe(true);
  const elsewhere = requests.filter((r) => {
    const url = new URL(r.url);
    return (
      url.protocol !== 'data:' &&
      url.protocol !== 'blob:' &&
      url.origin !== appOrigin &&
      url.origin !== modelHostOrigin
    );
  });
  expect(elsewhere.map((r) => r.url)).toEqual([]);

  // No body holds a piece of any user file, and no URL names one.
  const userFiles = [...files, queryImage];
  const carrying = requests.flatMap((r) =>
    userFiles
      .filter((f) => r.body && probes(f).some((p) => r.body!.includes(p)))
      .map((f) => `${r.method} ${r.url} carries ${f}`),
  );
  expect(carrying).toEqual([]);
  const naming = requests.flatMap((r) =>
    userFiles
      .map((f) => f.slice(f.lastIndexOf('/') + 1))
      .filter((name) => decodeURIComponent(r.url).includes(name))
      .map((name) => `${r.url} names ${name}`),
  );
  expect(naming).toEqual([]);
  // For the record: the app sends no request bodies at all.
  expect(requests.filter((r) => r.body && r.body.length > 0).map((r) => `${r.method} ${r.url}`)).toEqual([]);
});

test('the page runs under the CSP built from models.json, which refuses any other origin', async ({
  page,
  baseURL,
}) => {
  await page.goto('/');
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));
  expect(meta).toBe(cspString(shipped));

  const outcome = await page.evaluate(
    async (targets) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
      const results: string[] = [];
      for (const url of targets)
        results.push(
          await fetch(url).then(
            (r) => `${r.status}`,
            () => 'refused',
          ),
        );
      await new Promise((r) => setTimeout(r, 100));
      return { results, violations };
    },
    [`${baseURL}/models.json`, 'http://127.0.0.1:9/elsewhere', 'https://example.com/collect'],
  );
  // The app's own origin is reachable; the others are stopped by the policy (not by the network). (Reported
  // once per policy: the tier's server also sends the policy as a header, csp-header.spec.ts.)
  expect(outcome.results).toEqual(['200', 'refused', 'refused']);
  expect([...new Set(outcome.violations)]).toEqual([
    'connect-src http://127.0.0.1:9/elsewhere',
    'connect-src https://example.com/collect',
  ]);
});
