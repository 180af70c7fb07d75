// pdf.js reads at most a set number of pages and keeps at most a set amount of text from one PDF; what is
// left out is said in the result and on the item. The caps are set low here; the fixture has 30 pages.
import { afterAll, describe, expect, it } from 'vitest';
import { extractText } from '../../src/ingest/text/extract-text.ts';
import type { Trove } from '../../src/trove.ts';
import { itemStatusText } from '../../src/ui/library/item-status.ts';
import { entry, fixtureFile } from '../support/media-files.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';

const PATH = 'hostile/many-pages.pdf';
const names = freshNames('pdf-caps');
let trove: Trove | null = null;
afterAll(() => destroyTrove(trove, names));

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the caps on a PDF', () => {
  it('reads every page of a PDF under the caps, with no notice', async () => {
    const facts = (await entry(PATH)).facts;
    const { pages, notice } = await extractText(await fixtureFile(PATH), 'pdf');
    expect(pages.map((p) => normalise(p.text))).toEqual(facts.pages);
    expect(notice).toBeUndefined();
  });

  it('reads only the first maxPages pages, and says so', async () => {
    const facts = (await entry(PATH)).facts;
    const { pages, notice } = await extractText(await fixtureFile(PATH), 'pdf', { maxPages: 25 });
    expect(pages.map((p) => p.page)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(normalise(pages[24]!.text)).toBe(facts.pages![24]);
    expect(notice).toBe('Only the first 25 of 30 pages were indexed: the limit for one PDF');
  });

  it('keeps at most maxChars characters of text, cutting the page that reaches the cap', async () => {
    const full = (await extractText(await fixtureFile(PATH), 'pdf')).pages;
    const maxChars = full[0]!.text.length + full[1]!.text.length + full[2]!.text.length + 10;
    const { pages, notice } = await extractText(await fixtureFile(PATH), 'pdf', { maxChars });
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(pages[3]!.text).toBe(full[3]!.text.slice(0, 10));
    expect(pages.reduce((n, p) => n + p.text.length, 0)).toBe(maxChars);
    expect(notice).toBe(
      `Only the first ${maxChars} characters of text (to page 4 of 30) were indexed: the limit for one PDF`,
    );
  });

  it('indexes the first pages of a long PDF and tells the user on its item', async () => {
    trove = await openTestTrove(names, { pipeline: { documents: { maxPages: 25 } } });
    const report = await trove.addFiles([await fixtureFile(PATH)]);
    await trove.queue.whenIdle();
    const item = (await trove.library.getItem(report.files[0]!.itemId!))!;
    expect(item.status, item.error?.message).toBe('ready');
    expect(item.notice).toBe('Only the first 25 of 30 pages were indexed: the limit for one PDF');
    expect(item.media?.pageCount).toBe(25);
    const chunkPages = (await trove.library.getSegments(item.id)).map((s) => s.page!);
    expect(Math.max(...chunkPages)).toBeLessThanOrEqual(25);
    expect(itemStatusText(item)).toBe(`Ready. ${item.notice}`);
  });
});
