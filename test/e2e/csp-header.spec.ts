// The Content-Security-Policy in its header form governs the workers too (a <meta> cannot). Served that way,
// Trove still ingests every kind of media on its workers (onnxruntime-web, ffmpeg.wasm, pdf.js, Whisper),
// searches and reaches the answer model's host, and no worker can fetch from anywhere else.
import { expect, test } from '@playwright/test';
import {
  fixtureWorldConfig,
  media,
  MODEL_HOST,
  previewCspHeader,
  serveFixtureModelsConfig,
} from './fixture-world';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { results, search, searchBox } from './search-page.ts';

test.use({ serviceWorkers: 'block' });

test('the preview sends the header, made from the models.json it serves, narrowed to the model folders', async ({
  baseURL,
}) => {
  const header = (await fetch(`${baseURL}/`)).headers.get('content-security-policy');
  expect(header).toBe(previewCspHeader());
  const connect = header!.split('; ').find((d) => d.startsWith('connect-src '))!;
  // The fixture host's model folders, not the host as a whole.
  expect(connect).toContain(`${MODEL_HOST}trove-fixtures/clip/`);
  expect(connect).toContain(`${MODEL_HOST}trove-cone/clip/`);
  expect(connect.split(' ')).not.toContain(new URL(MODEL_HOST).origin);
});

test('with the CSP as a header, every kind of file is ingested on the workers, and search and Ask work', async ({
  page,
}) => {
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  const files = [
    'image/red-square.png',
    'image/green-field.jpg',
    'audio/podcast-kite.wav',
    'video/timeline.mp4',
    'text/bread-recipe.pdf',
    'text/plumbing-notes.md',
  ];
  await page.getByLabel('Add files').setInputFiles(files.map(media));
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
  const cards = page.getByRole('list', { name: 'Items' }).getByRole('listitem');
  await expect(cards.filter({ hasText: 'Ready' })).toHaveCount(files.length);

  const box = searchBox(page);
  await search(page, 'green', { timeout: MAX_INGEST_TIME });
  await expect(results(page).filter({ hasText: /image/i }).first()).toHaveAccessibleName(/^green-field\.jpg/);

  // The answer model's worker reaches its (weightless) host and says why there is no model; nothing is blocked.
  await box.fill('what did the plumber say about the valve');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await expect(answer.getByRole('button', { name: 'New conversation' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });
  await expect(answer).toContainText('404');

  // A worker under this policy that tries another origin is stopped by the policy (a violation), not merely
  // by the network; its own origin it can reach.
  const probe = await page.evaluate(async () => {
    const code = `
      const seen = [];
      self.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective + ' ' + e.blockedURI));
      const own = await fetch('${location.origin}/models.json').then((r) => r.status, () => 'refused');
      const other = await fetch('http://127.0.0.1:9/collect').then((r) => r.status, () => 'refused');
      await new Promise((r) => setTimeout(r, 100));
      postMessage({ own, other, seen });`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), {
      type: 'module',
    });
    return new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
  });
  // (Reported once per policy: this blob worker inherits the page's <meta> policy and the header policy.)
  const { own, other, seen } = probe as { own: unknown; other: unknown; seen: string[] };
  expect({ own, other, seen: [...new Set(seen)] }).toEqual({
    own: 200,
    other: 'refused',
    seen: ['connect-src http://127.0.0.1:9/collect'],
  });
});

test('a model folder the policy does not name is refused by the policy, even on the model host', async ({
  page,
  context,
}) => {
  // The same host as the fixture models, in a folder models.json did not name when the header was made.
  const reached: string[] = [];
  context.on('request', (r) => {
    if (r.url().includes('/broken/')) reached.push(r.url());
  });
  const config = fixtureWorldConfig();
  config.roles.clip = { ...config.roles.clip, model: 'broken/html-config' };
  await page.route('**/models.json', (route) => route.fulfill({ json: config }));
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await page.getByLabel('Add files').setInputFiles(media('image/red-square.png'));
  // Refused before the network: the worker could not reach the file (had it been fetched, the fetch guard
  // would say the host answered with an HTML page, which is what that folder serves).
  const card = page.getByRole('list', { name: 'Items' }).getByRole('listitem');
  await expect(card).toContainText(`could not reach ${MODEL_HOST}broken/html-config/`, {
    timeout: MAX_INGEST_TIME,
  });
  expect(reached).toEqual([]);
});
