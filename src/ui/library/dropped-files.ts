// What a drop or a folder input brings in: loose files with the directory they had, and folders that can
// be imported by handle (kept for rescans). Chromium gives handles for dropped entries; other browsers give
// FileSystemEntry trees (webkitGetAsEntry), which are walked into files; the plain file list comes last.
import type { IncomingFile } from '../../trove.ts';
import { isIgnoredName } from '../../library/folders.ts';

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
  if (entries.length && entries.every((e) => e !== null)) return fromEntries(entries as FileSystemEntry[]);
  return Promise.resolve({ files: [...data.files].map((file) => ({ file, folderPath: '' })), folders: [] });
}

async function fromHandles(
  dropped: { handle: Promise<FileSystemHandle | null>; file: File | null }[],
): Promise<Dropped> {
  const out: Dropped = { files: [], folders: [] };
  for (const { handle: pending, file } of dropped) {
    const handle = await pending.catch(() => null);
    if (handle?.kind === 'directory') out.folders.push(handle as FileSystemDirectoryHandle);
    else if (handle)
      out.files.push({ file: await (handle as FileSystemFileHandle).getFile(), folderPath: '' });
    else if (file) out.files.push({ file, folderPath: '' });
  }
  return out;
}

async function fromEntries(entries: FileSystemEntry[]): Promise<Dropped> {
  const files: IncomingFile[] = [];
  for (const entry of entries) await walkEntry(entry, '', files);
  return { files, folders: [] };
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
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const path = dir ? `${dir}/${entry.name}` : entry.name;
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) await walkEntry(child, path, out);
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
