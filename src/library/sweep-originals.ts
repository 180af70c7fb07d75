// Removing stored copies of originals that nothing points at (a copy is written before its item, so a
// tab closed mid-copy leaves one behind). Run at every opening of the leader tab.
import type { IDBPDatabase } from 'idb';
import { listOriginals, openOriginal, removeStoredFile } from './originals.ts';
import type { LibrarySchema } from './records.ts';

/** Removes the copies no item or job points at, sparing those newer than `olderThanMs`; their paths. */
export async function sweepOrphans(db: IDBPDatabase<LibrarySchema>, olderThanMs: number): Promise<string[]> {
  // Each copy is looked up in the sourcePath index: reading every item for their paths (as this did, at
  // every opening) cost a 100k library seconds of the main thread.
  const paths = await listOriginals();
  if (!paths.length) return [];
  const tx = db.transaction(['items', 'jobs'], 'readonly');
  const bySource = tx.objectStore('items').index('sourcePath');
  const [users, jobs] = await Promise.all([
    Promise.all(paths.map((path) => bySource.count(path))),
    tx.objectStore('jobs').getAll(),
  ]);
  await tx.done;
  const used = new Set(paths.filter((_, i) => users[i]! > 0));
  for (const job of jobs) if (job.input?.source.kind === 'opfs') used.add(job.input.source.path);
  const orphans: string[] = [];
  for (const path of paths) {
    if (used.has(path)) continue;
    if (olderThanMs > 0) {
      // A copy that cannot be opened was removed since the listing (by another tab's sweep).
      const file = await openOriginal({ kind: 'opfs', path }).catch(() => undefined);
      if (!file || Date.now() - file.lastModified < olderThanMs) continue;
    }
    // A pack file still being written, here or in another tab, is left for a later sweep.
    const removed = await removeStoredFile(path).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'NoModificationAllowedError') return false;
      throw error;
    });
    if (removed) orphans.push(path);
  }
  return orphans;
}
