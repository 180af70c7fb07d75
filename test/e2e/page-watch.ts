// What a hostile file could make the page do, watched from the first script on: tasks that hold the main
// thread (the Long Tasks API), Content-Security-Policy violations (each one an attempt the policy caught),
// dialogs, and a sentinel global every payload in the corpus sets when it runs (window.__pwned).
import type { Page } from '@playwright/test';

export interface LongTask {
  /** ms since the page's time origin. */
  start: number;
  /** Epoch ms (the page's time origin + start). */
  epoch: number;
  duration: number;
}

interface Watched {
  __longTasks: LongTask[];
  __csp: string[];
  __pwned?: unknown;
}

/** Installs the watchers in every document the page loads; call before the first goto. */
export async function watchPageThread(page: Page): Promise<{ dialogs: string[] }> {
  await page.addInitScript(() => {
    const w = window as unknown as Watched;
    w.__longTasks = [];
    w.__csp = [];
    // buffered: tasks that ran before the observer was made are reported too.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const epoch = performance.timeOrigin + e.startTime;
        w.__longTasks.push({ start: e.startTime, epoch, duration: e.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { dialogs };
}

/** The page's clock, to bracket a stretch of work. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks that started in [from, to]. Entries arrive after their task ends: wait a frame first. */
export async function longTasksBetween(page: Page, from: number, to: number): Promise<LongTask[]> {
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  const all = await page.evaluate(() => (window as unknown as Watched).__longTasks);
  return all.filter((t) => t.start >= from && t.start <= to);
}

/** What ran that must not have: CSP violations, the sentinel, in the page and in every live worker. */
export async function scriptTraces(page: Page) {
  const workerSentinels: string[] = [];
  for (const worker of page.workers()) {
    // A worker that is closing never answers; it cannot have run anything since either.
    const value = await Promise.race([
      worker.evaluate(() => (self as unknown as { __pwned?: unknown }).__pwned ?? null).catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
    ]);
    if (value !== null) workerSentinels.push(`${worker.url()}: ${String(value)}`);
  }
  return {
    cspViolations: await page.evaluate(() => (window as unknown as Watched).__csp),
    pwned: await page.evaluate(() => (window as unknown as Watched).__pwned ?? null),
    workerSentinels,
    // Elements a payload would have made, had any markup been rendered as HTML.
    payloadElements: await page
      .locator(
        'img[src="x"], [onerror], [onload], iframe, object, embed, svg[onload], a[href^="javascript:"]',
      )
      .count(),
    scripts: await page.locator('script:not([type="module"][src^="/assets/"])').count(),
  };
}

export const noScriptTraces = {
  cspViolations: [],
  pwned: null,
  workerSentinels: [],
  payloadElements: 0,
  scripts: 0,
};
