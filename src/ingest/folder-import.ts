// Imported folders: the first import queues every file and keeps the directory handle; a rescan compares
// the folder with its items (size + mtime, then the content hash) and ingests only what is new or changed,
// and deletes the items whose files are gone.
import { sha256OfBlob } from './content-hash.ts';
import { diffFolder, scanFolder, walkDirectory, type ScannedFile } from '../library/folders.ts';
import type { Library } from '../library/library.ts';
import type { FolderRecord } from '../library/records.ts';
import type { JobQueue } from './queue/job-queue.ts';
import type { IntakeEntry, IntakeResult } from './queue/queue-types.ts';

export interface FolderImportDeps {
  library: Library;
  queue: Pick<JobQueue, 'add'>;
  /** Deletes an item everywhere (store, indexes, jobs). */
  removeItem(itemId: string): Promise<void>;
}

export interface RescanResult {
  results: IntakeResult[];
  removed: string[];
  touched: string[];
  replaced: string[];
  unchanged: number;
}

type PermissionHandle = FileSystemHandle & {
  queryPermission?(d: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' }): Promise<PermissionState>;
};

/** Read permission on a kept handle; asking again needs a user gesture, so call this from one. */
export async function ensureReadAccess(handle: FileSystemHandle): Promise<void> {
  const h = handle as PermissionHandle;
  if (!h.queryPermission || (await h.queryPermission({ mode: 'read' })) === 'granted') return;
  const state = h.requestPermission ? await h.requestPermission({ mode: 'read' }) : 'denied';
  if (state !== 'granted') throw new DOMException(`Trove may not read ${handle.name}`, 'NotAllowedError');
}

/** Imports a folder (or, when it was imported before, rescans it). */
export async function importFolder(
  deps: FolderImportDeps,
  handle: FileSystemDirectoryHandle,
): Promise<{ folder: FolderRecord; results: IntakeResult[]; rescan?: RescanResult }> {
  for (const known of await deps.library.listFolders()) {
    if (await known.handle.isSameEntry(handle).catch(() => false)) {
      const rescan = await rescanFolder(deps, known.id);
      return { folder: known, results: rescan.results, rescan };
    }
  }
  const folder: FolderRecord = {
    id: crypto.randomUUID(),
    name: handle.name,
    handle,
    addedAt: Date.now(),
    lastScanAt: Date.now(),
  };
  await deps.library.putFolder(folder);
  const entries: IntakeEntry[] = [];
  for await (const e of walkDirectory(handle)) {
    entries.push({
      kind: 'folder-file',
      handle: e.handle,
      name: e.name,
      folderId: folder.id,
      folderPath: e.folderPath,
    });
  }
  return { folder, results: await Promise.all(deps.queue.add(entries)) };
}

export async function rescanFolder(deps: FolderImportDeps, folderId: string): Promise<RescanResult> {
  const { library, queue } = deps;
  const folder = await library.getFolder(folderId);
  if (!folder) throw new Error(`No imported folder ${folderId}`);
  await ensureReadAccess(folder.handle);
  const scanned = await scanFolder(folder.handle);
  const diff = diffFolder(await library.listItems({ folderId }), scanned);
  const entry = (f: ScannedFile): IntakeEntry => ({
    kind: 'folder-file',
    handle: f.handle,
    name: f.name,
    folderId,
    folderPath: f.folderPath,
  });

  // New paths first: a moved or renamed file hashes to an item of this folder that lost its path, which
  // then takes the new path instead of being deleted with the old one.
  const removedIds = new Set(diff.removed.map((i) => i.id));
  const results = await Promise.all(queue.add(diff.added.map(entry)));
  for (const [i, r] of results.entries()) {
    if (r.outcome !== 'duplicate' || !r.itemId || !removedIds.has(r.itemId)) continue;
    const f = diff.added[i]!;
    await library.updateItem(r.itemId, {
      name: f.name,
      folderPath: f.folderPath,
      size: f.size,
      mtime: f.mtime,
      source: { kind: 'handle', handle: f.handle },
    });
    removedIds.delete(r.itemId);
  }

  const touched: string[] = [];
  const replaced: string[] = [];
  const changedEntries: IntakeEntry[] = [];
  for (const { item, file } of diff.changed) {
    const sha = await sha256OfBlob(await file.handle.getFile());
    if (sha === item.sha256) {
      await library.updateItem(item.id, { size: file.size, mtime: file.mtime });
      touched.push(item.id);
    } else {
      // New content under the same path is a new item; the old one's segments describe content that is gone.
      await deps.removeItem(item.id);
      replaced.push(item.id);
      changedEntries.push(entry(file));
    }
  }
  results.push(...(await Promise.all(queue.add(changedEntries))));

  const removed = [...removedIds];
  for (const id of removed) await deps.removeItem(id);
  await library.putFolder({ ...folder, lastScanAt: Date.now() });
  return { results, removed, touched, replaced, unchanged: diff.unchanged.length };
}
