import type { Page } from '@playwright/test';

/**
 * Records what a page does that a private, offline-capable app must not: console errors, uncaught
 * exceptions, and requests to any origin other than the app's own (plus explicitly allowed model hosts).
 */
export function watchPage(page: Page, appOrigin: string, allowedOrigins: string[] = []) {
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  const allowed = new Set([appOrigin, ...allowedOrigins]);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (!allowed.has(url.origin)) foreignRequests.push(req.url());
  });
  return { consoleErrors, foreignRequests };
}
