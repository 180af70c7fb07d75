// What the library state keeps for itself, outside Svelte's reactivity (nothing is drawn from it): the
// items that changed and are not read yet, the months being read, and the recent changes a read that
// started before them must still apply.
import type { ItemChange } from '../library/timeline.ts';

/** Changes remembered for months still being read, so a read that started before one is not stale. */
const KEEP_CHANGES = 2000;

/**
 * A month read a page at a time (too large to read whole): the pages read and being read. A change to the
 * month replaces the record, so a read that started before it sees that it is stale.
 */
export interface PagedMonth {
  loaded: Set<number>;
  reading: Set<number>;
  /** The month's items this record's reads made (what the view shows of it while the record holds). */
  items: readonly unknown[] | null;
}

export class LibraryBookkeeping {
  /** Items that changed since the last read of changes. */
  readonly dirty = new Set<string>();
  /** Months being read, with the change number their read started at. */
  readonly reading = new Map<number, number>();
  /** Months read a page at a time. */
  readonly paged = new Map<number, PagedMonth>();
  /**
   * Months whose items the view holds read whole (every item, in order): only these take changes in place.
   * A month read by pages, or whose pages a change dropped, is not one of them.
   */
  readonly whole = new Set<number>();
  private log: { seq: number; change: ItemChange }[] = [];
  private seq = 0;

  /** The ids changed so far, forgetting them. */
  takeDirty(): string[] {
    const ids = [...this.dirty];
    this.dirty.clear();
    return ids;
  }

  record(changes: readonly ItemChange[]): void {
    for (const change of changes) this.log.push({ seq: ++this.seq, change });
    if (this.log.length > KEEP_CHANGES) this.log = this.log.slice(-KEEP_CHANGES);
  }

  /** Notes a month's read starting now. */
  startReading(month: number): void {
    this.reading.set(month, this.seq);
  }

  /** Ends a month's read; returns the changes recorded since it started. */
  finishReading(month: number): ItemChange[] {
    const since = this.reading.get(month) ?? this.seq;
    this.reading.delete(month);
    return this.log.filter((c) => c.seq > since).map((c) => c.change);
  }

  /** The paged record of a month (a fresh one if it has none). */
  pagesOf(month: number): PagedMonth {
    let record = this.paged.get(month);
    if (!record) this.paged.set(month, (record = { loaded: new Set(), reading: new Set(), items: null }));
    return record;
  }

  /** Forgets a paged month's pages: they are read again when shown; reads under way are stale. */
  invalidate(month: number): void {
    this.paged.delete(month);
  }

  /** The change number now (what a read starting now has seen). */
  get now(): number {
    return this.seq;
  }

  /** The changes recorded after change number `since`. */
  changesSince(since: number): ItemChange[] {
    return this.log.filter((c) => c.seq > since).map((c) => c.change);
  }

  /** Forgets the reads under way (what they bring is dropped by the caller's generation check). */
  reset(): void {
    this.reading.clear();
    this.paged.clear();
    this.whole.clear();
  }
}
