/// <reference lib="webworker" />
// Takes picked and dropped files in, off the page (see src/library/originals.ts): recognises each from its
// first bytes, copies what can be ingested into OPFS, and hashes it, reading it once.
// A worker can write through a synchronous access handle, which costs a few milliseconds a photo; the
// page's createWritable streams cost tens, and far more when several run at once (measured by the ingest
// benchmark).
import * as Comlink from 'comlink';
import { createSHA256 } from 'hash-wasm';
import { detectFileType, detectType, SNIFF_BYTES } from '../src/ingest/detect-type.ts';
import { openInTime } from '../src/library/open-in-time.ts';
import { PACK_ENTRY_BYTES, PackWriter, writeAll } from '../src/library/pack-writer.ts';
import type {
  CopyOutcome,
  OriginalsWorkerApi,
  RemoveOutcome,
  TakeOutcome,
} from '../src/library/originals-writer.ts';

/**
 * Files up to this size are read whole; larger ones stream. Both are hashed by hash-wasm on this thread:
 * WebCrypto's digest runs on the renderer's small shared thread pool, which V8's optimizing compiles of
 * onnxruntime-web's WASM can hold for tens of seconds on a 2-core machine.
 */
const WHOLE_BYTES = 8 * 1024 * 1024;
/**
 * An open normally takes milliseconds. After this long another is made beside it (see open-in-time.ts);
 * a slow open on a machine busy with video still counts if it opens first.
 */
const OPEN_RETRY_MS = 2_000;

let dirPromise: Promise<FileSystemDirectoryHandle> | undefined;
let wholeHasher: ReturnType<typeof createSHA256> | undefined;

async function directory(name: string): Promise<FileSystemDirectoryHandle> {
  dirPromise ??= navigator.storage
    .getDirectory()
    .then((root) => root.getDirectoryHandle(name, { create: true }));
  try {
    return await dirPromise;
  } catch (error) {
    dirPromise = undefined;
    throw error;
  }
}

/** Hashes a file's bytes, writing them to `access` when given one; a large file streams. */
async function hashAndCopy(
  file: Blob,
  whole: Uint8Array | undefined,
  access: FileSystemSyncAccessHandle | undefined,
): Promise<string> {
  if (whole) {
    // Synchronous from init to digest, so the files taken in at once can share one hasher; a new one is a
    // new WebAssembly instance, which costs about as much as hashing a photo.
    wholeHasher ??= createSHA256().catch((error: unknown) => {
      wholeHasher = undefined;
      throw error;
    });
    const hasher = await wholeHasher;
    if (access) writeAll(access, whole, 0);
    hasher.init();
    hasher.update(whole);
    return hasher.digest('hex');
  }
  const hasher = await createSHA256();
  hasher.init();
  const reader = file.stream().getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
    if (access) writeAll(access, value, at);
    at += value.length;
  }
  return hasher.digest('hex');
}

async function openForWriting(dirName: string, key: string): Promise<FileSystemSyncAccessHandle> {
  return openInTime(
    async () => {
      const dir = await directory(dirName);
      const handle = await dir.getFileHandle(key, { create: true }).catch(async (error: unknown) => {
        // The directory was removed since it was opened: open it again.
        if ((error as DOMException).name !== 'NotFoundError') throw error;
        dirPromise = undefined;
        return (await directory(dirName)).getFileHandle(key, { create: true });
      });
      return handle.createSyncAccessHandle();
    },
    (late) => late.close(),
    { ms: OPEN_RETRY_MS, tries: 5, what: 'the file for its copy in the library' },
  );
}

/** An existing file opened for writing, or undefined when it is gone. */
async function openExisting(dirName: string, key: string): Promise<FileSystemSyncAccessHandle | undefined> {
  const handle = await (await directory(dirName)).getFileHandle(key).catch((error: unknown) => {
    if ((error as DOMException).name === 'NotFoundError') return undefined;
    throw error;
  });
  if (!handle) return undefined;
  return openInTime(
    () => handle.createSyncAccessHandle(),
    (late) => late.close(),
    { ms: OPEN_RETRY_MS, tries: 5, what: 'a stored copy to remove it' },
  );
}

let packs: { dirName: string; writer: PackWriter } | undefined;

