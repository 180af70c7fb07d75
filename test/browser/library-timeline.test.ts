// The library view over a large library, in a real browser: a synthetic library of thousands of items
// (test/support/synthetic-library.ts) imported through the app's own import, then shown by the real
// library panel. Only a window of cards is in the DOM; scrolling, the date jump and the keyboard bring
// others in; the filters read the store; the status line counts from the store's counts.
import { flushSync } from 'svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import type { AppState } from '../../src/ui/state/app-state.svelte.ts';
import { monthLabel } from '../../src/ui/library/timeline.ts';
import { monthOf } from '../../src/library/item-counts.ts';
import { mountLibrary, type MountedLibrary } from '../support/mount-library.ts';
import { syntheticItem, syntheticLibrary, type SyntheticOptions } from '../support/synthetic-library.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const ITEMS = 3000;
const names = freshNames('timeline');
let trove: Trove;
let app: AppState;
let view: MountedLibrary | undefined;
let target: HTMLElement;
let options: SyntheticOptions;

const until = async (check: () => boolean, ms = 10_000) => {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const cards = () => [...target.querySelectorAll<HTMLLIElement>('ul[aria-label="Items"] > li')];
const cardNames = () => cards().map((li) => li.querySelector('.item-name')?.textContent ?? '');
const viewport = () => target.querySelector<HTMLElement>('.timeline')!;

beforeAll(async () => {
  trove = await openTestTrove(names);
  options = {
    items: ITEMS,
    dims: { clip: 32, clap: 24, text: 16 },
    schemaVersion: trove.library.schemaVersion,
  };
  const parts: Uint8Array[] = [];
  for await (const part of syntheticLibrary(options)) parts.push(part.slice());
  await trove.importLibrary(new Blob(parts as BlobPart[]));
  view = mountLibrary(trove);
  ({ app, target } = view);
}, MAX_HOOK_TIME);

afterAll(async () => {
  await view?.unmount();
  await destroyTrove(trove, names);
}, MAX_HOOK_TIME);

describe('the library timeline (real IndexedDB, real DOM)', () => {
  it(
    'counts from the store and draws only a window of cards',
    async () => {
      let ready = 0;
      for (let i = 0; i < ITEMS; i++) if (syntheticItem(i, options).item.status === 'ready') ready++;
      await until(() => target.textContent!.includes(`${ready} items`));
      expect(target.textContent).toContain(`${ITEMS - ready} not added`);
      await until(() => cards().length > 0);
      const drawn = cards().length;
      expect(drawn).toBeGreaterThan(10);
      expect(drawn).toBeLessThan(300);
      // Newest first: the last item generated has the latest date.
      expect(cardNames()[0]).toBe(syntheticItem(ITEMS - 1, options).item.name);
      // Cards keep their names and say where they are in the whole list.
      expect(cards()[0]!.querySelector('button.item-open')!.getAttribute('aria-label')).toBe(
        `Open ${cardNames()[0]}`,
      );
      expect(cards()[0]!.getAttribute('aria-setsize')).toBe(String(ITEMS));
      expect(target.querySelector('.month-heading')!.textContent).toBe(
        monthLabel(monthOf(syntheticItem(ITEMS - 1, options).item.mtime)),
      );
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'scrolling to the end brings the oldest items in and takes the newest out',
    async () => {
      const first = cardNames()[0]!;
      const oldest = syntheticItem(0, options).item.name;
      viewport().scrollTop = viewport().scrollHeight;
      viewport().dispatchEvent(new Event('scroll'));
      await until(() => cardNames().includes(oldest));
      expect(cardNames()).not.toContain(first);
      expect(cards().length).toBeLessThan(300);
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'the date jump scrolls to a month and shows its items',
    async () => {
      const middle = syntheticItem(ITEMS / 2, options).item;
      const select = target.querySelector<HTMLSelectElement>('select[aria-label="Jump to date"]')!;
      select.value = String(monthOf(middle.mtime));
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await until(() => cardNames().includes(middle.name));
      const heading = [...target.querySelectorAll('.month-heading')].find(
        (h) => h.textContent === monthLabel(monthOf(middle.mtime)),
      );
      expect(heading).toBeTruthy();
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'the keyboard moves across cards and months; End reaches the oldest card',
    async () => {
      viewport().scrollTop = 0;
      viewport().dispatchEvent(new Event('scroll'));
      await until(() => cardNames()[0] === syntheticItem(ITEMS - 1, options).item.name);
      // Imported items have no original to open, so their Open is disabled: Tab reaches their Delete.
      const firstDelete = cards()[0]!.querySelector<HTMLButtonElement>('button[aria-label^="Delete "]')!;
      firstDelete.focus();
      expect(document.activeElement).toBe(firstDelete);
      const press = (key: string) =>
        document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      press('ArrowRight');
      await until(() => document.activeElement?.closest('li')?.dataset.index === '1');
      expect(document.activeElement?.closest('li')?.querySelector('.item-name')?.textContent).toBe(
        syntheticItem(ITEMS - 2, options).item.name,
      );
      press('End');
      const oldest = syntheticItem(0, options).item.name;
      await until(
        () => document.activeElement?.closest('li')?.querySelector('.item-name')?.textContent === oldest,
      );
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'a filter by medium and status reads only those items from the store',
    async () => {
      const medium = target.querySelector<HTMLSelectElement>('select[aria-label="Medium"]')!;
      medium.value = 'video';
      medium.dispatchEvent(new Event('change', { bubbles: true }));
      flushSync();
      viewport().scrollTop = 0;
      viewport().dispatchEvent(new Event('scroll'));
      await until(() => cards().length > 0 && cardNames().every((n) => n.startsWith('clip-')));
      const status = target.querySelector<HTMLSelectElement>('select[aria-label="Status"]')!;
      status.value = 'failed';
      status.dispatchEvent(new Event('change', { bubbles: true }));
      let failedVideos = 0;
      for (let i = 0; i < ITEMS; i++) {
        const { item } = syntheticItem(i, options);
        if (item.kind === 'video' && item.status === 'error') failedVideos++;
      }
      expect(failedVideos).toBeGreaterThan(0);
      await until(
        () =>
          cards().length === Math.min(failedVideos, 300) &&
          cards().every((li) => li.classList.contains('status-error')),
      );
      expect(cardNames().every((n) => n.startsWith('clip-'))).toBe(true);
      // The status line counts the whole library whatever is shown.
      expect(target.textContent).toMatch(/\d+ items/);
      medium.value = 'all';
      medium.dispatchEvent(new Event('change', { bubbles: true }));
      status.value = 'all';
      status.dispatchEvent(new Event('change', { bubbles: true }));
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'deleting an item updates the counts and the cards without reading the library again',
    async () => {
      viewport().scrollTop = 0;
      viewport().dispatchEvent(new Event('scroll'));
      const newest = syntheticItem(ITEMS - 1, options).item;
      await until(() => cardNames()[0] === newest.name);
      const before = app.library.totals.ready;
      await app.library.deleteItem((await trove.library.getItem(newest.id))!);
      await until(() => app.library.totals.ready === before - 1);
      await until(() => !cardNames().includes(newest.name));
      expect(target.textContent).toContain(`${before - 1} items`);
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
