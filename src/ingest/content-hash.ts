// Content identity: the SHA-256 of a file, computed as it streams, so a 2 GB video is never held in memory.
// WebCrypto's digest() only takes a whole buffer, hence hash-wasm's incremental hasher.
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

/**
 * A pass-through stream that hashes what flows through it, for hashing while copying:
 * `blob.stream().pipeThrough(h.stream).pipeTo(dest)`, then `h.digest()`.
 */
export async function hashingStream(): Promise<{
  stream: TransformStream<Uint8Array, Uint8Array>;
  digest(): string;
}> {
  const hasher = await createSHA256();
  hasher.init();
  let result: string | undefined;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hasher.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      result = hasher.digest('hex');
    },
  });
  return {
    stream,
    digest() {
      if (result === undefined) throw new Error('The stream has not finished, so its hash is not known yet');
      return result;
    },
  };
}
