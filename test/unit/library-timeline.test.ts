// The library view's incremental logic, without a browser: the timeline's months and totals from the
// store's counts, applying item changes to the months already read, the layout of a virtualised timeline,
// keyboard moves across months, and the ingest panel's job list.
import { describe, expect, it } from 'vitest';
import { CountChanges, monthOf, monthStart, type CountRecord } from '../../src/library/item-counts.ts';
import type { ItemRecord } from '../../src/library/records.ts';
import {
  applyChanges,
  bucketsOf,
  compareItems,
  NO_FILTER,
  totalsOf,
  touchedMonths,
  wholeMonths,
} from '../../src/ui/library/timeline.ts';
import { CardPlacer } from '../../src/ui/library/timeline-cards.ts';
import {
  layoutOf,
  moveSlot,
  sectionAt,
  slotTop,
  visibleRanges,
} from '../../src/ui/library/timeline-layout.ts';
import { applyJob, withoutItem } from '../../src/ui/state/job-list.ts';
import type { JobView } from '../../src/trove.ts';
import { itemRecord } from '../support/factories.ts';

const MARCH_2024 = Date.UTC(2024, 2, 10);
const APRIL_2024 = Date.UTC(2024, 3, 2);
const JAN_2020 = Date.UTC(2020, 0, 5);

function item(id: string, fields: Partial<ItemRecord> = {}): ItemRecord {
  return itemRecord(id, { mtime: MARCH_2024, ...fields });
}

/** The counts a set of items makes, through the same bookkeeping the library's writes use. */
function countsOf(items: ItemRecord[]): CountRecord[] {
  const changes = new CountChanges();
  for (const i of items) changes.change(undefined, i);
  return changes.entries().map(({ delta, ...rest }) => ({ ...rest, n: delta }));
}

describe('item counts', () => {
  it('months are UTC months, and monthStart inverts monthOf', () => {
    expect(monthOf(Date.UTC(1970, 0, 1))).toBe(0);
    expect(monthOf(MARCH_2024)).toBe(54 * 12 + 2);
    expect(monthStart(monthOf(MARCH_2024))).toBe(Date.UTC(2024, 2, 1));
    expect(monthOf(Date.UTC(2024, 2, 31, 23, 59, 59, 999))).toBe(monthOf(MARCH_2024));
  });

  it('an item written counts once, in its month, kind and status; a change moves it', () => {
    const before = item('a', { status: 'pending' });
    const after = item('a', { status: 'ready', capturedAt: JAN_2020 });
    const changes = new CountChanges();
    changes.change(undefined, before);
    changes.change(before, after);
    expect(changes.entries()).toEqual([
      {
        id: `${monthOf(JAN_2020)}|image|ready`,
        month: monthOf(JAN_2020),
        kind: 'image',
        status: 'ready',
        delta: 1,
      },
    ]);
  });

  it('a delete takes the item out of its count', () => {
    const changes = new CountChanges();
    changes.change(item('a'), undefined);
    expect(changes.entries().map((e) => e.delta)).toEqual([-1]);
  });
});

describe('timeline months and totals', () => {
  const items = [
    item('a'),
    item('b', { status: 'pending' }),
    item('c', { status: 'error', kind: 'video' }),
    item('d', { mtime: APRIL_2024, kind: 'audio' }),
    item('e', { mtime: JAN_2020, status: 'processing' }),
  ];
  const counts = countsOf(items);

  it('totals count ready, being added and not added items', () => {
    expect(totalsOf(counts)).toEqual({ all: 5, ready: 2, adding: 2, failed: 1 });
  });

  it('months come newest first, with their counts under the filter', () => {
    expect(bucketsOf(counts, NO_FILTER).map((b) => [b.month, b.count, b.only])).toEqual([
      [monthOf(APRIL_2024), 1, null],
      [monthOf(MARCH_2024), 3, null],
      [monthOf(JAN_2020), 1, null],
    ]);
    const adding = bucketsOf(counts, { kind: 'all', status: 'adding' });
    expect(adding.map((b) => [b.month, b.count])).toEqual([
      [monthOf(MARCH_2024), 1],
      [monthOf(JAN_2020), 1],
    ]);
    expect(adding[0]!.only).toEqual([{ kind: 'image', status: 'pending' }]);
    expect(bucketsOf(counts, { kind: 'video', status: 'all' }).map((b) => b.count)).toEqual([1]);
    expect(bucketsOf(counts, { kind: 'video', status: 'ready' })).toEqual([]);
  });
});

