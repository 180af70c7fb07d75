// Hostile input: a file name, document text and snippets made of markup and script are shown as the
// characters they are, and nothing in them runs. The CSP would block most payloads even if the UI rendered
// them as HTML, so the test also fails on any CSP violation (an attempt the policy caught) and on any
// payload element in the DOM, not only on a script that ran.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { watchPage } from './network-guard';
import { MAX_ANSWER_TIME, MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { results, search as runSearch, searchBox } from './search-page.ts';

// page.route does not see requests a service worker answers; the worker has its own test (offline.spec.ts).
test.use({ serviceWorkers: 'block' });

const HOSTILE_NAME = '<img src=x onerror=alert(1)>.png';
const hostileDocs = ['script.md', 'script.html', 'payloads.txt', 'javascript.pdf'];
const background = [
  'text/kite-diary.txt',
  'text/plumbing-notes.md',
  'text/bread-recipe.pdf',
  'image/blue-sky.webp',
];

interface Violation {
  directive: string;
  blocked: string;
  file: string;
  line: number;
  column: number;
}

/**
 * Every CSP violation, placed by the source position the browser reports, read back from the built file.
 * HTML files are parsed in the document worker without a DOM, so none is expected: not even the inert ones
 * Chromium reported while DOMParser (which ingest used before) met event-handler attributes.
 */
async function violations(page: Page): Promise<string[]> {
  const all = await page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp);
  const found: string[] = [];
  for (const v of all) {
    const source = v.file ? await page.evaluate((url) => fetch(url).then((r) => r.text()), v.file) : '';
    const at = (source.split('\n')[v.line - 1] ?? '').slice(Math.max(0, v.column - 1), v.column + 60);
    found.push(`${v.directive} ${v.blocked} at ${v.file}:${v.line}:${v.column} (${at})`);
  }
  return found;
}

/** What the page did that it must not: dialogs, a set window.__pwned, CSP violations, payload elements. */
async function damage(page: Page, dialogs: string[]) {
  return {
    dialogs,
    pwned: await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null),
    cspViolations: await violations(page),
    payloadElements: await page
      .locator('img[src="x"], [onerror], [onload], iframe, object, embed, a[href^="javascript:"]')
      .count(),
    scripts: await page.locator('script:not([type="module"][src^="/assets/"])').count(),
  };
}

const clean = { dialogs: [], pwned: null, cspViolations: [], payloadElements: 0, scripts: 0 };

const search = (page: Page, text: string, found = true) => runSearch(page, text, { orNothing: !found });

test('hostile names and documents are shown as text and nothing in them runs', async ({ page, baseURL }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: Violation[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        file: e.sourceFile,
        line: e.lineNumber,
        column: e.columnNumber,
      });
    });
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  const seen = watchPage(page, new URL(baseURL!).origin, [modelHostOrigin]);
  await serveFixtureModelsConfig(page);
  await page.goto('/');
  // The library is open (the input ignores files until it is).
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await expect(page.getByRole('button', { name: 'Add files' })).toBeEnabled();

  // Playwright takes paths or buffers, not both: every file as a buffer, with its name.
  const asPayload = (path: string) => ({
    name: path.slice(path.lastIndexOf('/') + 1),
    mimeType: '',
    buffer: readFileSync(media(path)),
  });
  const files = [
    { name: HOSTILE_NAME, mimeType: 'image/png', buffer: readFileSync(media('image/red-square.png')) },
    ...hostileDocs.map((f) => asPayload(`hostile/${f}`)),
    ...background.map(asPayload),
  ];
  await page.getByLabel('Add files').setInputFiles(files);
  await expect(page.getByText(`${files.length} items`, { exact: true })).toBeVisible({
    timeout: MAX_INGEST_TIME,
  });
  await expect(page.getByRole('heading', { name: 'Adding files' })).toBeHidden({ timeout: MAX_INGEST_TIME });
  // Every file became an item, and the hostile name reads as its own characters.
  const items = page.getByRole('list', { name: 'Items' }).getByRole('listitem');
  await expect(items).toHaveCount(files.length);
  await expect(page.getByRole('button', { name: `Open ${HOSTILE_NAME}` })).toBeVisible();
  await expect(page.getByText(HOSTILE_NAME, { exact: true }).first()).toBeVisible();

  // All four documents come up for their shared word, and each opens in the viewer as text.
  await search(page, 'zanzibar');
  for (const name of hostileDocs) {
    const result = results(page).filter({ has: page.getByText(name, { exact: true }) });
    await expect(result).toHaveCount(1);
    await result.getByRole('button').first().click();
    const viewer = page.getByRole('dialog');
    await expect(viewer).toBeVisible();
    if (name === 'script.html') {
      // HTML is reduced to its visible text: an escaped tag in it is text, the real scripts are gone.
      await expect(viewer).toContainText("<script>window.__pwned = 'entity'</script>", { timeout: 30_000 });
      await expect(viewer).not.toContainText("'body-script'");
    } else {
      await expect(viewer).toContainText("<script>window.__pwned = 'script'</script>", { timeout: 30_000 });
    }
    await page.keyboard.press('Escape');
    await expect(viewer).toBeHidden();
  }
  expect(await damage(page, dialogs)).toEqual(clean);

  // The hostile name as a search result and in the image viewer.
  await search(page, 'red');
  const named = results(page).filter({ has: page.getByText(HOSTILE_NAME, { exact: true }) });
  await expect(named).toHaveCount(1);
  await named.getByRole('button').first().click();
  await expect(page.getByRole('dialog', { name: HOSTILE_NAME })).toBeVisible();
  await page.keyboard.press('Escape');

  // Asking about them: no answer model can load here, so the answer quotes the passages, markup and all,
  // as text (the browser tier renders a model's HTML answer: test/browser/answer-hostile.test.ts).
  await searchBox(page).fill('what is on the zanzibar packing list');
  await page.getByRole('button', { name: 'Ask' }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await expect(answer.getByRole('button', { name: 'New conversation' })).toBeVisible({
    timeout: MAX_ANSWER_TIME,
  });
  await expect(answer.locator('.answer-text')).toContainText('<script>', { timeout: MAX_ANSWER_TIME });
  expect(await damage(page, dialogs)).toEqual(clean);

  // A payload as the query: echoed back as text, and harmless.
  const query = "<img src=x onerror=alert('q')>";
  await search(page, query, false);

  await page.waitForTimeout(500);
  expect(await damage(page, dialogs)).toEqual(clean);
  // The browser logs each CSP violation as a console error: there are none, nor any other error.
  expect(seen.consoleErrors).toEqual([]);
});
