// The contract every engine of the vector index meets, whether it runs in the worker or in a test.
//
// Ids are unsigned 32-bit integers (0 … 2^32-1), not strings: at 1M vectors a string-keyed map alone
// costs tens of MB, more than the whole first-pass index. The library store's integer segment keys
// (IndexedDB autoIncrement) are meant to be passed straight through.
//
// Scores are cosine similarities in [-1, 1], computed from the stored vectors (see each engine for how
// exact that is). Vectors need not be normalised on input; zero vectors are rejected.

export interface SearchHit {
  id: number;
  score: number;
}

/** Restricts a search to some ids (`include`) or away from some ids (`exclude`), or both. */
export interface SearchFilter {
  include?: ArrayLike<number>;
  exclude?: ArrayLike<number>;
}

export interface RestoreReport {
  /** Vectors in the index after restoring. */
  count: number;
  /** True when the stored index was unusable and was rebuilt from the stored vectors. */
  rebuilt: boolean;
  /** Why it was rebuilt or what was lost, in words a log or a UI notice can show. */
  message?: string;
  millis: number;
}

export interface PersistReport {
  /** Chunks written in this call (0 when nothing changed since the last persist). */
  chunksWritten: number;
  /** Bytes this index keeps on disk in total (IndexedDB records plus any OPFS copy). */
  persistedBytes: number;
  millis: number;
}

export interface IndexStats {
  engine: string;
  dim: number;
  count: number;
  /** Bytes of memory the index holds for its data structures (typed arrays, WASM memory). */
  residentBytes: number;
  /** Bytes on disk after the last persist (0 before the first). */
  persistedBytes: number;
  /** Where the vectors used for rescoring are read from, for engines that keep a copy outside memory. */
  vectorCopy?: 'opfs' | 'memory';
}

export interface VectorIndex {
  readonly engine: string;
  readonly dim: number;
  /** Adds or replaces (same id) `ids.length` vectors, given row-major in `vectors` (ids.length × dim). */
  add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void>;
  /** Removes the ids that are present; returns how many were removed. */
  remove(ids: ArrayLike<number>): Promise<number>;
  search(query: Float32Array, k: number, filter?: SearchFilter): Promise<SearchHit[]>;
  size(): Promise<number>;
  /** Writes what changed since the last persist to storage. */
  persist(): Promise<PersistReport>;
  /** Replaces the in-memory index with the stored one. */
  restore(): Promise<RestoreReport>;
  /** Empties the index in memory and in storage. */
  clear(): Promise<void>;
  stats(): Promise<IndexStats>;
  /** Releases memory and file handles; the stored index stays. */
  close(): Promise<void>;
}

export type EngineName = 'binary-rescore' | 'exact' | 'voy';
