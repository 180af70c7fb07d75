// The page's handle on the originals worker (workers/originals.worker.ts), which copies a file into OPFS
// and hashes it in one read (and, when taking a file in, recognises it from the same read). One worker
// serves the page; it starts on first use.
import * as Comlink from 'comlink';
import type { Detection } from '../ingest/detect-type.ts';

type Failure = { ok: false; name: string; message: string };
export type CopyOutcome = { ok: true; sha256: string } | Failure;
export type TakeOutcome =
  | {
      ok: true;
      sha256: string;
      copied: boolean;
      detection: Detection | undefined;
      /** Where the copy went when it was appended to a pack file, not written under its key. */
      pack?: { name: string; at: number };
      /** The whole file, for an image copied from one read. */
      content?: ArrayBuffer;
    }
  | Failure;
export type RemoveOutcome = { ok: true; removed: boolean } | Failure;

export interface OriginalsWorkerApi {
  copy(file: Blob, dirName: string, key: string): Promise<CopyOutcome>;
  take(file: File, dirName: string, key: string): Promise<TakeOutcome>;
  erase(dirName: string, name: string, at: number, length: number): Promise<{ ok: true } | Failure>;
  remove(dirName: string, name: string, force: boolean): Promise<RemoveOutcome>;
}

let remote: Comlink.Remote<OriginalsWorkerApi> | undefined;

function worker(): Comlink.Remote<OriginalsWorkerApi> {
  remote ??= Comlink.wrap<OriginalsWorkerApi>(
    new Worker(new URL('../../workers/originals.worker.ts', import.meta.url), {
      type: 'module',
      name: 'originals',
    }),
  );
  return remote;
}

/** The worker's answer, or the DOMException it met, thrown here. */
function unwrap<T extends { ok: true }>(outcome: T | Failure): T {
  if (!outcome.ok) throw new DOMException(outcome.message, outcome.name);
  return outcome;
}

/**
 * Copies `file` to `<dirName>/<key>` in OPFS and returns its hex SHA-256. A failure is thrown as the
 * DOMException the worker met (QuotaExceededError, NotReadableError…), and nothing is left under the key.
 */
export async function copyToOpfs(file: Blob, dirName: string, key: string): Promise<string> {
  return unwrap(await worker().copy(file, dirName, key)).sha256;
}

/**
 * Recognises `file` (detect-type.ts) and hashes it; what detection accepts is also copied to
 * `<dirName>/<key>` (`copied`); a copied image read in one piece comes back as `content`. Failures are
 * thrown as in copyToOpfs.
 */
export async function takeIntoOpfs(
  file: File,
  dirName: string,
  key: string,
): Promise<{
  sha256: string;
  copied: boolean;
  detection: Detection;
  pack?: { name: string; at: number };
  content?: ArrayBuffer;
}> {
  const { sha256, copied, detection, pack, content } = unwrap(await worker().take(file, dirName, key));
  return { sha256, copied, detection: detection!, pack, content };
}

/** Overwrites bytes of a pack file with zeros, through the worker that may hold it open. */
export async function eraseInOpfs(dirName: string, name: string, at: number, length: number): Promise<void> {
  unwrap(await worker().erase(dirName, name, at, length));
}

/**
 * Removes a pack file, through the worker that may hold it open; false when it is open or only just
 * closed (files taken into it may be on their way to being recorded), unless `force`.
 */
export async function removePackFromOpfs(dirName: string, name: string, force: boolean): Promise<boolean> {
  return unwrap(await worker().remove(dirName, name, force)).removed;
}
