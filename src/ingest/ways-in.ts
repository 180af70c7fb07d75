// The ways files reach Trove, as plain functions for the UI: a file input, drag and drop (files and whole
// folders), the folder picker (whose handle is kept for rescans), and <input webkitdirectory> where the
// picker is missing. Each gives IncomingFiles (a File and the folder path it had) or directory handles.
import { isIgnoredName } from '../library/folders.ts';

export interface IncomingFile {
  file: File;
  /** Directory inside the dropped or picked folder ('' for loose files), '/'-separated. */
  folderPath: string;
}

export interface Dropped {
  files: IncomingFile[];
  /** Folders dropped where the browser gives a FileSystemDirectoryHandle: import them to allow rescans. */
  folders: FileSystemDirectoryHandle[];
}

/** Files of a file input, including `<input webkitdirectory>` (whose files carry their relative paths). */
export function filesFromInput(source: HTMLInputElement | FileList | File[]): IncomingFile[] {
  const list = source instanceof HTMLInputElement ? source.files : source;
  const out: IncomingFile[] = [];
  for (const file of Array.from(list ?? [])) {
    // webkitRelativePath starts with the picked folder's own name; it is kept, since (unlike a folder
    // imported by handle) such files have no folder record to carry it.
    const parts = (file.webkitRelativePath || file.name).split('/');
    if (parts.some(isIgnoredName)) continue;
    out.push({ file, folderPath: parts.slice(0, -1).join('/') });
  }
  return out;
}

type HandleItem = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };

/**
 * What a drop holds. Call it inside the drop handler, before any await: the browser empties the
 * DataTransfer when the handler returns, so every entry is asked for synchronously first.
 * `foldersAsHandles: false` walks dropped folders into files instead of returning their handles.
 */
export function readDrop(
  dataTransfer: DataTransfer,
  options: { foldersAsHandles?: boolean } = {},
): Promise<Dropped> {
  const { foldersAsHandles = true } = options;
  const requests: (() => Promise<Dropped>)[] = [];
  const items = Array.from(dataTransfer.items ?? []).filter((i) => i.kind === 'file');
  for (const item of items as HandleItem[]) {
    // Asked now, awaited later; each call must happen while the event is being dispatched.
    const handle = foldersAsHandles && item.getAsFileSystemHandle ? item.getAsFileSystemHandle() : null;
    const entry = item.webkitGetAsEntry?.() ?? null;
    const file = item.getAsFile();
    requests.push(async () => {
      const h = handle ? await handle.catch(() => null) : null;
      if (h?.kind === 'directory') return { files: [], folders: [h as FileSystemDirectoryHandle] };
      if (entry?.isDirectory)
        return { files: await walkEntry(entry as FileSystemDirectoryEntry, ''), folders: [] };
      if (h?.kind === 'file')
        return {
          files: [{ file: await (h as FileSystemFileHandle).getFile(), folderPath: '' }],
          folders: [],
        };
      return { files: file && !isIgnoredName(file.name) ? [{ file, folderPath: '' }] : [], folders: [] };
    });
  }
  if (items.length === 0) {
    const files = Array.from(dataTransfer.files ?? []);
    requests.push(async () => ({ files: files.map((file) => ({ file, folderPath: '' })), folders: [] }));
  }
  return Promise.all(requests.map((r) => r())).then((parts) => ({
    files: parts.flatMap((p) => p.files),
    folders: parts.flatMap((p) => p.folders),
  }));
}

/** Every file under a dropped directory entry (the legacy entries API, which works in every browser). */
async function walkEntry(dir: FileSystemDirectoryEntry, folderPath: string): Promise<IncomingFile[]> {
  const children = await readAllEntries(dir.createReader());
  children.sort((a, b) => a.name.localeCompare(b.name));
  const out: IncomingFile[] = [];
  for (const child of children) {
    if (isIgnoredName(child.name)) continue;
    if (child.isDirectory) {
      const path = folderPath ? `${folderPath}/${child.name}` : child.name;
      out.push(...(await walkEntry(child as FileSystemDirectoryEntry, path)));
    } else {
      const file = await new Promise<File>((resolve, reject) =>
        (child as FileSystemFileEntry).file(resolve, reject),
      );
      out.push({ file, folderPath });
    }
  }
  return out;
}

/** readEntries returns at most 100 entries per call (Chromium), so it is called until it returns none. */
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

/** Whether this browser has the folder picker (Chromium); elsewhere use pickWithInput({ directory: true }). */
export function canPickFolders(): boolean {
  return typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** The folder picker; null when the user cancels. Call it from a user gesture (a click). */
export async function pickFolder(): Promise<FileSystemDirectoryHandle | null> {
  const picker = (
    globalThis as unknown as {
      showDirectoryPicker(o: { id?: string; mode?: 'read' }): Promise<FileSystemDirectoryHandle>;
    }
  ).showDirectoryPicker;
  try {
    return await picker({ id: 'trove-import', mode: 'read' });
  } catch (error) {
    if ((error as DOMException).name === 'AbortError') return null;
    throw error;
  }
}

/**
 * Opens a file input (`directory: true` gives `<input webkitdirectory>`, the fallback where the folder
 * picker is missing) and resolves with what was chosen, or [] when the dialog is cancelled. Call it from a
 * user gesture. Files from a webkitdirectory input cannot be rescanned later: there is no handle to keep.
 */
export function pickWithInput(
  options: { directory?: boolean; accept?: string } = {},
): Promise<IncomingFile[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    if (options.directory) input.webkitdirectory = true;
    if (options.accept) input.accept = options.accept;
    input.addEventListener('change', () => resolve(filesFromInput(input)), { once: true });
    input.addEventListener('cancel', () => resolve([]), { once: true });
    input.click();
  });
}
