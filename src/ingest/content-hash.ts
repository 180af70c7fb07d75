// Content identity: the SHA-256 of a file, computed as it streams, so a 2 GB video is never held in memory.
// WebCrypto's digest() only takes a whole buffer, hence hash-wasm's incremental hasher. (Picked and dropped
// files are hashed as they are copied, in workers/originals.worker.ts.)
import { createSHA256 } from 'hash-wasm';

/** Hex SHA-256 of a Blob or File, read as a stream. */
export async function sha256OfBlob(blob: Blob, signal?: AbortSignal): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      hasher.update(value);
    }
  } finally {
    reader.releaseLock();
  }
  return hasher.digest('hex');
}
