// The hostile corpus (issue 21's acceptance): every file of test/fixtures/media/bad and hostile, made by the
// fixture generator, plus one document over the size limit written sparse at run time, added in one go with
// a few good files to a library that already has items. For each file: a clear reason on its card, or, for
// a file Trove takes, its card and its text shown as text. Nothing runs; the good files become ready; the
// items already there are unchanged; no task of the page's main thread does over 200 ms of work (the Long
// Tasks API's wall time, told apart from waiting for a CPU on a busy machine); and the workers' memory
// stays under a stated bound.
//
// The three tests share one page, in order: the library before, the ingest (timed and measured), and what
// the library shows after.
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { ManifestEntry } from '../../scripts/fixtures/media/manifest.ts';
import { sparseText, writeSparseText } from '../../scripts/fixtures/media/hostile-sparse.ts';
import { MAX_INGEST_TIME, MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';
import { media, modelHostOrigin, serveFixtureModelsConfig } from './fixture-world';
import { outcomes, type Outcome } from './hostile-corpus-outcomes.ts';
import { librarySnapshot, type ItemSnapshot } from './library-snapshot.ts';
import { MainThreadClock, type TaskTime } from './main-thread-clock.ts';
import { MemoryWatch, rendererPids } from './memory-watch.ts';
import { watchPage } from './network-guard';
import {
  longTasksBetween,
  noScriptTraces,
  pageNow,
  scriptTraces,
  watchPageThread,
  type LongTask,
} from './page-watch.ts';

test.describe.configure({ mode: 'serial' });

/** The longest a task of the page may take while the corpus is ingested, as issue 21 states. */
const MAX_TASK_MS = 200;
/**
 * The most one worker may hold in its JavaScript heap and ArrayBuffers at once. By design no step of ingest
 * holds a file whole beyond the limits it checks first: audio is decoded 2 minutes at a time (23 MB at
 * 48 kHz), video a window of frames at a time, a copy is hashed in chunks, and no file of the corpus is a
 * document that may be read whole (the sparse one is refused by its size). 256 MB leaves room for the
 * fixture models and a slow collector; reading a refused file whole, or decoding any length the corpus
 * claims (lying-length.wav's 37 hours would be 25 GB of samples), would pass it.
 */
const MAX_WORKER_BYTES = 256 * 1024 * 1024;
/**
 * The most the renderer process (the page and every worker, with their WebAssembly memories and what the
 * browser decodes for them) may grow, from its resident set before the corpus to its peak during it. It
 * starts at about 600 MB here, most of it the encoders' runtimes and the fixture models. No image of the
 * corpus is within Trove's pixel limit, and decoding any one of them would pass 512 MB on its own: the
 * smallest claim, png-bomb.png's 144 megapixels, is 576 MB as RGBA.
 */
const MAX_RENDERER_GROWTH_BYTES = 512 * 1024 * 1024;

const manifest = (JSON.parse(readFileSync(media('MANIFEST.json'), 'utf8')) as { files: ManifestEntry[] })
  .files;
const corpus = manifest.filter((e) => e.kind === 'bad' || e.kind === 'hostile');
const nameOf = (e: ManifestEntry) => e.facts.dropAs ?? e.file;
/** In the library before the corpus: a document of each kind, a picture, a recording, a video. */
const before = [
  'text/kite-diary.txt',
  'text/bread-recipe.pdf',
  'image/red-square.png',
  'audio/low-hum.wav',
  'video/timeline.mp4',
];
/** Good files added in the same go as the corpus. */
const good = [
  'text/plumbing-notes.md',
  'text/travel-notes.html',
  'image/blue-sky.webp',
  'audio/high-beep.wav',
];
const sparseOutcome: Outcome = { refused: /^The document is 65 MB; the limit is 64 MB$/ };

let context: BrowserContext;
let page: Page;
let dialogs: string[];
let seen: ReturnType<typeof watchPage>;
const workerErrors: string[] = [];
let libraryBefore: ItemSnapshot[];

interface Card {
  name: string;
  status: string;
  facts: string;
  text: string;
}

/** Every card of the library as the user reads it. */
function cards(): Promise<Card[]> {
  return page.$$eval('ul[aria-label="Items"] > li', (items) =>
    items.map((li) => ({
      name: li.querySelector('.item-name')?.textContent ?? '',
      status: [...li.classList].find((c) => c.startsWith('status-'))?.slice('status-'.length) ?? '',
      facts: li.querySelector('.facts')?.textContent?.trim() ?? '',
      text: li.querySelector('.item-status')?.textContent?.trim() ?? '',
    })),
  );
}

/** Waits until the library lists `count` cards and none is waiting or being added. */
async function settled(count: number, timeout: number): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            [...document.querySelectorAll('ul[aria-label="Items"] > li')].filter(
              (li) => !li.matches('.status-pending, .status-processing'),
            ).length,
        ),
      { timeout, intervals: [500] },
    )
    .toBe(count);
}

