// The vector index: one per embedding space, in a worker, persisted in IndexedDB ('trove-vectors').
export {
  openVectorIndex,
  spawnVectorIndexWorker,
  vectorIndexWorker,
  type VectorIndexWorker,
} from './client.ts';
export type { OpenIndexOptions } from './create-index.ts';
export type {
  EngineName,
  IndexStats,
  PersistReport,
  RestoreReport,
  SearchFilter,
  SearchHit,
  VectorIndex,
} from './types.ts';
