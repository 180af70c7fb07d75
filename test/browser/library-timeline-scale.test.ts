// The library view over 10,000 items, in a real browser (issue 26): scrolling reads from the store only
// what the window shows (a page of a month at a time, never a whole month), a fast scroll reads no
// thumbnail for the cards it flies past, and a small scroll adds only the row that comes in, keeping the
// cards that stay. Counts of reads and of drawn cards, never times. The synthetic library
// (test/support/synthetic-library.ts) is dated over two years, so a month holds about 400 items, and is
// written through the library's own staging (what an import does once the file is checked), without the
// file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/library/library.ts';
import type { ItemRecord, StoredThumbnail } from '../../src/library/records.ts';
import type { Trove } from '../../src/trove.ts';
import { PAGE } from '../../src/ui/state/library-state.svelte.ts';
import { mountLibrary, type MountedLibrary } from '../support/mount-library.ts';
import { syntheticItem, type SyntheticOptions } from '../support/synthetic-library.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { MAX_HOOK_TIME, MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

const ITEMS = 10_000;
const names = freshNames('timeline-scale');
let trove: Trove;
let view: MountedLibrary | undefined;
let target: HTMLElement;
let options: SyntheticOptions;
/** Items and thumbnails read from the store by the view, counted as they come back. */
const reads = { items: 0, thumbnails: 0 };