describe('applying changes to the months read', () => {
  const march = monthOf(MARCH_2024);
  const april = monthOf(APRIL_2024);
  const loaded = new Map([[march, [item('b', { mtime: MARCH_2024 + 1000 }), item('a')]]]);

  it('a new item goes into its month in timeline order; an unread month stays unread', () => {
    const out = applyChanges(
      loaded,
      [
        { id: 'c', item: item('c', { mtime: MARCH_2024 + 500 }) },
        { id: 'd', item: item('d', { mtime: APRIL_2024 }) },
      ],
      NO_FILTER,
    );
    expect(out.get(march)!.map((i) => i.id)).toEqual(['b', 'c', 'a']);
    expect(out.has(april)).toBe(false);
  });

  it('a removed item leaves its month; months not touched are not in the answer', () => {
    const out = applyChanges(loaded, [{ id: 'a' }, { id: 'zzz' }], NO_FILTER);
    expect(out.get(march)!.map((i) => i.id)).toEqual(['b']);
    expect(applyChanges(loaded, [{ id: 'zzz' }], NO_FILTER).size).toBe(0);
  });

  it('an item that moves to another month leaves the first and joins the second if it is read', () => {
    const both = new Map([...loaded, [april, [item('d', { mtime: APRIL_2024 })]]]);
    const out = applyChanges(
      both,
      [{ id: 'a', item: item('a', { capturedAt: APRIL_2024 + 10 }) }],
      NO_FILTER,
    );
    expect(out.get(march)!.map((i) => i.id)).toEqual(['b']);
    expect(out.get(april)!.map((i) => i.id)).toEqual(['a', 'd']);
  });

  it('an item that no longer passes the filter leaves; one that now passes joins', () => {
    const ready = { kind: 'all', status: 'ready' } as const;
    const out = applyChanges(
      loaded,
      [
        { id: 'a', item: item('a', { status: 'error' }) },
        { id: 'x', item: item('x', { status: 'ready', mtime: MARCH_2024 - 1 }) },
      ],
      ready,
    );
    expect(out.get(march)!.map((i) => i.id)).toEqual(['b', 'x']);
  });

  it('the last change of an item wins', () => {
    const out = applyChanges(loaded, [{ id: 'c', item: item('c') }, { id: 'c' }], NO_FILTER);
    expect(out.get(march)?.map((i) => i.id) ?? ['b', 'a']).toEqual(['b', 'a']);
  });

  it('orders by date, newest first, then by name', () => {
    const list = [item('2', { name: 'b' }), item('1', { name: 'a' }), item('3', { mtime: APRIL_2024 })];
    expect(list.sort(compareItems).map((i) => i.id)).toEqual(['3', '1', '2']);
  });
});

describe('months read a page at a time', () => {
  const march = monthOf(MARCH_2024);
  const april = monthOf(APRIL_2024);
  const bucket = (month: number, count: number) => ({ month, count, only: null });
  // March's pages 0 and 2 read (positions 0-1 and 4-5), the rest not.
  const months = new Map([[march, [item('m0'), item('m1'), undefined, undefined, item('m4'), item('m5')]]]);
  const before = [bucket(april, 3), bucket(march, 6)];

  it('a change touches a month if its count changes, an item lands in it, or it shows the item', () => {
    const touched = (changes: { id: string; item?: ItemRecord }[], after = before) =>
      touchedMonths([march], months, changes, before, after);
    // An item of March not shown is deleted: March's count tells.
    expect(touched([{ id: 'm3' }], [bucket(april, 3), bucket(march, 5)])).toEqual([march]);
    // An item elsewhere is deleted: nothing shown moves.
    expect(touched([{ id: 'x' }], [bucket(april, 2), bucket(march, 6)])).toEqual([]);
    expect(touched([{ id: 'n', item: item('n', { mtime: MARCH_2024 + 5 }) }])).toEqual([march]);
    expect(touched([{ id: 'm4', item: item('m4', { mtime: APRIL_2024 }) }])).toEqual([march]);
    expect(touched([{ id: 'x', item: item('x', { mtime: APRIL_2024 }) }])).toEqual([]);
  });

  it('changes go in place only into the months read whole', () => {
    const both = new Map([...months, [april, [item('a0')]]]);
    expect([...wholeMonths(both, new Set([april])).keys()]).toEqual([april]);
  });
});

