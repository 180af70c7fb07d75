// The search box and its results, as the e2e specs drive them: one place that knows the roles and the words
// the page uses, so a change to the search UI is one change here.
import { expect, type Locator, type Page } from '@playwright/test';
import { MAX_QUERY_TIME } from '../support/time-budgets.ts';

export const searchBox = (page: Page): Locator => page.getByRole('searchbox', { name: 'Search' });

export const results = (page: Page): Locator =>
  page.getByRole('list', { name: 'Results' }).getByRole('listitem');

/** The search's status line, whatever it says (so a failed expectation shows what it said instead). */
export const searchStatus = (page: Page): Locator =>
  page.getByRole('region', { name: 'Search results' }).getByRole('status');

const quoted = (text: string) => `“${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}”`;

/** The status line of a finished search for `text`: results, or also "nothing matches" when allowed. */
export function searchDone(page: Page, text: string, { orNothing = false } = {}): Locator {
  const said = orNothing ? '(results? for|Nothing in your library matches)' : 'results? for';
  return page.getByRole('status').filter({ hasText: new RegExp(`${said} ${quoted(text)}`) });
}

export interface SearchOptions {
  /** A search that may find nothing (the page says so) passes too. */
  orNothing?: boolean;
  /** For a first search that also waits for an ingest to finish. */
  timeout?: number;
}

/** Types `text`, presses Enter and waits until the page reports the search for it as done. */
export async function search(page: Page, text: string, options: SearchOptions = {}): Promise<void> {
  const box = searchBox(page);
  await box.fill(text);
  await box.press('Enter');
  await expect(searchDone(page, text, options)).toBeVisible({ timeout: options.timeout ?? MAX_QUERY_TIME });
}

/** The accessible names of the results, in rank order. */
export const resultNames = (page: Page): Promise<string[]> =>
  results(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
