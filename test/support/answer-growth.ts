// Watches the "Answer" region for an e2e test: the answer text's length each time it changes, and whether
// the answer was still being written (aria-busy) then, so a test can tell a streamed answer from one that
// appeared whole.
import type { Page } from '@playwright/test';

export interface GrowthStep {
  length: number;
  busy: boolean;
}

/** Starts watching; the returned function reads the steps seen so far. */
export async function recordAnswerGrowth(page: Page): Promise<() => Promise<GrowthStep[]>> {
  await page.evaluate(() => {
    const seen: { length: number; busy: boolean }[] = [];
    (window as unknown as { __answerGrowth: typeof seen }).__answerGrowth = seen;
    const region = document.querySelector('section[aria-label="Answer"]')!;
    new MutationObserver(() => {
      const length = region.querySelector('.answer-text')?.textContent?.length ?? 0;
      if (length && length !== seen.at(-1)?.length)
        seen.push({ length, busy: region.getAttribute('aria-busy') === 'true' });
    }).observe(region, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  return () => page.evaluate(() => (window as unknown as { __answerGrowth: GrowthStep[] }).__answerGrowth);
}
