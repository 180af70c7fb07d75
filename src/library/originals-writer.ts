// The page's handle on the originals worker (workers/originals.worker.ts), which copies a file into OPFS
// and hashes it in one read. One worker serves the page; it starts on first use.
import * as Comlink from 'comlink';

export type CopyOutcome = { ok: true; sha256: string } | { ok: false; name: string; message: string };

export interface OriginalsWorkerApi {
  copy(file: Blob, dirName: string, key: string): Promise<CopyOutcome>;
}

let remote: Comlink.Remote<OriginalsWorkerApi> | undefined;

/**
 * Copies `file` to `<dirName>/<key>` in OPFS and returns its hex SHA-256. A failure is thrown as the
 * DOMException the worker met (QuotaExceededError, NotReadableError…), and nothing is left under the key.
 */
export async function copyToOpfs(file: Blob, dirName: string, key: string): Promise<string> {
  remote ??= Comlink.wrap<OriginalsWorkerApi>(
    new Worker(new URL('../../workers/originals.worker.ts', import.meta.url), {
      type: 'module',
      name: 'originals',
    }),
  );
  const outcome = await remote.copy(file, dirName, key);
  if (!outcome.ok) throw new DOMException(outcome.message, outcome.name);
  return outcome.sha256;
}
