// The user's original files, kept so a result can be opened later: a streamed copy in the origin private
// file system (OPFS) for picked and dropped files, or the FileSystemFileHandle for folder imports.
import { hashingStream } from '../ingest/content-hash.ts';
import type { OriginalSource } from './records.ts';

export const ORIGINALS_DIR = 'originals';

async function originalsDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ORIGINALS_DIR, { create: true });
}

function nameFromPath(path: string): string {
  const prefix = `${ORIGINALS_DIR}/`;
  if (!path.startsWith(prefix) || path.slice(prefix.length).includes('/')) {
    throw new Error(`Not a path of a stored original: ${path}`);
  }
  return path.slice(prefix.length);
}

/**
 * Streams a file into OPFS as `originals/<key>` and hashes it on the way, so the content is read once.
 * On failure (a QuotaExceededError among others) nothing is left behind, and the error is rethrown.
 */
export async function saveOriginal(
  file: Blob,
  key: string,
  signal?: AbortSignal,
): Promise<{ source: OriginalSource & { kind: 'opfs' }; sha256: string; bytes: number }> {
  if (!/^[\w.-]+$/.test(key)) throw new Error(`Unsafe key for a stored original: ${key}`);
  const dir = await originalsDir();
  const handle = await dir.getFileHandle(key, { create: true });
  const hashing = await hashingStream();
  try {
    // createWritable writes to a swap file that replaces the original only when the stream closes, so a
    // failed copy never leaves a partial file under the key.
    const writable = await handle.createWritable();
    await file.stream().pipeThrough(hashing.stream).pipeTo(writable, { signal });
  } catch (error) {
    await dir.removeEntry(key).catch(() => undefined);
    throw error;
  }
  return {
    source: { kind: 'opfs', path: `${ORIGINALS_DIR}/${key}` },
    sha256: hashing.digest(),
    bytes: file.size,
  };
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
    const dir = await originalsDir();
    return (await dir.getFileHandle(nameFromPath(source.path))).getFile();
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
  const dir = await originalsDir();
  const paths: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
    paths.push(`${ORIGINALS_DIR}/${name}`);
  }
  return paths.sort();
}
