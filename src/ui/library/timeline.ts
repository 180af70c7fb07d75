// The library view's data, without the DOM (unit-tested in Node): the timeline's months and totals from the
// library's count records, which items pass the view's filters, and how a change to an item (added,
// updated, removed) is applied to the months already read, so nothing is read again that did not change.
import {
  compareTimeline,
  monthOf,
  timelineDate,
  type CountRecord,
  type ItemKind,
} from '../../library/item-counts.ts';
import type { ItemRecord, ItemStatus } from '../../library/records.ts';

export type StatusFilter = 'all' | 'ready' | 'adding' | 'failed';
export type KindFilter = 'all' | ItemKind;

export interface TimelineFilter {
  kind: KindFilter;
  status: StatusFilter;
}

export const NO_FILTER: TimelineFilter = { kind: 'all', status: 'all' };

/** The statuses each status filter (and each count of the status line) stands for. */
export const STATUS_GROUPS: Record<Exclude<StatusFilter, 'all'>, readonly ItemStatus[]> = {
  ready: ['ready'],
  adding: ['pending', 'processing'],
  failed: ['error', 'unsupported'],
};

export interface Totals {
  all: number;
  /** Searchable items: the "N items" of the status line. */
  ready: number;
  /** Being added (pending or processing). */
  adding: number;
  /** Not added (error or unsupported). */
  failed: number;
}

/** One month of the timeline under the view's filter. */
export interface Bucket {
  month: number;
  count: number;
  /** The kind and status pairs it holds (to read them through the index); null when nothing is filtered. */
  only: { kind: ItemKind; status: ItemStatus }[] | null;
}

export function totalsOf(counts: readonly CountRecord[]): Totals {
  const totals: Totals = { all: 0, ready: 0, adding: 0, failed: 0 };
  for (const c of counts) {
    totals.all += c.n;
    for (const group of ['ready', 'adding', 'failed'] as const)
      if (STATUS_GROUPS[group].includes(c.status)) totals[group] += c.n;
  }
  return totals;
}

function passesPair(kind: ItemKind, status: ItemStatus, filter: TimelineFilter): boolean {
  if (filter.kind !== 'all' && kind !== filter.kind) return false;
  return filter.status === 'all' || STATUS_GROUPS[filter.status].includes(status);
}

export function isFiltered(filter: TimelineFilter): boolean {
  return filter.kind !== 'all' || filter.status !== 'all';
}

/** Whether an item shows under the filter. */
export function passes(item: ItemRecord, filter: TimelineFilter): boolean {
  return passesPair(item.kind, item.status, filter);
}

/** The months that hold items passing the filter, newest first. */
export function bucketsOf(counts: readonly CountRecord[], filter: TimelineFilter): Bucket[] {
  const filtered = isFiltered(filter);
  const byMonth = new Map<number, Bucket>();
  for (const c of counts) {
    if (c.n <= 0 || !passesPair(c.kind, c.status, filter)) continue;
    let bucket = byMonth.get(c.month);
    if (!bucket) byMonth.set(c.month, (bucket = { month: c.month, count: 0, only: filtered ? [] : null }));
    bucket.count += c.n;
    bucket.only?.push({ kind: c.kind, status: c.status });
  }
  return [...byMonth.values()].sort((a, b) => b.month - a.month);
}

/** The timeline's order within a month: newest first, then by name (the library's, item-counts.ts). */
export const compareItems: (a: ItemRecord, b: ItemRecord) => number = compareTimeline;

/** A change the view learnt of: the item as it is now, or `item` undefined when it is gone. */
export interface ItemChange {
  id: string;
  item?: ItemRecord;
}

/**
 * Applies changes to the months already read (month → its items in timeline order): a changed item leaves
 * wherever it was and goes, in order, into the month it now belongs to if that month is read and the item
 * passes the filter. Months not read stay unread (they are read when shown). Returns the months whose list
 * changed, as new arrays; the others are left out.
 */
