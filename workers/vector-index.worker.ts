// The vector index worker: holds one index per embedding space, so searches run off the UI thread and
// the OPFS copy can be read through synchronous access handles (which exist only in workers).
// Messages are handled one at a time; an add or remove runs to completion before the next search.
import * as Comlink from 'comlink';
import { BinaryRescoreIndex } from '../src/vector-index/binary-rescore-index.ts';
import { createIndex, type OpenIndexOptions } from '../src/vector-index/create-index.ts';
import type { SearchFilter, VectorIndex } from '../src/vector-index/types.ts';

const indexes = new Map<string, VectorIndex>();

function get(space: string): VectorIndex {
  const index = indexes.get(space);
  if (!index) throw new Error(`vector index "${space}" is not open`);
  return index;
}

const api = {
  /** Opens (and restores) the index of a space; reopening an open space closes the old one first. */
  async open(options: OpenIndexOptions) {
    await indexes.get(options.space)?.close();
    indexes.delete(options.space);
    const { index, report } = await createIndex(options);
    indexes.set(options.space, index);
    return { ...report, engine: index.engine, dim: index.dim };
  },
  add: (space: string, ids: Uint32Array, vectors: Float32Array) => get(space).add(ids, vectors),
  remove: (space: string, ids: Uint32Array) => get(space).remove(ids),
  search: (space: string, query: Float32Array, k: number, filter?: SearchFilter) =>
    get(space).search(query, k, filter),
  size: (space: string) => get(space).size(),
  persist: (space: string) => get(space).persist(),
  restore: (space: string) => get(space).restore(),
  clear: (space: string) => get(space).clear(),
  stats: (space: string) => get(space).stats(),
  /** Changes the search depth of an open binary-rescore index (the benchmark sweeps it). */
  tune(space: string, settings: { candidates?: number; rerank?: number }) {
    const index = get(space);
    if (!(index instanceof BinaryRescoreIndex))
      throw new Error(`${index.engine} has no search depth settings`);
    if (settings.candidates !== undefined) index.candidates = settings.candidates;
    if (settings.rerank !== undefined) index.rerank = settings.rerank;
  },
  /** Where the last search of a binary-rescore index spent its time. */
  lastSearchTimings(space: string) {
    const index = get(space);
    return index instanceof BinaryRescoreIndex ? { ...index.lastTimings } : undefined;
  },
  async close(space: string) {
    await indexes.get(space)?.close();
    indexes.delete(space);
  },
};

export type VectorIndexWorkerApi = typeof api;

Comlink.expose(api);
