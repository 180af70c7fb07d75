// What the library state keeps for itself, outside Svelte's reactivity (nothing is drawn from it): the
// items that changed and are not read yet, the months being read, and the recent changes a read that
// started before them must still apply.
import type { ItemChange } from '../library/timeline.ts';

/** Changes remembered for months still being read, so a read that started before one is not stale. */
const KEEP_CHANGES = 2000;

export class LibraryBookkeeping {
  /** Items that changed since the last read of changes. */
  readonly dirty = new Set<string>();
  /** Months being read, with the change number their read started at. */
  readonly reading = new Map<number, number>();
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

  /** Forgets the reads under way (what they bring is dropped by the caller's generation check). */
  reset(): void {
    this.reading.clear();
  }
}
