// The reference bank's embeddings (query-bank.ts), kept between visits: embedding its ~57 phrases in each
// of three text encoders was most of the first query after a reload (issue 20). A bank depends only on its
// model, so it is kept by a key that names the model; fan-out.ts checks a kept bank against a fresh embedding
// of the empty text before trusting it, so changed weights behind the same name are caught.

export interface BankCache {
  get(key: string): Promise<Float32Array[] | undefined>;
  put(key: string, vectors: Float32Array[]): Promise<void>;
}

const CACHE_NAME = 'trove-query-banks';

/** Count, dimension, then the vectors' floats, little-endian. */
function encode(vectors: Float32Array[]): ArrayBuffer {
  const dim = vectors[0]?.length ?? 0;
  const out = new ArrayBuffer(8 + vectors.length * dim * 4);
  const head = new DataView(out);
  head.setUint32(0, vectors.length, true);
  head.setUint32(4, dim, true);
  const body = new Float32Array(out, 8);
  vectors.forEach((v, i) => body.set(v, i * dim));
  return out;
}

function decode(bytes: ArrayBuffer): Float32Array[] | undefined {
  if (bytes.byteLength < 8) return undefined;
  const head = new DataView(bytes);
  const count = head.getUint32(0, true);
  const dim = head.getUint32(4, true);
  if (dim === 0 || bytes.byteLength !== 8 + count * dim * 4) return undefined;
  const body = new Float32Array(bytes, 8);
  return Array.from({ length: count }, (_, i) => body.slice(i * dim, (i + 1) * dim));
}

/** Banks in Cache Storage, on this origin (the models' own cache is transformers.js's, model-cache.ts). */
export function cacheStorageBanks(origin = location.origin): BankCache {
  const request = (key: string) => new Request(`${origin}/query-banks/${encodeURIComponent(key)}`);
  return {
    async get(key) {
      const found = await (await caches.open(CACHE_NAME)).match(request(key));
      return found ? decode(await found.arrayBuffer()) : undefined;
    },
    async put(key, vectors) {
      const body = encode(vectors);
      await (await caches.open(CACHE_NAME)).put(request(key), new Response(body));
    },
  };
}
