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
      /** The whole file, for an image copied from one read. */
      content?: ArrayBuffer;
    }
  | Failure;

export interface OriginalsWorkerApi {
  copy(file: Blob, dirName: string, key: string): Promise<CopyOutcome>;
  take(file: File, dirName: string, key: string): Promise<TakeOutcome>;
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

/**
 * Copies `file` to `<dirName>/<key>` in OPFS and returns its hex SHA-256. A failure is thrown as the
 * DOMException the worker met (QuotaExceededError, NotReadableError…), and nothing is left under the key.
 */
export async function copyToOpfs(file: Blob, dirName: string, key: string): Promise<string> {
  const outcome = await worker().copy(file, dirName, key);
  if (!outcome.ok) throw new DOMException(outcome.message, outcome.name);
  return outcome.sha256;
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
): Promise<{ sha256: string; copied: boolean; detection: Detection; content?: ArrayBuffer }> {
  const outcome = await worker().take(file, dirName, key);
  if (!outcome.ok) throw new DOMException(outcome.message, outcome.name);
  const { sha256, copied, detection, content } = outcome;
  return { sha256, copied, detection: detection!, content };
}
