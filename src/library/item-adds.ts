// Adding items together with the jobs that will ingest them. Files are taken in several at a time and a
// commit costs more than its requests, so calls made while an earlier write is under way are written
// together in the next transaction; if that shared write fails, each is tried again alone, so every call
// gets its own outcome.
import type { IDBPDatabase } from 'idb';
import { CountChanges, stamped } from './item-counts.ts';
import type { ItemRecord, JobRecord, LibrarySchema } from './records.ts';
import { inWriteTransaction } from './write-tx.ts';

type Added = { item: ItemRecord; existing: boolean };

/** Calls taken per transaction. */
const BATCH = 64;

export class ItemAdds {
  private readonly pending: {
    item: ItemRecord;
    job: JobRecord;
    resolve(value: Added): void;
    reject(error: unknown): void;
  }[] = [];
  private running = false;

  constructor(private readonly db: IDBPDatabase<LibrarySchema>) {}

  /** Adds an item and its job in one transaction, so neither exists without the other. */
  add(item: ItemRecord, job: JobRecord): Promise<Added> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, job, resolve, reject });
      // writePending settles every caller's promise, with its own error, and never rejects itself.
      if (!this.running) void this.writePending();
    });
  }

  private async writePending(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, BATCH);
        let results: Added[] | undefined;
        try {
          results = await this.write(batch);
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
        }
        if (results) batch.forEach((b, i) => b.resolve(results[i]!));
        else if (batch.length > 1)
          for (const b of batch) await this.write([b]).then(([r]) => b.resolve(r!), b.reject);
      }
    } finally {
      this.running = false;
    }
  }

  /** Items with their jobs in one transaction; content already stored (or earlier in the list) is `existing`. */
  private write(list: { item: ItemRecord; job: JobRecord }[]): Promise<Added[]> {
    return inWriteTransaction(this.db, ['items', 'jobs', 'item-counts'], async (tx, track) => {
      const bySha = tx.objectStore('items').index('sha256');
      const found = await Promise.all(
        list.map(({ item }) => (item.sha256 ? bySha.get(item.sha256) : undefined)),
      );
      const added = new Map<string, ItemRecord>();
      const counts = new CountChanges();
      const out = list.map(({ item, job }, i) => {
        const known = found[i] ?? (item.sha256 ? added.get(item.sha256) : undefined);
        if (known) return { item: known, existing: true };
        const fresh: ItemRecord = stamped({ ...item, neverWritten: true });
        track(tx.objectStore('items').add(fresh));
        track(tx.objectStore('jobs').put({ ...job, itemId: item.id }));
        counts.change(undefined, fresh);
        if (item.sha256) added.set(item.sha256, fresh);
        return { item: fresh, existing: false };
      });
      track(counts.apply(tx.objectStore('item-counts')));
      return out;
    });
  }
}
