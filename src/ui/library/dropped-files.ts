// What a drop or a folder input brings in: loose files with the directory they had, and folders that can
// be imported by handle (kept for rescans). Chromium gives handles for dropped entries; other browsers give
// FileSystemEntry trees (webkitGetAsEntry), which are walked into files; the plain file list comes last.
// Hidden and system files (.DS_Store, Thumbs.db, dot-folders) are skipped on every way in.
import type { IncomingFile } from '../../trove.ts';
import { isIgnoredName } from '../../trove-tools.ts';

export interface Dropped {
  files: IncomingFile[];
  folders: FileSystemDirectoryHandle[];
}

type HandleItem = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };

/**
 * Reads a drop. DataTransfer items are only readable during the drop event itself, so every item's handle
 * or entry is requested synchronously here, before the first await.
 */
export function readDrop(data: DataTransfer): Promise<Dropped> {
  const items = [...data.items].filter((i) => i.kind === 'file') as HandleItem[];
  if (items.length && items.every((i) => typeof i.getAsFileSystemHandle === 'function')) {
    // A synthetic or cross-app drop may give no handle; its File (also only readable now) stands in.
    return fromHandles(items.map((i) => ({ handle: i.getAsFileSystemHandle!(), file: i.getAsFile() })));
  }
  const entries = items.map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.length && entries.every((e) => e !== null))
    return filesOfEntries(entries as FileSystemEntry[]).then((files) => ({ files, folders: [] }));
  return Promise.resolve({ files: [...data.files].filter(wanted).map(loose), folders: [] });
}

async function fromHandles(
  dropped: { handle: Promise<FileSystemHandle | null>; file: File | null }[],
): Promise<Dropped> {
  const out: Dropped = { files: [], folders: [] };
  for (const { handle: pending, file } of dropped) {
    const handle = await pending.catch(() => null);
    if (handle?.kind === 'directory') out.folders.push(handle as FileSystemDirectoryHandle);
    else if (handle) {
      if (!isIgnoredName(handle.name))
        out.files.push(loose(await (handle as FileSystemFileHandle).getFile()));
    } else if (file && wanted(file)) out.files.push(loose(file));
  }
  return out;
}

/**
 * Every file under dropped entries (the legacy entries API, which works in every browser). A dropped
 * folder's own name starts its files' paths; each directory is read in name order, so the same folder
 * always gives the same list, whatever order the browser lists it in.
 */
export async function filesOfEntries(entries: FileSystemEntry[]): Promise<IncomingFile[]> {
  const files: IncomingFile[] = [];
  for (const entry of entries) await walkEntry(entry, '', files);
  return files;
}

async function walkEntry(entry: FileSystemEntry, dir: string, out: IncomingFile[]): Promise<void> {
  if (isIgnoredName(entry.name)) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, folderPath: dir });
    return;
  }
  const path = dir ? `${dir}/${entry.name}` : entry.name;
  const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
  children.sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) await walkEntry(child, path, out);
}

/** readEntries answers in batches (100 in Chromium), until it returns an empty one. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Files of an `<input webkitdirectory>`: each keeps its directory from webkitRelativePath. */
export function filesOfFolderInput(files: FileList | File[]): IncomingFile[] {
  const out: IncomingFile[] = [];
  for (const file of files) {
    const parts = (file.webkitRelativePath || file.name).split('/');
    if (parts.some(isIgnoredName)) continue;
    out.push({ file, folderPath: parts.slice(0, -1).join('/') });
  }
  return out;
}

/** Whether a drag carries files (and not, say, text selected on the page). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return !!data && [...data.types].includes('Files');
}

function wanted(file: File): boolean {
  return !isIgnoredName(file.name);
}

function loose(file: File): IncomingFile {
  return { file, folderPath: '' };
}