test.beforeAll(async ({ browser }, info) => {
  context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    viewport: { width: 1280, height: 800 },
    // page.route does not see requests a service worker answers (see offline.spec.ts for the worker).
    serviceWorkers: 'block',
  });
  page = await context.newPage();
  ({ dialogs } = await watchPageThread(page));
  context.on('dialog', (d) => dialogs.push(`context ${d.type()}: ${d.message()}`));
  seen = watchPage(page, new URL(info.project.use.baseURL!).origin, [modelHostOrigin]);
  page.on('worker', (worker) =>
    worker.on('console', (m) => {
      if (m.type() === 'error') workerErrors.push(`${worker.url()}: ${m.text()}`);
    }),
  );
  await serveFixtureModelsConfig(page);
});

test.afterAll(async () => {
  await context.close();
});

test('a library with a document, a PDF, a picture, a recording and a video', async () => {
  await page.goto('/');
  await expect(page.getByText(/^0 items$/)).toBeVisible({ timeout: MAX_PAGE_LOAD_TIME });
  await page.getByLabel('Add files').setInputFiles(before.map(media));
  await settled(before.length, MAX_INGEST_TIME);
  expect((await cards()).map((c) => c.status)).toEqual(before.map(() => 'ready'));
  libraryBefore = await librarySnapshot(page);
  expect(libraryBefore.every((i) => i.segments > 0 && i.vectors > 0)).toBe(true);
});

/** The long tasks of the page between two of its times, each with how its main thread spent it. */
async function explainedTasks(clock: MainThreadClock, from: number, to: number) {
  return (await longTasksBetween(page, from, to)).map((t) => ({
    ...t,
    ...clock.during(t.epoch, t.epoch + t.duration),
  }));
}

type Explained = LongTask & TaskTime;

/**
 * Tasks that held the page: over 200 ms of its own work. On a busy machine the rest of a task's wall time
 * is waiting: the page's thread for a CPU, or blocked (for instance on a browser thread that itself waits
 * for one). Work that grows with a file shows up as the page's own CPU time.
 */
const heldThePage = (tasks: Explained[]) => tasks.filter((t) => t.cpuMs > MAX_TASK_MS);

function describeTasks(what: string, tasks: Explained[], clock: MainThreadClock): string {
  const ms = (n: number) => `${Math.max(0, n).toFixed(0)} ms`;
  const longest = tasks.reduce<Explained | null>((a, t) => (!a || t.duration > a.duration ? t : a), null);
  return (
    `${what}: ${tasks.length} tasks over 50 ms; the longest (Long Tasks API, wall time) ` +
    `${ms(longest?.duration ?? 0)}, with ${ms(longest?.cpuMs ?? 0)} on a CPU and ${ms(longest?.waitMs ?? 0)} ` +
    `waiting for one; most work in one task ${ms(Math.max(0, ...tasks.map((t) => t.cpuMs)))}; most wall ` +
    `time not waiting for a CPU ${ms(Math.max(0, ...tasks.map((t) => t.duration - t.waitMs)))}; kernel ` +
    `samples at most ${ms(clock.largestGapMs())} apart`
  );
}

