// The UI side of the vector index: one worker per page, and a VectorIndex per embedding space that
// forwards to it. Vectors are copied to the worker (structured clone), never shared.
import * as Comlink from 'comlink';
import type { VectorIndexWorkerApi } from '../../workers/vector-index.worker.ts';
import type { OpenIndexOptions } from './create-index.ts';
import type {
  IndexStats,
  PersistReport,
  RestoreReport,
  SearchFilter,
  SearchHit,
  VectorIndex,
} from './types.ts';

export interface VectorIndexWorker {
  api: Comlink.Remote<VectorIndexWorkerApi>;
  /** Ends the worker at once, as closing the tab would; its OPFS handles are released. */
  terminate(): void;
}

let shared: VectorIndexWorker | undefined;

/** The page's vector index worker, started on first use. */
export function vectorIndexWorker(): VectorIndexWorker {
  shared ??= spawnVectorIndexWorker();
  return shared;
}

/** A worker of its own (tests and benchmarks use this to simulate a reload). */
export function spawnVectorIndexWorker(): VectorIndexWorker {
  const worker = new Worker(new URL('../../workers/vector-index.worker.ts', import.meta.url), {
    type: 'module',
    name: 'vector-index',
  });
  const api = Comlink.wrap<VectorIndexWorkerApi>(worker);
  let ended = false;
  return {
    api,
    terminate() {
      if (ended) return;
      ended = true;
      api[Comlink.releaseProxy]();
      worker.terminate();
      if (shared?.api === api) shared = undefined;
    },
  };
}

/** Opens the index of one embedding space in the worker, restoring what was persisted. */
export async function openVectorIndex(
  options: OpenIndexOptions,
  worker: VectorIndexWorker = vectorIndexWorker(),
): Promise<{ index: VectorIndex; report: RestoreReport }> {
  const opened = await worker.api.open(options);
  return {
    index: new RemoteVectorIndex(worker.api, options.space, opened.engine, opened.dim),
    report: opened,
  };
}

class RemoteVectorIndex implements VectorIndex {
  constructor(
    private readonly worker: Comlink.Remote<VectorIndexWorkerApi>,
    readonly space: string,
    readonly engine: string,
    readonly dim: number,
  ) {}

  add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
    return this.worker.add(this.space, Uint32Array.from(ids), vectors);
  }
  remove(ids: ArrayLike<number>): Promise<number> {
    return this.worker.remove(this.space, Uint32Array.from(ids));
  }
  search(query: Float32Array, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    const plain = filter && {
      include: filter.include && Uint32Array.from(filter.include),
      exclude: filter.exclude && Uint32Array.from(filter.exclude),
    };
    return this.worker.search(this.space, query, k, plain);
  }
  size(): Promise<number> {
    return this.worker.size(this.space);
  }
  persist(): Promise<PersistReport> {
    return this.worker.persist(this.space);
  }
  restore(): Promise<RestoreReport> {
    return this.worker.restore(this.space);
  }
  clear(): Promise<void> {
    return this.worker.clear(this.space);
  }
  stats(): Promise<IndexStats> {
    return this.worker.stats(this.space);
  }
  close(): Promise<void> {
    return this.worker.close(this.space);
  }
}
