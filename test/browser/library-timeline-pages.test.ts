// A month at the edge between read whole and read by pages (PAGE items), in a real browser: deleting items
// from a month read by pages until it is small enough to be read whole shows exactly the items left,
// never a card of a deleted item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import type { AppState } from '../../src/ui/state/app-state.svelte.ts';
import { PAGE } from '../../src/ui/state/library-state.svelte.ts';
import { mountLibrary, type MountedLibrary } from '../support/mount-library.ts';
import { itemRecord } from '../support/factories.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const names = freshNames('timeline-pages');
const ITEMS = PAGE + 2;
let trove: Trove;
let app: AppState;
let view: MountedLibrary | undefined;
let target: HTMLElement;

const until = async (check: () => boolean, ms = 10_000) => {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const cardNames = () =>
  [...target.querySelectorAll('ul[aria-label="Items"] > li .item-name')].map((n) => n.textContent ?? '');

beforeAll(async () => {
  trove = await openTestTrove(names);
  for (let i = 0; i < ITEMS; i++)
    await trove.library.addItem(
      itemRecord(`page-${i}`, {
        name: `page-${String(i).padStart(2, '0')}.jpg`,
        mtime: Date.UTC(2024, 4, 1 + (i % 28), i),
        sha256: i.toString(16).padStart(64, '0'),
      }),
    );
  view = mountLibrary(trove);
  ({ app, target } = view);
}, MAX_HOOK_TIME);

afterAll(async () => {
  await view?.unmount();
  await destroyTrove(trove, names);
}, MAX_HOOK_TIME);

describe('a month read by pages that shrinks (real IndexedDB, real DOM)', () => {
  it(
    'shows exactly the items left once it is small enough to be read whole',
    async () => {
      await until(() => cardNames().length === ITEMS);
      const gone = ['page-03.jpg', 'page-20.jpg'];
      for (const name of gone) {
        const item = (await trove.library.listItems()).find((i) => i.name === name)!;
        await app.library.deleteItem(item);
      }
      await until(() => cardNames().length === ITEMS - gone.length);
      await new Promise((r) => setTimeout(r, 300));
      expect(cardNames()).toHaveLength(PAGE);
      for (const name of gone) expect(cardNames()).not.toContain(name);
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