test('the hostile corpus is ingested with the page responsive and the workers under their bound', async () => {
  const info = test.info();
  // Files whose name is the hostile part go by buffer, under that name; the rest by path, so Playwright
  // does no work in the page for them (it decodes a buffer's base64 there, in a task of its own).
  const sparsePath = info.outputPath(sparseText.file);
  writeSparseText(sparsePath);
  const byPath = [...good.map(media), ...corpus.filter((e) => !e.facts.dropAs).map((e) => media(e.path))];
  const byName = corpus
    .filter((e) => e.facts.dropAs)
    .map((e) => ({ name: nameOf(e), mimeType: e.mime, buffer: readFileSync(media(e.path)) }));
  expect(corpus.length).toBeGreaterThanOrEqual(30);

  const renderers = await rendererPids(page);
  const clock = await MainThreadClock.start(page);
  const memory = await MemoryWatch.start(page, renderers);
  const from = await pageNow(page);
  const started = Date.now();
  await page.getByLabel('Add files').setInputFiles([...byPath, sparsePath]);
  await page.getByLabel('Add files').setInputFiles(byName);
  await settled(before.length + good.length + corpus.length + 1, MAX_INGEST_TIME);
  const seconds = (Date.now() - started) / 1000;
  const to = await pageNow(page);
  const used = await memory.stop();
  await clock.stop();
  const tasks = await explainedTasks(clock, from, to);

  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  const report = [
    `${corpus.length + 1} hostile and ${good.length} good files settled in ${seconds.toFixed(1)} s`,
    describeTasks('page during ingest', tasks, clock),
    `peak worker memory (heap and ArrayBuffers) ${mb(used.peakWorkerBytes)} in ${used.peakWorker}; ` +
      `renderer (page and workers) resident ${mb(used.rendererStartBytes)} at the start, ` +
      `peak ${mb(used.rendererPeakBytes)}; ${used.samples} samples of ${used.workers.length} workers`,
    ...used.workers.map((w) => `  ${w.url}: ${mb(w.bytes)}`),
  ].join('\n');
  console.log(report);
  await info.attach('hostile-corpus-measurements.txt', { body: report, contentType: 'text/plain' });

  // The watches saw something: the app's workers, the renderer, and the load that made tasks long.
  expect(used.workers.length, 'workers watched').toBeGreaterThan(3);
  expect(used.rendererPeakBytes, 'renderer peak resident').toBeGreaterThan(used.rendererStartBytes / 2);
  expect(heldThePage(tasks)).toEqual([]);
  expect(used.peakWorkerBytes).toBeLessThan(MAX_WORKER_BYTES);
  expect(used.rendererPeakBytes - used.rendererStartBytes).toBeLessThan(MAX_RENDERER_GROWTH_BYTES);
});

