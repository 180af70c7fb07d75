// Keeps the vector indexes in step with the library store, which is the store of record. Every change that
// adds or removes vectors goes through here, one at a time: the store transaction first, then the index.
// The store counts its vector changes (meta 'vectorsVersion'); after the indexes are persisted, the count
// they hold is recorded ('indexedVersion'). A crash between the two leaves the counts different, and the
// next open rebuilds the indexes from the stored vectors.
import { applyRemoteChange } from '../library/apply-remote-change.ts';
import { ItemGoneError, type ItemResults, type Library, type WrittenResults } from '../library/library.ts';
import type { ItemRecord, Space } from '../library/records.ts';
import { addToIndexes, refillIndexes } from '../library/rebuild-indexes.ts';
import type { LibraryMessage } from '../library/tab-sync.ts';
import type { RestoreReport, VectorIndex } from '../vector-index/types.ts';
import type { ResultsSink } from './pipeline.ts';

export const spaces: readonly Space[] = ['clip', 'clap', 'text'];

export interface IndexSyncOptions {
  /** Persist the indexes this long after the last change (default 2000 ms); flush() persists at once. */
  persistDelayMs?: number;
  /** A background persist failed (it is retried with the next change). */
  onError?: (error: unknown) => void;
  /**
   * false in a tab that does not own the persisted indexes (see src/library/tab-sync.ts): its indexes live
   * in memory and are never saved, until takeOverPersisted(). Default true.
   */
  persist?: boolean;
  /** An item's results were stored and indexed here (for telling other tabs). */
  onStored?: (itemId: string, removedKeys: number[]) => void;
}

export interface VerifyResult {
  space: Space;
  count: number;
  reason: string;
}

export class IndexSync implements ResultsSink {
  private chain: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private closed = false;
  /** An index update failed after its store write: the indexes are behind until rebuilt. */
  private broken = false;
  private persisting: boolean;

  constructor(
    private readonly library: Library,
    private readonly indexes: Record<Space, VectorIndex>,
    private readonly options: IndexSyncOptions = {},
  ) {
    this.persisting = options.persist ?? true;
  }

  /**
   * Takes over the persisted indexes: `reopen` replaces each index's in-memory copy with the saved one, in
   * turn with other index work, so a change another tab sent just before is never applied to an index
   * that is being replaced. From then on this tab saves the indexes.
   */
  async takeOverPersisted<T>(reopen: () => Promise<T>): Promise<T> {
    const reports = await this.serial(reopen);
    this.persisting = true;
    return reports;
  }

  /** Applies what another tab stored, removed or replaced, in turn with this tab's own changes. */
  applyRemote(message: LibraryMessage): Promise<void> {
    return this.serial(async () => {
      await applyRemoteChange(this.library, this.indexes, message);
      if (message.type !== 'jobs-added' && message.type !== 'jobs-changed') this.changed();
    });
  }

  /** Empties the indexes and fills them again from the store (after an import replaced the library). */
  rebuildFromStore(): Promise<void> {
    return this.serial(async () => {
      await refillIndexes(this.library, this.indexes);
      this.broken = false;
      await this.persist();
    });
  }

  /** Writes an item's results in one transaction, then indexes its vectors (and drops the keys it replaced). */
  writeResults(itemId: string, results: ItemResults): Promise<WrittenResults> {
    return this.serial(async () => {
      const written = await this.library.writeItemResults(itemId, results);
      await this.indexWritten([{ written, results }]);
      return written;
    });
  }

  /** writeResults for several items in one store transaction and one index update per space. */
  writeManyResults(
    entries: { itemId: string; results: ItemResults }[],
  ): Promise<(WrittenResults | ItemGoneError)[]> {
    return this.serial(async () => {
      const written = await this.library.writeManyItemResults(entries);
      const stored: { written: WrittenResults; results: ItemResults }[] = [];
      written.forEach((w, i) => {
        if (!(w instanceof ItemGoneError)) stored.push({ written: w, results: entries[i]!.results });
      });
      await this.indexWritten(stored);
      return written;
    });
  }

