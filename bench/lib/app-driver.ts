// Drives the built app through its UI, as a user does, and reads what it costs: the realsize bench
// (bench/sections/realsize.ts) and its harness test (test/e2e/bench-driver.spec.ts) share these steps.
import { readFileSync, readdirSync } from 'node:fs';
import type { Page } from 'playwright';

const ITEMS = /^(\d+) items?$/;

/** Opens the app and waits until the library shows; returns ms from navigation to "N items". */
export async function openApp(page: Page, url: string, limitMs = 120_000): Promise<number> {
  const started = Date.now();
  await page.goto(url);
  await page.getByText(ITEMS).first().waitFor({ timeout: limitMs });
  return Date.now() - started;
}

/**
 * When each step of opening the app ended, in ms since navigation (the app's trove:open:* marks, and the
 * navigation's own responseEnd and domContentLoaded).
 */
export async function openSteps(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const steps: Record<string, number> = {};
    if (nav) {
      steps['html received'] = nav.responseEnd;
      steps['DOM ready'] = nav.domContentLoadedEventEnd;
    }
    for (const m of performance.getEntriesByType('mark'))
      if (m.name.startsWith('trove:open:')) steps[m.name.slice('trove:open:'.length)] = m.startTime;
    return steps;
  });
}

export async function itemCount(page: Page): Promise<number> {
  const text = await page.getByText(ITEMS).first().textContent();
  return Number(ITEMS.exec(text ?? '')?.[1] ?? NaN);
}

export async function addFiles(page: Page, paths: string[]): Promise<void> {
  await page.getByLabel('Add files').setInputFiles(paths);
}

/**
 * Waits until `n` items are ready and no file is left in the queue; fails at once, with the count, when the
 * queue has emptied with fewer (a file failed, or was the same as one already in the library).
 */
export async function waitForItems(page: Page, n: number, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  // Shown while files are being added (the panel itself stays while failures are listed).
  const adding = page.getByRole('button', { name: 'Cancel all' });
  let idleSince: number | undefined;
  for (;;) {
    const count = await itemCount(page);
    const busy = await adding.isVisible();
    if (count >= n && !busy) return;
    idleSince = busy ? undefined : (idleSince ?? Date.now());
    if (idleSince !== undefined && Date.now() - idleSince > 3000)
      throw new Error(`the queue emptied with ${count} items ready, not ${n}`);
    if (Date.now() > until) throw new Error(`${count} of ${n} items ready after ${limitMs / 1000} s`);
    await page.waitForTimeout(100);
  }
}

export interface QueryTiming {
  /** Enter → results in the page (the app's own `trove:search` measure). */
  ms: number;
  /** The search's stages, ms: encode, search, fuse, total. */
  stages: { encode: number; search: number; fuse: number; total: number };
  results: number;
}

async function submitAndTime(page: Page, submit: () => Promise<void>, limitMs: number): Promise<QueryTiming> {
  await page.evaluate(() => performance.clearMeasures('trove:search'));
  await submit();
  const handle = await page.waitForFunction(
    () => {
      const m = performance.getEntriesByName('trove:search')[0] as PerformanceMeasure | undefined;
      return m ? { ms: m.duration, stages: m.detail } : null;
    },
    undefined,
    { timeout: limitMs, polling: 20 },
  );
  const { ms, stages } = (await handle.jsonValue()) as Omit<QueryTiming, 'results'>;
  const results = await page.getByRole('list', { name: 'Results' }).getByRole('listitem').count();
  return { ms, stages, results };
}

export async function timeTextQuery(page: Page, text: string, limitMs = 120_000): Promise<QueryTiming> {
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill(text);
  return submitAndTime(page, () => box.press('Enter'), limitMs);
}