test('each file is refused with its reason or shown as text; nothing ran; the library before is unchanged', async () => {
  const all = await cards();
  const byName = new Map(all.map((c) => [c.name, c]));
  expect(byName.size, 'one card a file').toBe(all.length);

  // Every corpus file has an expected outcome, and every outcome a file.
  const expected = new Map<string, Outcome>(corpus.map((e) => [nameOf(e), outcomes[e.path]!]));
  expect(corpus.filter((e) => !outcomes[e.path]).map((e) => e.path)).toEqual([]);
  expect(Object.keys(outcomes).filter((p) => !corpus.some((e) => e.path === p))).toEqual([]);
  expected.set(sparseText.file, sparseOutcome);

  const wrong: string[] = [];
  for (const [name, outcome] of expected) {
    const card = byName.get(name);
    if (!card) {
      wrong.push(`${name}: no card`);
      continue;
    }
    // A refused file fails with a reason; a manifest failure must never end as a ready item, and back.
    if ('refused' in outcome) {
      if (!['error', 'unsupported'].includes(card.status) || !outcome.refused.test(card.text))
        wrong.push(`${name}: ${card.status} "${card.text}", expected ${outcome.refused}`);
    } else {
      const summary = [card.facts, card.text === 'Ready' ? '' : card.text].filter(Boolean).join(' ');
      if (card.status !== 'ready' || (outcome.card && !outcome.card.test(summary)))
        wrong.push(`${name}: ${card.status} "${summary}", expected ready ${outcome.card ?? ''}`);
    }
  }
  for (const e of corpus) {
    const refusedHere = 'refused' in outcomes[e.path]!;
    if (refusedHere !== !!e.facts.failure)
      wrong.push(`${e.path}: the manifest's failure (${e.facts.failure}) and the outcome disagree`);
  }
  for (const path of good) {
    const name = path.slice(path.indexOf('/') + 1);
    if (byName.get(name)?.status !== 'ready') wrong.push(`good ${name}: ${byName.get(name)?.text}`);
  }
  expect(wrong).toEqual([]);
  const refused = [...expected.values()].filter((o) => 'refused' in o).length;
  await expect(page.getByRole('list', { name: 'Files not added' }).getByRole('listitem')).toHaveCount(
    refused,
  );

  // A document Trove took opens in the viewer with its payload as characters.
  // (The page must not be held while the viewer reads them either, as issue 21 found it was.)
  const names = all.map((c) => c.name);
  const clock = await MainThreadClock.start(page);
  const viewerFrom = await pageNow(page);
  for (const [name, outcome] of expected) {
    if (!('shows' in outcome) || !outcome.shows) continue;
    await page
      .locator('ul[aria-label="Items"] > li')
      .nth(names.indexOf(name))
      .getByRole('button', { name: /^Open / })
      .click();
    const viewer = page.getByRole('dialog');
    await expect(viewer, name).toContainText(outcome.shows, { timeout: 30_000 });
    await page.keyboard.press('Escape');
    await expect(viewer).toBeHidden();
  }
  const viewerTo = await pageNow(page);
  await clock.stop();
  const viewerTasks = await explainedTasks(clock, viewerFrom, viewerTo);
  console.log(describeTasks('page while the viewer read them', viewerTasks, clock));
  expect(heldThePage(viewerTasks)).toEqual([]);

  // The image under a markup name opens as a picture named by those characters.
  const markup = corpus.find((e) => e.path === 'hostile/markup-name.png')!;
  await page.getByRole('button', { name: `Open ${nameOf(markup)}`, exact: true }).click();
  await expect(page.getByRole('dialog', { name: nameOf(markup) })).toBeVisible();
  await page.keyboard.press('Escape');

  // Nothing ran: no dialog, no sentinel in the page or a worker, no CSP violation, no payload element.
  expect(dialogs).toEqual([]);
  expect(await scriptTraces(page)).toEqual(noScriptTraces);
  // The browser logs each CSP violation as a console error, in the page or the worker it happened in:
  // there are none, nor any other error.
  expect([...seen.consoleErrors, ...workerErrors]).toEqual([]);
  expect(seen.foreignRequests).toEqual([]);

  // The items that were there before are exactly as they were: same records, same derived data.
  const after = await librarySnapshot(page);
  expect(after.filter((i) => libraryBefore.some((b) => b.id === i.id))).toEqual(libraryBefore);
  expect(after).toHaveLength(libraryBefore.length + good.length + corpus.length + 1);

  // The watch on the page's thread sees a task of the page and where its time went: a busy loop of 600 ms
  // is one long task, and its thread was on a CPU or waiting for one throughout. (How much of it was on a
  // CPU depends on the machine's load, so the loop cannot stand for "over 200 ms of work" everywhere.)
  const calibration = await MainThreadClock.start(page);
  const busyFrom = await pageNow(page);
  // In a task of the page's own: tasks the DevTools protocol runs (page.evaluate) are not reported.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          const end = performance.now() + 600;
          while (performance.now() < end);
          resolve();
        }),
      ),
  );
  const busyTo = await pageNow(page);
  await calibration.stop();
  const busy = await explainedTasks(calibration, busyFrom, busyTo);
  expect(busy).toHaveLength(1);
  expect(busy[0]!.duration).toBeGreaterThanOrEqual(600);
  expect(busy[0]!.cpuMs).toBeGreaterThan(0);
  expect(busy[0]!.cpuMs + busy[0]!.waitMs).toBeGreaterThan(busy[0]!.duration * 0.9);
});
