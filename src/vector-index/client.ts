// The UI side of the vector index: one worker per page, and a VectorIndex per embedding space that
// forwards to it. Vectors are copied to the worker (structured clone), never shared.
import * as Comlink from 'comlink';
import type { VectorIndexWorkerApi } from '../../workers/vector-index.worker.ts';
import type { OpenIndexOptions } from './create-index.ts';
import type { IndexStats, PersistReport, RestoreReport, SearchFilter, SearchHit, VectorIndex } from './types.ts';

let shared: Comlink.Remote<VectorIndexWorkerApi> | undefined;

export function vectorIndexWorker(): Comlink.Remote<VectorIndexWorkerApi> {
  shared ??= spawnVectorIndexWorker();
  return shared;
}

/** A worker of its own (tests and benchmarks use this to simulate a page reload). */
export function spawnVectorIndexWorker(): Comlink.Remote<VectorIndexWorkerApi> {
  const worker = new Worker(new URL('../../workers/vector-index.worker.ts', import.meta.url), {
    type: 'module',
    name: 'vector-index',
  });
  return Comlink.wrap<VectorIndexWorkerApi>(worker);
}

export async function openVectorIndex(
  options: OpenIndexOptions,
  worker = vectorIndexWorker(),
): Promise<{ index: VectorIndex; report: RestoreReport }> {
  const opened = await worker.open(options);
  return { index: new RemoteVectorIndex(worker, options.space, opened.engine, opened.dim), report: opened };
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
