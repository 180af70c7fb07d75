// The user's original files, kept so a result can be opened later: a streamed copy in the origin private
// file system (OPFS) for picked and dropped files (small ones share pack files, see pack-writer.ts), or the
// FileSystemFileHandle for folder imports.
import type { Detection } from '../ingest/detect-type.ts';
import { copyToOpfs, eraseInOpfs, removePackFromOpfs, takeIntoOpfs } from './originals-writer.ts';
import { isPackName } from './pack-writer.ts';
import type { OriginalSource } from './records.ts';

export const ORIGINALS_DIR = 'originals';
/** 20 tries, 20 ms more apart each time: about 4 s, longer than a pack stays open for appends. */
const PACKED_READ_TRIES = 20;

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
async function writeUnder<T extends { copied: boolean; pack?: { name: string; at: number } }>(
  key: string,
  bytes: number,
  signal: AbortSignal | undefined,
  write: () => Promise<T>,
): Promise<T & { source?: StoredCopy }> {
  if (!/^[\w.-]+$/.test(key)) throw new Error(`Unsafe key for a stored original: ${key}`);
  signal?.throwIfAborted();
  const written = await write();
  const { pack } = written;
  const source: StoredCopy | undefined = !written.copied
    ? undefined
    : pack
      ? { kind: 'opfs', path: `${ORIGINALS_DIR}/${pack.name}`, range: { at: pack.at, length: bytes } }
      : { kind: 'opfs', path: `${ORIGINALS_DIR}/${key}` };
  if (signal?.aborted) {
    if (source) await deleteOriginal(source);
    signal.throwIfAborted();
  }
  return { ...written, source };
}

/**
 * A new, empty stored copy under a name of its own (`originals/<prefix>-<random>`), for a copy written as
 * a stream by the page itself (an import's originals) rather than by the originals worker. Remove it with
 * removeStoredFile if it is not kept.
 */
export async function newStoredCopy(prefix: string): Promise<{ path: string; handle: FileSystemFileHandle }> {
  const key = `${prefix}-${crypto.randomUUID()}`;
  // A fresh directory handle: the copies of a whole library are written here, and a cached one may be of
  // a directory removed since.
  const handle = await (await originalsDir(true)).getFileHandle(key, { create: true });
  return { path: `${ORIGINALS_DIR}/${key}`, handle };
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
  const { sha256, source } = await writeUnder(key, file.size, signal, async () => ({
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
  const { detection, sha256, source, content } = await writeUnder(key, file.size, signal, () =>
    takeIntoOpfs(file, ORIGINALS_DIR, key),
  );
  if (source?.range) unrecorded.set(source.path, (unrecorded.get(source.path) ?? 0) + 1);
  return { detection, sha256, source, content };
}

/**
 * Packed copies taken in by this page whose items are not yet recorded (or given up), by pack path: a
 * pack with any is not removed, even when no item in the store points at it yet.
 */
const unrecorded = new Map<string, number>();

/** Says that a copy from takeOriginal is now recorded in an item, or will not be. */
export function settleTaken(source: OriginalSource | undefined): void {
  if (source?.kind !== 'opfs' || !source.range) return;
  const left = (unrecorded.get(source.path) ?? 0) - 1;
  if (left > 0) unrecorded.set(source.path, left);
  else unrecorded.delete(source.path);
}

/**
 * A packed copy's bytes, read out at once. The File that getFile() gives is a snapshot: an append to the
 * same pack (its files are still being taken in) makes reading it fail with NotReadableError, so the read
 * is tried again; a pack takes appends for PACK_OPEN_MS at most.
 */
async function readPacked(
  handle: FileSystemFileHandle,
  { at, length }: { at: number; length: number },
): Promise<File> {
  for (let attempt = 1; ; attempt++) {
    const file = await handle.getFile();
    if (file.size < at + length) throw new DOMException('The stored copy is cut short', 'NotReadableError');
    try {
      const bytes = await file.slice(at, at + length).arrayBuffer();
      return new File([bytes], handle.name, { lastModified: file.lastModified });
    } catch (error) {
      if (
        !(error instanceof DOMException && error.name === 'NotReadableError') ||
        attempt >= PACKED_READ_TRIES
      )
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
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
    return source.range ? readPacked(handle, source.range) : handle.getFile();
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

/**
 * Removes a stored copy; the user's own files (handles) are never touched. Missing copies are fine. A copy
 * in a pack file is overwritten with zeros; the pack itself goes with removeStoredFile.
 */
export async function deleteOriginal(source: OriginalSource | undefined): Promise<void> {
  if (source?.kind !== 'opfs') return;
  if (source.range) {
    await eraseInOpfs(ORIGINALS_DIR, nameFromPath(source.path), source.range.at, source.range.length);
    return;
  }
  await removeStoredFile(source.path);
}

/**
 * Removes a whole file of stored copies: a copy of its own, or a pack file with every copy in it. A pack
 * that is being written (or was a moment ago) is kept unless `force`; the answer says whether it went.
 */
export async function removeStoredFile(path: string, { force = false } = {}): Promise<boolean> {
  const name = nameFromPath(path);
  if (isPackName(name)) {
    if (!force && unrecorded.has(path)) return false;
    return removePackFromOpfs(ORIGINALS_DIR, name, force);
  }
  const dir = await originalsDir();
  try {
    await dir.removeEntry(name);
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
  }
  return true;
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
