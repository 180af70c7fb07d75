// The user's original files, kept so a result can be opened later: a streamed copy in the origin private
// file system (OPFS) for picked and dropped files, or the FileSystemFileHandle for folder imports.
import type { Detection } from '../ingest/detect-type.ts';
import { copyToOpfs, takeIntoOpfs } from './originals-writer.ts';
import type { OriginalSource } from './records.ts';

export const ORIGINALS_DIR = 'originals';

let dirHandle: Promise<FileSystemDirectoryHandle> | undefined;

/** The originals directory; its handle is kept, since every file opened for ingest starts here. */
async function originalsDir(fresh = false): Promise<FileSystemDirectoryHandle> {
  if (fresh) dirHandle = undefined;
  dirHandle ??= navigator.storage
    .getDirectory()
    .then((root) => root.getDirectoryHandle(ORIGINALS_DIR, { create: true }));
  try {
    return await dirHandle;
  } catch (error) {
    dirHandle = undefined;
    throw error;
  }
}

function nameFromPath(path: string): string {
  const prefix = `${ORIGINALS_DIR}/`;
  if (!path.startsWith(prefix) || path.slice(prefix.length).includes('/')) {
    throw new Error(`Not a path of a stored original: ${path}`);
  }
  return path.slice(prefix.length);
}

type StoredCopy = OriginalSource & { kind: 'opfs' };

/**
 * Runs a write of `originals/<key>` in the originals worker; `copied` says whether it left a copy. A
 * copy made while `signal` was aborted is removed before the abort is thrown.
 */
async function writeUnder<T extends { copied: boolean }>(
  key: string,
  signal: AbortSignal | undefined,
  write: () => Promise<T>,
): Promise<T & { source?: StoredCopy }> {
  if (!/^[\w.-]+$/.test(key)) throw new Error(`Unsafe key for a stored original: ${key}`);
  signal?.throwIfAborted();
  const written = await write();
  const source = written.copied ? { kind: 'opfs' as const, path: `${ORIGINALS_DIR}/${key}` } : undefined;
  if (signal?.aborted) {
    if (source) await deleteOriginal(source);
    signal.throwIfAborted();
  }
  return { ...written, source };
}

/**
 * Copies a file into OPFS as `originals/<key>` and hashes it on the way, so the content is read once (in
 * the originals worker, see originals-writer.ts). On failure (a QuotaExceededError among others) nothing
 * is left behind, and the error is rethrown.
 */
export async function saveOriginal(
  file: Blob,
  key: string,
  signal?: AbortSignal,
): Promise<{ source: StoredCopy; sha256: string; bytes: number }> {
  const { sha256, source } = await writeUnder(key, signal, async () => ({
    sha256: await copyToOpfs(file, ORIGINALS_DIR, key),
    copied: true,
  }));
  return { source: source!, sha256, bytes: file.size };
}

/**
 * Takes a picked or dropped file in, reading it once in the originals worker: recognises it (detect-type.ts),
 * hashes it, and copies it into OPFS as `originals/<key>` when detection accepted it (`source`); a refused
 * file is hashed but not copied. Failures are as in saveOriginal.
 */
export async function takeOriginal(
  file: File,
  key: string,
  signal?: AbortSignal,
): Promise<{ detection: Detection; sha256: string; source?: StoredCopy; content?: ArrayBuffer }> {
  const { detection, sha256, source, content } = await writeUnder(key, signal, () =>
    takeIntoOpfs(file, ORIGINALS_DIR, key),
  );
  return { detection, sha256, source, content };
}

/**
 * The original as a File. A folder import's handle may need permission again after a reload; asking for it
 * needs a user gesture, so `requestPermission` is only tried when asked for.
 */
export async function openOriginal(
  source: OriginalSource,
  options: { requestPermission?: boolean } = {},
): Promise<File> {
  if (source.kind === 'opfs') {
    const name = nameFromPath(source.path);
    const handle = await (await originalsDir()).getFileHandle(name).catch(async (error: unknown) => {
      // The kept handle may be of a directory removed since (and made again by a later copy).
      if ((error as DOMException).name !== 'NotFoundError') throw error;
      return (await originalsDir(true)).getFileHandle(name);
    });
    return handle.getFile();
  }
  const handle = source.handle as FileSystemFileHandle & {
    queryPermission?(d: { mode: 'read' }): Promise<PermissionState>;
    requestPermission?(d: { mode: 'read' }): Promise<PermissionState>;
  };
  if (handle.queryPermission && (await handle.queryPermission({ mode: 'read' })) !== 'granted') {
    const state =
      options.requestPermission && handle.requestPermission
        ? await handle.requestPermission({ mode: 'read' })
        : 'prompt';
    if (state !== 'granted') {
      throw new DOMException(`Trove needs permission again to read ${handle.name}`, 'NotAllowedError');
    }
  }
  return handle.getFile();
}

/** Removes a stored copy; the user's own files (handles) are never touched. Missing copies are fine. */
export async function deleteOriginal(source: OriginalSource | undefined): Promise<void> {
  if (source?.kind !== 'opfs') return;
  const dir = await originalsDir();
  try {
    await dir.removeEntry(nameFromPath(source.path));
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
  }
}

/** Paths of every stored copy, to find copies no item points at (after a crash between two steps). */
export async function listOriginals(): Promise<string[]> {
  const dir = await originalsDir(true);
  const paths: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
    paths.push(`${ORIGINALS_DIR}/${name}`);
  }
  return paths.sort();
}