const until = async (check: () => boolean, ms = 10_000) => {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const frame = () => new Promise((r) => requestAnimationFrame(r));
const cards = () => [...target.querySelectorAll<HTMLLIElement>('ul[aria-label="Items"] > li')];
const viewport = () => target.querySelector<HTMLElement>('.timeline')!;

/** Writes the synthetic items (no segments) and their thumbnails through the library's import staging. */
async function fill(library: Library, options: SyntheticOptions): Promise<void> {
  const staging = library.importStaging();
  await staging.clear();
  for (let at = 0; at < options.items; at += 500) {
    const items: ItemRecord[] = [];
    const thumbnails: StoredThumbnail[] = [];
    for (let i = at; i < Math.min(options.items, at + 500); i++) {
      const { item, thumbnail } = syntheticItem(i, options);
      items.push(item);
      if (thumbnail) {
        const { id, itemId, width, height, type, bytes } = thumbnail;
        thumbnails.push({ id, itemId, width, height, type, bytes: bytes.slice().buffer });
      }
    }
    await staging.addItems(items);
    await staging.addThumbnails(thumbnails);
  }
  await staging.replaceLibrary();
}

/** Counts what `library`'s view reads go through (the calls themselves are the library's own). */
function countReads(library: Library): void {
  const itemsInWindow = library.itemsInWindow.bind(library);
  const itemsBetween = library.itemsBetween.bind(library);
  const thumbnailsOfItem = library.thumbnailsOfItem.bind(library);
  library.itemsInWindow = async (...args) => {
    const found = await itemsInWindow(...args);
    reads.items += found.length;
    return found;
  };
  library.itemsBetween = async (...args) => {
    const found = await itemsBetween(...args);
    reads.items += found.length;
    return found;
  };
  library.thumbnailsOfItem = async (...args) => {
    reads.thumbnails++;
    return thumbnailsOfItem(...args);
  };
}

/** Scrolls to `top` and waits until every slot of the window is drawn (its pages read). */
async function scrollTo(top: number): Promise<void> {
  viewport().scrollTop = top;
  viewport().dispatchEvent(new Event('scroll'));
  let last = -1;
  // Drawn once the number of cards holds still over a few frames with no read under way.
  await until(() => {
    const n = cards().length;
    const settled = n > 0 && n === last;
    last = n;
    return settled;
  });
  for (let i = 0; i < 5; i++) await frame();
  await until(() => cards().length === last);
}

beforeAll(async () => {
  trove = await openTestTrove(names);
  options = {
    items: ITEMS,
    dims: { clip: 32, clap: 24, text: 16 },
    schemaVersion: trove.library.schemaVersion,
    from: Date.UTC(2024, 0, 1),
    to: Date.UTC(2025, 11, 31),
    segments: 'lean',
  };
  await fill(trove.library, options);
  countReads(trove.library);
  view = mountLibrary(trove);
  target = view.target;
  await until(() => cards().length > 0, 30_000);
}, MAX_HOOK_TIME);

afterAll(async () => {
  await view?.unmount();
  await destroyTrove(trove, names);
}, MAX_HOOK_TIME);

describe('a timeline of 10,000 items (real IndexedDB, real DOM)', () => {
  it(
    'a jump anywhere reads the pages the window shows, not its months',
    async () => {
      const box = viewport();
      const bottom = box.scrollHeight - box.clientHeight;
      expect(bottom).toBeGreaterThan(100_000);
      for (let k = 1; k <= 12; k++) {
        reads.items = 0;
        await scrollTo(Math.round((bottom * k) / 12.5));
        const drawn = cards();
        const months = new Set(drawn.map((li) => li.dataset.section)).size;
        expect(drawn.length).toBeGreaterThan(0);
        expect(drawn.length).toBeLessThan(100);
        // The window's cards, rounded out to whole pages at each end of each month it shows.
        expect(reads.items, `jump ${k}: ${drawn.length} cards in ${months} months`).toBeLessThanOrEqual(
          drawn.length + 2 * PAGE * months,
        );
      }
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'a fast scroll reads no thumbnail for the cards it only flies past',
    async () => {
      await scrollTo(0);
      await new Promise((r) => setTimeout(r, 400));
      reads.thumbnails = 0;
      let added = 0;
      const observer = new MutationObserver((records) => {
        for (const r of records) added += r.addedNodes.length;
      });
      observer.observe(target.querySelector('ul[aria-label="Items"]')!, { childList: true });
      const box = viewport();
      const bottom = box.scrollHeight - box.clientHeight;
      // Top to bottom in 60 frames, as the scale bench does in 4 s.
      for (let f = 1; f <= 60; f++) {
        box.scrollTop = (bottom * f) / 60;
        await frame();
      }
      await scrollTo(bottom);
      await new Promise((r) => setTimeout(r, 400));
      observer.disconnect();
      const drawn = cards().length;
      expect(added).toBeGreaterThan(3 * drawn);
      // Only the cards left drawn (and at most a frame's worth more) read their thumbnails.
      expect(reads.thumbnails, `${added} cards drawn on the way`).toBeLessThanOrEqual(2 * drawn);
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'a scroll of one row adds that row and keeps the cards that stay',
    async () => {
      const box = viewport();
      await scrollTo(Math.round((box.scrollHeight - box.clientHeight) / 3));
      await new Promise((r) => setTimeout(r, 400));
      const before = cards();
      const rowHeight = before[0]!.offsetHeight;
      const cols = new Set(before.map((li) => li.style.left)).size;
      const kept = before[Math.floor(before.length / 2)]!;
      const headings = [...target.querySelectorAll('.month-heading')];
      let added = 0;
      let removed = 0;
      const observer = new MutationObserver((records) => {
        for (const r of records) {
          added += r.addedNodes.length;
          removed += r.removedNodes.length;
        }
      });
      observer.observe(target.querySelector('ul[aria-label="Items"]')!, { childList: true });
      reads.items = 0;
      await scrollTo(box.scrollTop + rowHeight);
      observer.disconnect();
      expect(cards()).toContain(kept);
      expect(added).toBeLessThanOrEqual(2 * cols);
      expect(removed).toBeLessThanOrEqual(2 * cols);
      expect(reads.items).toBeLessThanOrEqual(PAGE);
      for (const h of target.querySelectorAll('.month-heading'))
        if (headings.some((old) => old.textContent === h.textContent)) expect(headings).toContain(h);
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'End moves the focus to the oldest card, reading its page',
    async () => {
      await scrollTo(0);
      const firstDelete = cards()[0]!.querySelector<HTMLButtonElement>('button[aria-label^="Delete "]')!;
      firstDelete.focus();
      reads.items = 0;
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
      const oldest = syntheticItem(0, options).item.name;
      await until(
        () => document.activeElement?.closest('li')?.querySelector('.item-name')?.textContent === oldest,
      );
      expect(reads.items).toBeLessThanOrEqual(4 * PAGE);
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'an item in view that another tab changes is read again and shown as it is now',
    async () => {
      await new Promise((r) => setTimeout(r, 400));
      const card = cards()[Math.floor(cards().length / 2)]!;
      const name = card.querySelector('.item-name')!.textContent!;
      const item = (await trove.library.listItems()).find((i) => i.name === name)!;
      // Renamed in the store, as another tab's write would, and announced on the tabs' channel as that
      // tab does: the month's count does not change, so only the change itself can make the view read.
      await trove.library.updateItem(item.id, { name: `renamed-${name}` });
      const channel = new BroadcastChannel(`trove:${names.libraryDbName}`);
      channel.postMessage({
        message: { type: 'item-ready', itemId: item.id, removedKeys: [] },
        from: 'other',
      });
      channel.close();
      await until(() =>
        cards().some((li) => li.querySelector('.item-name')?.textContent === `renamed-${name}`),
      );
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
