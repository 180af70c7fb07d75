// The library's timeline bookkeeping, kept with every write of an item: each item's date on the timeline
// (`when`: when it was taken, else the file's date), and how many items each month holds per kind and
// status, in the `item-counts` store. The view reads these counts (a few hundred small records however large
// the library is) instead of counting items, and reads items a month at a time through the `when` indexes.
// Months are UTC months, so a count never depends on the time zone of the tab that wrote it.
import type { ItemRecord, ItemStatus } from './records.ts';

export type ItemKind = ItemRecord['kind'];

/** Items of one month, kind and status. */
export interface CountRecord {
  /** `${month}|${kind}|${status}` */
  id: string;
  /** Months since January 1970 (UTC): year · 12 + month index. */
  month: number;
  kind: ItemKind;
  status: ItemStatus;
  n: number;
}

/** The item's date on the timeline, in ms since the epoch: when it was taken, else the file's date. */
export function timelineDate(item: Pick<ItemRecord, 'capturedAt' | 'mtime' | 'addedAt'>): number {
  for (const t of [item.capturedAt, item.mtime, item.addedAt]) if (Number.isFinite(t)) return t!;
  return 0;
}

/**
 * The timeline's order: newest first, then by name, then by id. The `when` index gives the same order of
 * dates; items of the same date it orders by id, so reads through it sort ties again (month-window.ts).
 */
export function compareTimeline(
  a: Pick<ItemRecord, 'capturedAt' | 'mtime' | 'addedAt' | 'name' | 'id'>,
  b: Pick<ItemRecord, 'capturedAt' | 'mtime' | 'addedAt' | 'name' | 'id'>,
): number {
  return (
    timelineDate(b) - timelineDate(a) ||
    a.name.localeCompare(b.name) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The UTC month (months since January 1970) a time falls in. */
export function monthOf(ms: number): number {
  const d = new Date(ms);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

/** The first instant of a month, in ms since the epoch. */
export function monthStart(month: number): number {
  return Date.UTC(1970 + Math.floor(month / 12), ((month % 12) + 12) % 12, 1);
}

/** The record as the library stores it: with its timeline date. */
export function stamped(item: ItemRecord): ItemRecord {
  const when = timelineDate(item);
  return item.when === when ? item : { ...item, when };
}

export function countId(month: number, kind: ItemKind, status: ItemStatus): string {
  return `${month}|${kind}|${status}`;
}

/** Changes to counts made by one transaction's item writes, summed before they are written. */
export class CountChanges {
  private readonly deltas = new Map<string, Omit<CountRecord, 'n'> & { delta: number }>();

  /** An item written (`before` the stored record or undefined for a new one; `after` undefined for a delete). */
  change(before: ItemRecord | undefined, after: ItemRecord | undefined): void {
    if (before) this.add(before, -1);
    if (after) this.add(after, 1);
  }

  /** The non-zero changes, by count id. */
  entries(): { id: string; month: number; kind: ItemKind; status: ItemStatus; delta: number }[] {
    return [...this.deltas.values()].filter((d) => d.delta !== 0);
  }

  /** Writes the changes (inside the transaction of the item writes they describe). */
  async apply(store: CountStore): Promise<void> {
    await Promise.all(
      this.entries().map(async ({ delta, ...key }) => {
        const n = ((await store.get(key.id))?.n ?? 0) + delta;
        // Never negative: a count that would be is a record written outside this bookkeeping (a bug), and
        // the view is better off with 0 than with a negative month.
        if (n > 0) await store.put({ ...key, n });
        else await store.delete(key.id);
      }),
    );
  }

  private add(item: ItemRecord, sign: 1 | -1): void {
    const month = monthOf(timelineDate(item));
    const id = countId(month, item.kind, item.status);
    const entry = this.deltas.get(id) ?? { id, month, kind: item.kind, status: item.status, delta: 0 };
    entry.delta += sign;
    this.deltas.set(id, entry);
  }
}

/** The `item-counts` store of any transaction that has it. */
export interface CountStore {
  get(id: string): Promise<CountRecord | undefined>;
  put(record: CountRecord): Promise<unknown>;
  delete(id: string): Promise<unknown>;
}
