/// <reference lib="webworker" />
// Copies picked and dropped files into OPFS and hashes them, off the page (see src/library/originals.ts).
// A worker can write through a synchronous access handle, which costs a few milliseconds a photo; the
// page's createWritable streams cost tens, and far more when several run at once (measured by the ingest
// benchmark).
import * as Comlink from 'comlink';
import { createSHA256 } from 'hash-wasm';
import type { CopyOutcome, OriginalsWorkerApi } from '../src/library/originals-writer.ts';

/**
 * Files up to this size are read whole; larger ones stream. Both are hashed by hash-wasm on this thread:
 * WebCrypto's digest runs on the renderer's small shared thread pool, which V8's optimizing compiles of
 * onnxruntime-web's WASM can hold for tens of seconds on a 2-core machine.
 */
const WHOLE_BYTES = 8 * 1024 * 1024;

let dirPromise: Promise<FileSystemDirectoryHandle> | undefined;

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

function writeAll(access: FileSystemSyncAccessHandle, bytes: Uint8Array, at: number): void {
  let done = 0;
  while (done < bytes.length) {
    const n = access.write(bytes.subarray(done), { at: at + done });
    if (n <= 0) throw new DOMException('The copy could not be written', 'UnknownError');
    done += n;
  }
}

async function copyInto(file: Blob, access: FileSystemSyncAccessHandle): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  if (file.size <= WHOLE_BYTES) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    writeAll(access, bytes, 0);
    hasher.update(bytes);
    return hasher.digest('hex');
  }
  const reader = file.stream().getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
    writeAll(access, value, at);
    at += value.length;
  }
  return hasher.digest('hex');
}

const api: OriginalsWorkerApi = {
  async copy(file: Blob, dirName: string, key: string): Promise<CopyOutcome> {
    let dir: FileSystemDirectoryHandle | undefined;
    let access: FileSystemSyncAccessHandle | undefined;
    try {
      dir = await directory(dirName);
      const handle = await dir.getFileHandle(key, { create: true }).catch(async (error: unknown) => {
        // The directory was removed since it was opened: open it again.
        if ((error as DOMException).name !== 'NotFoundError') throw error;
        dirPromise = undefined;
        dir = await directory(dirName);
        return dir.getFileHandle(key, { create: true });
      });
      access = await handle.createSyncAccessHandle();
      const sha256 = await copyInto(file, access);
      access.truncate(file.size);
      // close() writes everything to the file; flush() would also wait for it to reach the disk, a disk
      // sync per file, which a busy disk makes the slowest step of taking a photo in.
      access.close();
      access = undefined;
      return { ok: true, sha256 };
    } catch (error) {
      // Nothing is left under the key. (A crash mid-copy leaves a file no item points at, which
      // Library.sweepOrphanOriginals removes.)
      try {
        access?.close();
      } catch {
        // Already closed.
      }
      await dir?.removeEntry(key).catch(() => undefined);
      const e = error as { name?: string; message?: string };
      return { ok: false, name: e.name ?? 'Error', message: e.message ?? String(error) };
    }
  },
};

Comlink.expose(api);
