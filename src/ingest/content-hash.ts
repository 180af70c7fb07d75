// Content identity: the SHA-256 of a file, computed as it streams, so a 2 GB video is never held in memory.
// WebCrypto's digest() only takes a whole buffer, hence hash-wasm's incremental hasher for large files.
// (Picked and dropped files are hashed as they are copied, in workers/originals.worker.ts.)
import { createSHA256 } from 'hash-wasm';

/** Blobs up to this size are read whole and hashed by WebCrypto, which is faster than streaming them. */
const WHOLE_HASH_BYTES = 8 * 1024 * 1024;

/** Hex SHA-256 of a Blob or File; a large one is read as a stream. */
export async function sha256OfBlob(blob: Blob, signal?: AbortSignal): Promise<string> {
  if (blob.size <= WHOLE_HASH_BYTES) {
    signal?.throwIfAborted();
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    let hex = '';
    for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
    return hex;
  }
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
