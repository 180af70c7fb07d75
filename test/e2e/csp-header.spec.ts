// The Content-Security-Policy in its header form governs the workers too (a <meta> cannot). Served that way,
// Trove still ingests every kind of media on its workers (onnxruntime-web, ffmpeg.wasm, pdf.js, Whisper),
// searches and reaches the answer model's host, and no worker can fetch from anywhere else.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { media, serveFixtureModelsConfig } from './fixture-world';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';

test.use({ serviceWorkers: 'block' });

const port = Number(process.env.TROVE_E2E_PORT ?? 4173) + 20;
const dist = process.env.TROVE_E2E_DIST ?? 'dist';
let server: ChildProcess | undefined;

test.beforeAll(async () => {
  server = spawn(
    'npx',
    [
      'vite',
      'preview',
      '-c',
      'test/e2e/csp-header.vite.config.ts',
      '--outDir',
      dist,
      '--port',
      String(port),
      '--strictPort',
    ],
    // Its own process group, so the preview server npx starts is stopped with it.
    { stdio: 'ignore', detached: true },
  );
  await expect
    .poll(
      () =>
        fetch(`http://localhost:${port}/`).then(
          (r) => r.headers.get('content-security-policy'),
          () => null,
        ),
      {
        timeout: MAX_PAGE_LOAD_TIME,
      },
    )
    .toContain("frame-ancestors 'none'");
});

test.afterAll(() => {
  if (server?.pid) process.kill(-server.pid);
});

test('with the CSP as a header, every kind of file is ingested on the workers, and search and Ask work', async ({
  page,
}) => {
  await serveFixtureModelsConfig(page);
  await page.goto(`http://localhost:${port}/`);
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

  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill('green');
  await box.press('Enter');
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  await expect(page.getByRole('status').filter({ hasText: /results? for “green”/ })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(results.filter({ hasText: /image/i }).first()).toHaveAccessibleName(/^green-field\.jpg/);

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