export function applyChanges(
  loaded: ReadonlyMap<number, readonly ItemRecord[]>,
  changes: readonly ItemChange[],
  filter: TimelineFilter,
): Map<number, ItemRecord[]> {
  const latest = new Map<string, ItemRecord | undefined>();
  for (const c of changes) latest.set(c.id, c.item);
  const out = new Map<number, ItemRecord[]>();
  for (const [month, items] of loaded) {
    if (items.some((i) => latest.has(i.id)))
      out.set(
        month,
        items.filter((i) => !latest.has(i.id)),
      );
  }
  for (const item of latest.values()) {
    if (!item || !passes(item, filter)) continue;
    const month = monthOf(timelineDate(item));
    const current = out.get(month) ?? loaded.get(month);
    if (!current) continue;
    const list = out.get(month) ?? [...current];
    list.splice(insertionPoint(list, item), 0, item);
    out.set(month, list);
  }
  return out;
}

/** Where `item` goes in a list in timeline order (binary search). */
function insertionPoint(list: readonly ItemRecord[], item: ItemRecord): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareItems(list[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The months of the buckets by year, newest first (the date jump's choices). */
export function yearsOf(buckets: readonly Bucket[]): [number, number[]][] {
  const out = new Map<number, number[]>();
  for (const b of buckets) {
    const year = 1970 + Math.floor(b.month / 12);
    out.set(year, [...(out.get(year) ?? []), b.month]);
  }
  return [...out];
}

/**
 * A month's items as read, by position in the month: a whole month, or (a large month, read a page at a
 * time) the pages read so far with holes between them.
 */
export type MonthItems = readonly (ItemRecord | undefined)[];
export type Months = ReadonlyMap<number, MonthItems>;

/** `months` with `updates` put in (a new map: the view's state is replaced, never changed in place). */
export function withMonths(months: Months, updates: Iterable<[number, MonthItems]>): Months {
  return new Map([...months, ...updates]);
}

/** The buckets by month. */
export function bucketIndex(buckets: readonly Bucket[]): ReadonlyMap<number, Bucket> {
  return new Map(buckets.map((b) => [b.month, b]));
}

/** The months of `months` that are in `whole` (read whole: no holes), as applyChanges takes them. */
export function wholeMonths(
  months: Months,
  whole: { has(month: number): boolean } = months,
): ReadonlyMap<number, readonly ItemRecord[]> {
  return new Map([...months].filter(([month]) => whole.has(month))) as ReadonlyMap<
    number,
    readonly ItemRecord[]
  >;
}

/**
 * Which of the months read a page at a time (`paged`) a batch of changes may have changed, so their pages
 * are read again: those whose count under the filter changed, those a changed item now belongs to, and
 * those holding a changed item. A change elsewhere in a month moves no item of the pages read.
 */
export function touchedMonths(
  paged: Iterable<number>,
  months: Months,
  changes: readonly ItemChange[],
  before: readonly Bucket[],
  after: readonly Bucket[],
): number[] {
  const countBefore = new Map(before.map((b) => [b.month, b.count]));
  const countAfter = new Map(after.map((b) => [b.month, b.count]));
  const ids = new Set(changes.map((c) => c.id));
  const landing = new Set(changes.flatMap((c) => (c.item ? [monthOf(timelineDate(c.item))] : [])));
  return [...paged].filter(
    (month) =>
      countBefore.get(month) !== countAfter.get(month) ||
      landing.has(month) ||
      (months.get(month) ?? []).some((item) => item && ids.has(item.id)),
  );
}

/** What the view has read: nothing. */
export const NO_MONTHS: Months = new Map();

/** One formatter for every label (making one per call cost a scroll of the timeline a few ms a frame). */
let monthFormat: Intl.DateTimeFormat | undefined;

/** "March 2024" (months are UTC months, as the counts'). */
export function monthLabel(month: number): string {
  monthFormat ??= new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return monthFormat.format(new Date(Date.UTC(1970 + Math.floor(month / 12), month % 12, 1)));
}