describe('the cards drawn', () => {
  const sections = [{ month: 7, count: 6, top: 0, rows: 2 }];
  const a = item('a');
  const b = item('b');
  const c = item('c');

  it('keeps the object of a card whose item and place did not change, and leaves out holes', () => {
    const placer = new CardPlacer();
    const first = placer.place(
      [{ section: 0, first: 0, end: 3 }],
      sections,
      new Map([[7, [a, b, undefined]]]),
    );
    expect(first.map((p) => p.item.id)).toEqual(['a', 'b']);
    const second = placer.place([{ section: 0, first: 1, end: 3 }], sections, new Map([[7, [a, b, c]]]));
    expect(second.map((p) => p.item.id)).toEqual(['b', 'c']);
    expect(second[0]).toBe(first[1]);
    // A card that moves gets a new object; an item shown twice (two pages either side of a change) once.
    const third = placer.place([{ section: 0, first: 0, end: 3 }], sections, new Map([[7, [b, b, c]]]));
    expect(third.map((p) => p.item.id)).toEqual(['b', 'c']);
    expect(third[0]).not.toBe(second[0]);
    expect(third[1]).toBe(second[1]);
  });
});

describe('timeline layout', () => {
  const g = { cols: 4, rowHeight: 100, headHeight: 40 };
  const layout = layoutOf(
    [
      { month: 3, count: 10 },
      { month: 2, count: 1 },
      { month: 1, count: 8 },
    ],
    g,
  );

  it('stacks each month as a heading and its rows', () => {
    expect(layout.sections.map((s) => [s.top, s.rows])).toEqual([
      [0, 3],
      [340, 1],
      [480, 2],
    ]);
    expect(layout.height).toBe(720);
    expect(slotTop(layout, g, { section: 2, index: 5 })).toBe(480 + 40 + 100);
    expect(sectionAt(layout, 0)).toBe(0);
    expect(sectionAt(layout, 479)).toBe(1);
    expect(sectionAt(layout, 5000)).toBe(2);
  });

  it('shows only the rows in the window', () => {
    expect(visibleRanges(layout, g, 150, 260)).toEqual([{ section: 0, first: 4, end: 10 }]);
    expect(visibleRanges(layout, g, 330, 530)).toEqual([
      { section: 0, first: 8, end: 10 },
      { section: 1, first: 0, end: 1 },
      { section: 2, first: 0, end: 4 },
    ]);
    expect(visibleRanges(layoutOf([], g), g, 0, 1000)).toEqual([]);
  });

  it('a window far into a large library holds a few rows, not the library', () => {
    const big = layoutOf([{ month: 1, count: 100_000 }], g);
    const ranges = visibleRanges(big, g, 1_000_000, 1_001_000);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.end - ranges[0]!.first).toBeLessThanOrEqual(11 * g.cols);
  });

  it('moves by key across months', () => {
    expect(moveSlot(layout, g, { section: 0, index: 9 }, 'ArrowRight')).toEqual({ section: 1, index: 0 });
    expect(moveSlot(layout, g, { section: 1, index: 0 }, 'ArrowLeft')).toEqual({ section: 0, index: 9 });
    expect(moveSlot(layout, g, { section: 0, index: 2 }, 'ArrowDown')).toEqual({ section: 0, index: 6 });
    // From the third row (cards 8, 9) down to the next month's only card.
    expect(moveSlot(layout, g, { section: 0, index: 9 }, 'ArrowDown')).toEqual({ section: 1, index: 0 });
    expect(moveSlot(layout, g, { section: 1, index: 0 }, 'ArrowUp')).toEqual({ section: 0, index: 8 });
    expect(moveSlot(layout, g, { section: 2, index: 7 }, 'ArrowDown')).toEqual({ section: 2, index: 7 });
    expect(moveSlot(layout, g, { section: 0, index: 1 }, 'ArrowUp')).toEqual({ section: 0, index: 1 });
    expect(moveSlot(layout, g, { section: 1, index: 0 }, 'End')).toEqual({ section: 2, index: 7 });
    expect(moveSlot(layout, g, { section: 2, index: 3 }, 'Home')).toEqual({ section: 0, index: 0 });
    expect(moveSlot(layout, g, { section: 0, index: 0 }, 'PageDown', 3)).toEqual({ section: 1, index: 0 });
  });
});

describe('the job list', () => {
  const job = (id: string, state: JobView['state'], itemId?: string): JobView => ({
    id,
    itemId,
    name: id,
    state,
    attempts: 1,
    retryable: true,
  });

  it('adds, replaces and drops jobs as they change', () => {
    let jobs = applyJob([], job('1', 'queued', 'a'));
    jobs = applyJob(jobs, job('2', 'running', 'b'));
    jobs = applyJob(jobs, job('1', 'failed', 'a'));
    expect(jobs.map((j) => [j.id, j.state])).toEqual([
      ['1', 'failed'],
      ['2', 'running'],
    ]);
    jobs = applyJob(jobs, job('2', 'done', 'b'));
    expect(jobs.map((j) => j.id)).toEqual(['1']);
    expect(applyJob(jobs, job('3', 'cancelled'))).toHaveLength(1);
    expect(withoutItem(jobs, 'a')).toEqual([]);
  });
});