  private async indexWritten(list: { written: WrittenResults; results: ItemResults }[]): Promise<void> {
    const removedKeys = list.flatMap(({ written }) => written.removedKeys);
    const rows = list.flatMap(({ written, results }) => {
      const keyOf = new Map(written.segments.map((s) => [s.id, s.key]));
      return (results.vectors ?? []).map((v) => ({
        space: v.space,
        key: keyOf.get(v.segmentId)!,
        vector: v.vector,
      }));
    });
    try {
      await this.removeKeys(removedKeys);
      await addToIndexes(this.indexes, rows);
      this.changed();
    } catch (error) {
      // The items are stored (the store is the record); only the derived index missed them. Never mark the
      // indexes up to date again in this session, so the next open rebuilds them from the store.
      this.broken = true;
      if (!this.closed) this.options.onError?.(error);
    }
    // Other tabs read the items from the store, so they are told even if this tab's index missed them.
    for (const { written } of list) this.options.onStored?.(written.item.id, written.removedKeys);
  }

  /** Deletes an item from the store (with its stored copy) and its vectors from the indexes. */
  removeItem(itemId: string): Promise<{ item: ItemRecord; keys: number[] } | null> {
    return this.serial(async () => {
      const removed = await this.library.removeItem(itemId);
      if (removed?.keys.length) {
        try {
          await this.removeKeys(removed.keys);
          this.changed();
        } catch (error) {
          this.broken = true;
          if (!this.closed) this.options.onError?.(error);
        }
      }
      return removed;
    });
  }

  /** Empties the library and every index. */
  clear(): Promise<void> {
    return this.serial(async () => {
      await this.library.clearAll();
      for (const space of spaces) await this.indexes[space].clear();
      await this.library.markIndexed(await this.library.meta('vectorsVersion'), {
        clip: 0,
        clap: 0,
        text: 0,
      });
    });
  }

  /** Persists the indexes now and records which store version they hold. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.serial(() => this.persist());
  }

  /**
   * At open: rebuilds the index of every space that may not match the store (a crash between a store write
   * and the next persist, a stored index its engine had to rebuild, or a count that differs).
   */
  verify(reports: Partial<Record<Space, RestoreReport>>): Promise<VerifyResult[]> {
    return this.serial(async () => {
      const version = await this.library.meta('vectorsVersion');
      const indexed = await this.library.meta('indexedVersion');
      // Sizes recorded with the version spare counting the store (seconds at a million vectors).
      const recorded = version === indexed ? await this.library.indexedSizes() : undefined;
      const stale: { space: Space; reason: string }[] = [];
      for (const space of spaces) {
        const report = reports[space];
        const size = await this.indexes[space].size();
        if (version !== indexed)
          stale.push({ space, reason: 'the library changed after the index was last saved' });
        else if (report?.rebuilt)
          stale.push({ space, reason: report.message ?? 'the saved index was unusable' });
        else if (recorded && size !== recorded[space])
          stale.push({
            space,
            reason: `the index held ${size} vectors, ${recorded[space]} when it was saved`,
          });
        else if (!recorded) {
          const stored = await this.library.countVectors(space);
          if (size !== stored)
            stale.push({ space, reason: `the index held ${size} vectors, the library ${stored}` });
        }
      }
      if (stale.length === 0) return [];
      const counts = await refillIndexes(
        this.library,
        Object.fromEntries(stale.map(({ space }) => [space, this.indexes[space]])),
      );
      await this.persist();
      return stale.map((s) => ({ ...s, count: counts[s.space] ?? 0 }));
    });
  }

  /** Stops persisting; pending work is dropped (as when the tab closes). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async persist(): Promise<void> {
    if (!this.persisting) {
      this.dirty = false;
      return;
    }
    // Inside the chain, so no store change can land between reading the version and saving the indexes.
    const version = await this.library.meta('vectorsVersion');
    const sizes = { clip: 0, clap: 0, text: 0 };
    for (const space of spaces) {
      await this.indexes[space].persist();
      sizes[space] = await this.indexes[space].size();
    }
    if (!this.broken) await this.library.markIndexed(version, sizes);
    this.dirty = false;
  }

  private async removeKeys(keys: number[]): Promise<void> {
    if (keys.length === 0) return;
    // Keys are unique across spaces; removing from every index is simpler than remembering each one's.
    for (const space of spaces) await this.indexes[space].remove(keys);
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.dirty || this.closed) return;
      this.serial(() => this.persist()).catch((error: unknown) => {
        if (!this.closed) this.options.onError?.(error);
      });
    }, this.options.persistDelayMs ?? 2000);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    // The chain only orders the work: each caller gets its own failure through `run`.
    this.chain = run.catch(() => undefined);
    return run;
  }
}