function packWriter(dirName: string): PackWriter {
  if (packs?.dirName !== dirName) {
    packs = {
      dirName,
      writer: new PackWriter(
        (name) => openForWriting(dirName, name),
        (name) => openExisting(dirName, name),
        async (name) => (await directory(dirName)).removeEntry(name),
      ),
    };
  }
  return packs.writer;
}

function failure(error: unknown): { ok: false; name: string; message: string } {
  const e = error as { name?: string; message?: string };
  return { ok: false, name: e.name ?? 'Error', message: e.message ?? String(error) };
}

/**
 * Copies `file` to `<dirName>/<key>` and hashes it; with `detect`, first recognises it from its first
 * bytes and copies only what can be ingested (a refused file is hashed, not copied). A file up to
 * WHOLE_BYTES is read once for all three. A small file taken in (`detect`) is appended to a pack file
 * instead (pack-writer.ts; `pack` says where). Nothing is left under the key on failure.
 */
async function take(file: Blob, dirName: string, key: string, detect: boolean): Promise<TakeOutcome> {
  let access: FileSystemSyncAccessHandle | undefined;
  let opened = false;
  try {
    const whole = file.size <= WHOLE_BYTES ? new Uint8Array(await file.arrayBuffer()) : undefined;
    const name = (file as File).name ?? '';
    const detection = !detect
      ? undefined
      : whole
        ? detectType(whole.subarray(0, SNIFF_BYTES), name, file.size)
        : await detectFileType(file, name);
    const copy = detection?.ok ?? true;
    let pack: { name: string; at: number } | undefined;
    let sha256: string;
    if (copy && detect && whole && whole.length > 0 && whole.length <= PACK_ENTRY_BYTES) {
      sha256 = await hashAndCopy(file, whole, undefined);
      pack = await packWriter(dirName).append(whole);
    } else {
      if (copy) {
        opened = true;
        access = await openForWriting(dirName, key);
      }
      sha256 = await hashAndCopy(file, whole, access);
    }
    if (access) {
      // Only a longer file left under the key needs cutting; a new one is exactly what was written.
      // Truncating every copy anyway cost about 4 % of photo ingest throughput in paired runs here.
      if (access.getSize() > file.size) access.truncate(file.size);
      // close() writes everything to the file; flush() would also wait for it to reach the disk, a disk
      // sync per file, which a busy disk makes the slowest step of taking a photo in.
      access.close();
      access = undefined;
    }
    // An image read whole goes back to the page too, so ingest can decode it without reading the copy
    // back from OPFS (see fresh-originals.ts). Transferred, not copied.
    if (whole && copy && detection?.ok && detection.type.kind === 'image') {
      return Comlink.transfer({ ok: true, sha256, copied: copy, detection, pack, content: whole.buffer }, [
        whole.buffer,
      ]);
    }
    return { ok: true, sha256, copied: copy, detection, pack };
  } catch (error) {
    // Nothing is left under the key. (A crash mid-copy leaves a file no item points at, which
    // Library.sweepOrphanOriginals removes.)
    try {
      access?.close();
    } catch {
      // Already closed.
    }
    // The copy's error is the one to report; a file that cannot be removed now is swept later (above).
    if (opened)
      await (await directory(dirName).catch(() => undefined))?.removeEntry(key).catch(() => undefined);
    return failure(error);
  }
}

const api: OriginalsWorkerApi = {
  async copy(file: Blob, dirName: string, key: string): Promise<CopyOutcome> {
    const outcome = await take(file, dirName, key, false);
    return outcome.ok ? { ok: true, sha256: outcome.sha256 } : outcome;
  },
  take: (file, dirName, key) => take(file, dirName, key, true),
  async erase(dirName, name, at, length) {
    try {
      await packWriter(dirName).erase(name, at, length);
      return { ok: true };
    } catch (error) {
      return failure(error);
    }
  },
  async remove(dirName, name, force): Promise<RemoveOutcome> {
    try {
      if (!packWriter(dirName).release(name, force)) return { ok: true, removed: false };
      await (await directory(dirName)).removeEntry(name).catch((error: unknown) => {
        if ((error as DOMException).name !== 'NotFoundError') throw error;
      });
      return { ok: true, removed: true };
    } catch (error) {
      return failure(error);
    }
  },
};

Comlink.expose(api);
