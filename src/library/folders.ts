// Imported folders: walking a directory handle, and comparing a fresh scan with the items a folder already
// gave, so a rescan only ingests what is new or changed and drops what was deleted.
import type { ItemRecord } from './records.ts';

export interface FolderEntry {
  /** Directory inside the imported folder ('' at its top), '/'-separated. */
  folderPath: string;
  name: string;
  handle: FileSystemFileHandle;
}

export interface ScannedFile extends FolderEntry {
  size: number;
  mtime: number;
}

/** System clutter that is never user media. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini' || name === '$RECYCLE.BIN';
}

/** Every file under a directory, depth first, skipping hidden and system entries. */
export async function* walkDirectory(
  dir: FileSystemDirectoryHandle,
  folderPath = '',
): AsyncGenerator<FolderEntry> {
  const entries: FileSystemHandle[] = [];
  for await (const entry of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (!isIgnoredName(entry.name)) entries.push(entry);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.kind === 'file') yield { folderPath, name: entry.name, handle: entry as FileSystemFileHandle };
    else
      yield* walkDirectory(
        entry as FileSystemDirectoryHandle,
        folderPath ? `${folderPath}/${entry.name}` : entry.name,
      );
  }
}

/** Walks a folder and reads each file's size and modification time (no content is read). */
export async function scanFolder(dir: FileSystemDirectoryHandle): Promise<ScannedFile[]> {
  const files: ScannedFile[] = [];
  for await (const entry of walkDirectory(dir)) {
    const file = await entry.handle.getFile();
    files.push({ ...entry, size: file.size, mtime: file.lastModified });
  }
  return files;
}

type Known = Pick<ItemRecord, 'id' | 'folderPath' | 'name' | 'size' | 'mtime'>;
type Seen = Pick<ScannedFile, 'folderPath' | 'name' | 'size' | 'mtime'>;

export interface FolderDiff<K extends Known, S extends Seen> {
  /** Paths the folder's items do not have yet. */
  added: S[];
  /** Same path, different size or mtime: hash it; only a different hash needs ingesting again. */
  changed: { item: K; file: S }[];
  unchanged: { item: K; file: S }[];
  /**
   * Items whose path is gone. Process `added` first: a moved or renamed file hashes to an existing item,
   * which then takes the new path and must not be deleted with the old one.
   */
  removed: K[];
}

export function diffFolder<K extends Known, S extends Seen>(items: K[], scanned: S[]): FolderDiff<K, S> {
  const key = (x: { folderPath: string; name: string }) => `${x.folderPath}\u0000${x.name}`;
  const byPath = new Map(items.map((i) => [key(i), i]));
  const diff: FolderDiff<K, S> = { added: [], changed: [], unchanged: [], removed: [] };
  const seen = new Set<string>();
  for (const file of scanned) {
    const k = key(file);
    seen.add(k);
    const item = byPath.get(k);
    if (!item) diff.added.push(file);
    else if (item.size !== file.size || item.mtime !== file.mtime) diff.changed.push({ item, file });
    else diff.unchanged.push({ item, file });
  }
  diff.removed = items.filter((i) => !seen.has(key(i)));
  return diff;
}