/** A query by one attached file (image or audio) and no words. */
export async function timeFileQuery(
  page: Page,
  kind: 'image' | 'audio',
  path: string,
  limitMs = 120_000,
): Promise<QueryTiming> {
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill('');
  const chips = page.getByRole('list', { name: 'Attachments' });
  await page
    .getByTitle(kind === 'image' ? 'Attach an image' : 'Attach an audio clip')
    .locator('input')
    .setInputFiles(path);
  await chips.getByRole('listitem').first().waitFor({ timeout: limitMs });
  await page.getByText('Reading the clip…').waitFor({ state: 'hidden', timeout: limitMs });
  const timing = await submitAndTime(page, () => box.press('Enter'), limitMs);
  await chips
    .getByRole('button', { name: /^Remove/ })
    .first()
    .click();
  return timing;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles. */
export function percentiles(values: number[]): Percentiles {
  if (!values.length) return { n: 0, p50: NaN, p95: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { n: values.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

export interface MemoryReport {
  /** measureUserAgentSpecificMemory: JS and DOM bytes of the page and of each kind of worker. */
  pageBytes: number;
  workerBytes: number;
  workers: number;
}

/** The browser's own account of the page's and its workers' memory (needs crossOriginIsolated). */
export async function userAgentMemory(page: Page): Promise<MemoryReport> {
  return page.evaluate(async () => {
    type Entry = { bytes: number; attribution: { scope?: string; url?: string }[] };
    const perf = performance as Performance & {
      measureUserAgentSpecificMemory?: () => Promise<{ breakdown: Entry[] }>;
    };
    if (!perf.measureUserAgentSpecificMemory)
      throw new Error('measureUserAgentSpecificMemory is unavailable');
    const { breakdown } = await perf.measureUserAgentSpecificMemory();
    let pageBytes = 0;
    let workerBytes = 0;
    const workers = new Set<string>();
    for (const e of breakdown) {
      const worker = e.attribution.find((a) => a.scope === 'DedicatedWorkerGlobalScope');
      if (worker) {
        workerBytes += e.bytes;
        workers.add(worker.url ?? '');
      } else pageBytes += e.bytes;
    }
    return { pageBytes, workerBytes, workers: workers.size };
  });
}

/** Whether a process runs a web worker or service worker (Chromium names those threads so). */
function hostsWorkers(pid: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) =>
      /^(DedicatedWorker|ServiceWorker)/.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8')),
    );
  } catch {
    return false;
  }
}

/**
 * Resident memory of the browser's renderer processes (page and its workers, WASM heaps included), from
 * /proc: the figure the operating system charges, which the JS-heap account above leaves out. Linux only;
 * `marker` is a string in the browser process's command line (its profile folder). `app`: the renderers
 * that run workers, which the app's page does and a blank tab or the browser's spare renderer does not.
 */
export function rendererResident(marker: string): { bytes: number; each: number[]; app: number } {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const info = new Map<string, { ppid: string; cmd: string; rss: number }>();
  for (const pid of procs) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = /PPid:\s+(\d+)/.exec(status)?.[1] ?? '0';
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      info.set(pid, { ppid, cmd, rss });
    } catch {
      // the process ended while the table was read
    }
  }
  const browser = [...info.entries()].find(
    ([, p]) => p.cmd.includes(marker) && !p.cmd.includes('--type='),
  )?.[0];
  if (!browser) throw new Error(`no browser process with ${marker} in its command line`);
  const descends = (pid: string): boolean => {
    for (let p = info.get(pid), depth = 0; p && depth < 10; p = info.get(p.ppid), depth++)
      if (p.ppid === browser) return true;
    return false;
  };
  const renderers = [...info].filter(([pid, p]) => p.cmd.includes('--type=renderer') && descends(pid));
  const each = renderers.map(([, p]) => p.rss).sort((a, b) => b - a);
  const app = renderers.filter(([pid]) => hostsWorkers(pid)).reduce((sum, [, p]) => sum + p.rss, 0);
  return { bytes: each.reduce((a, b) => a + b, 0), each, app };
}
