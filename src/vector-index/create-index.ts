// Builds an engine with its storage: the IndexedDB store, and for the default engine the OPFS copy of
// the vectors when this context can open one (a dedicated worker), else an in-memory copy.
import { BinaryRescoreIndex } from './binary-rescore-index.ts';
import { ExactIndex } from './exact-index.ts';
import { openOpfsVectorFile, opfsSyncAvailable } from './opfs-vector-file.ts';
import type { EngineName, RestoreReport, VectorIndex } from './types.ts';
import type { VectorFile } from './vector-file.ts';
import { VectorStore } from './vector-store.ts';

export interface OpenIndexOptions {
  /** The embedding space: 'clip', 'clap', 'text', … Each has its own index and stored chunks. */
  space: string;
  dim: number;
  /** Default 'binary-rescore'. */
  engine?: EngineName;
  /** binary-rescore: codes nearest in Hamming distance that go on to the second pass (default 2048). */
  candidates?: number;
  /** binary-rescore: candidates rescored exactly from the stored vectors (default 512). */
  rerank?: number;
  /** false: memory only, nothing stored or restored. Default true. */
  persistent?: boolean;
  /** binary-rescore and exact: slots per stored chunk (default 4096). */
  chunkSize?: number;
  /** IndexedDB database name (default 'trove-vectors'); tests use their own. */
  dbName?: string;
}

const stores = new Map<string, Promise<VectorStore>>();

export function vectorStore(dbName = 'trove-vectors'): Promise<VectorStore> {
  let store = stores.get(dbName);
  if (!store) stores.set(dbName, (store = VectorStore.open(dbName)));
  return store;
}

export async function createIndex(
  options: OpenIndexOptions,
): Promise<{ index: VectorIndex; report: RestoreReport }> {
  const persistent = options.persistent ?? true;
  const store = persistent ? await vectorStore(options.dbName) : undefined;
  const engine = options.engine ?? 'binary-rescore';
  const common = { space: options.space, dim: options.dim, store, chunkSize: options.chunkSize };
  let index: VectorIndex;
  if (engine === 'exact') index = new ExactIndex(common);
  else if (engine === 'voy') {
    // Loaded on demand: voy's WebAssembly is only fetched by those who ask for it.
    const { VoyIndex } = await import('./voy-index.ts');
    index = new VoyIndex(common);
  } else {
    let file: VectorFile | undefined;
    if (persistent && opfsSyncAvailable()) {
      file = await openOpfsVectorFile(`${options.dbName ?? 'trove-vectors'}-${options.space}`, options.dim);
    }
    index = new BinaryRescoreIndex({
      ...common,
      candidates: options.candidates,
      rerank: options.rerank,
      file,
    });
  }
  const report = persistent ? await index.restore() : { count: 0, rebuilt: false, millis: 0 };
  return { index, report };
}
