// voy-search (the user's named choice) behind the same interface, so the benchmark can compare it.
// voy returns neither scores nor distances, so this wrapper keeps its own float copy of every vector to
// give real cosine scores, removes an id before re-adding it (voy would return it twice), and passes
// `number[]` (voy rejects Float32Array). Measured limits are in docs/design-notes.md and bench/RESULTS.md.
import { Voy } from 'voy-search';
import * as voyWasm from 'voy-search/voy_search_bg.wasm';
import { checksum32 } from './checksum.ts';
import type {
  IndexStats,
  PersistReport,
  RestoreReport,
  SearchFilter,
  SearchHit,
  VectorIndex,
} from './types.ts';
import type { VectorStore } from './vector-store.ts';
import { answered, checkBatch, checkQuery, filterPredicate, TopK, unitRow } from './vectors.ts';

export interface VoyOptions {
  dim: number;
  space?: string;
  store?: VectorStore;
}

interface VoyEntry {
  id: string;
  title: string;
  url: string;
  embeddings: number[];
}

export class VoyIndex implements VectorIndex {
  readonly engine = 'voy';
  readonly dim: number;
  private readonly space: string;
  private readonly store?: VectorStore;
  private voy = new Voy();
  private vectors = new Map<number, Float32Array>();
  private persistedBytes = 0;
  private generation = 0;

  constructor(options: VoyOptions) {
    this.dim = options.dim;
    this.space = options.space ?? 'default';
    this.store = options.store;
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
    return answered(() => this.addNow(ids, vectors));
  }

  private addNow(ids: ArrayLike<number>, vectors: Float32Array): void {
    checkBatch(ids, vectors, this.dim);
    const replaced: VoyEntry[] = [];
    const added: VoyEntry[] = [];
    for (let r = 0; r < ids.length; r++) {
      const id = ids[r]!;
      const unit = unitRow(vectors, r, this.dim);
      const old = this.vectors.get(id);
      if (old) replaced.push(entry(id, old));
      this.vectors.set(id, unit);
    }
    if (replaced.length) this.voy.remove({ embeddings: replaced });
    const seen = new Set<number>();
    for (let r = ids.length - 1; r >= 0; r--) {
      const id = ids[r]!;
      if (seen.has(id)) continue;
      seen.add(id);
      added.push(entry(id, this.vectors.get(id)!));
    }
    this.voy.add({ embeddings: added.reverse() });
  }

  remove(ids: ArrayLike<number>): Promise<number> {
    return answered(() => this.removeNow(ids));
  }

  private removeNow(ids: ArrayLike<number>): number {
    const gone: VoyEntry[] = [];
    for (let i = 0; i < ids.length; i++) {
      const v = this.vectors.get(ids[i]!);
      if (!v) continue;
      gone.push(entry(ids[i]!, v));
      this.vectors.delete(ids[i]!);
    }
    if (gone.length) this.voy.remove({ embeddings: gone });
    return gone.length;
  }

  search(query: Float32Array, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    return answered(() => this.searchNow(query, k, filter));
  }

  private searchNow(query: Float32Array, k: number, filter?: SearchFilter): SearchHit[] {
    checkQuery(query, this.dim, k);
    if (k === 0 || this.vectors.size === 0) return [];
    const q = unitRow(query, 0, this.dim);
    const allowed = filterPredicate(filter);
    // voy cannot filter; ask for more and filter here (a selective filter can still come up short).
    const want = Math.min(this.vectors.size, allowed ? k * 8 : k);
    const top = new TopK(k);
    for (const n of this.voy.search(q, want).neighbors) {
      const id = Number(n.id);
      const v = this.vectors.get(id);
      if (!v || (allowed && !allowed(id))) continue;
      let dot = 0;
      for (let i = 0; i < this.dim; i++) dot += q[i]! * v[i]!;
      top.offer(id, dot);
    }
    return top.hits();
  }

  size(): Promise<number> {
    return Promise.resolve(this.vectors.size);
  }

  stats(): Promise<IndexStats> {
    return answered(() => this.statsNow());
  }

  private statsNow(): IndexStats {
    const voyMemory = (voyWasm as unknown as { memory: WebAssembly.Memory }).memory.buffer.byteLength;
    return {
      engine: this.engine,
      dim: this.dim,
      count: this.vectors.size,
      residentBytes: voyMemory + this.vectors.size * (this.dim * 4 + 64),
      persistedBytes: this.persistedBytes,
    };
  }

  /** voy's serialize() (its JSON) plus the float copy for scores, in one record each. */
  async persist(): Promise<PersistReport> {
    const store = this.requireStore();
    const started = performance.now();
    const text = this.voy.serialize();
    const ids = Uint32Array.from(this.vectors.keys());
    const data = new Float32Array(ids.length * this.dim);
    ids.forEach((id, i) => data.set(this.vectors.get(id)!, i * this.dim));
    const generation = ++this.generation;
    this.persistedBytes = text.length + data.byteLength + ids.byteLength;
    const empty = new ArrayBuffer(0);
    await store.write(
      this.space,
      [
        {
          kind: 'voy',
          no: 0,
          record: { n: ids.length, generation, ids: empty, data: empty, checksum: 0, text },
        },
        {
          kind: 'f32',
          no: 0,
          record: {
            n: ids.length,
            generation,
            ids: ids.buffer,
            data: data.buffer,
            checksum: checksum32(ids, data),
          },
        },
      ],
      undefined,
      {
        space: this.space,
        engine: this.engine,
        format: 1,
        dim: this.dim,
        count: ids.length,
        chunkSize: ids.length,
        generation,
        params: {},
        persistedBytes: this.persistedBytes,
      },
    );
    return { chunksWritten: 2, persistedBytes: this.persistedBytes, millis: performance.now() - started };
  }

  async restore(): Promise<RestoreReport> {
    const store = this.requireStore();
    const started = performance.now();
    this.voy.free();
    this.voy = new Voy();
    this.vectors.clear();
    const manifest = await store.manifest(this.space);
    if (!manifest) return { count: 0, rebuilt: false, millis: performance.now() - started };
    const [voyRecord] = await store.allChunks(this.space, 'voy');
    const [f32] = await store.allChunks(this.space, 'f32');
    if (!f32) throw new Error('stored voy index has no vectors');
    const ids = new Uint32Array(f32.record.ids);
    const data = new Float32Array(f32.record.data);
    ids.forEach((id, i) => this.vectors.set(id, data.slice(i * this.dim, (i + 1) * this.dim)));
    let rebuilt = false;
    try {
      if (!voyRecord?.record.text) throw new Error('missing');
      this.voy.free();
      this.voy = Voy.deserialize(voyRecord.record.text);
    } catch {
      rebuilt = true;
      this.voy = new Voy({ embeddings: ids.length ? [...this.vectors].map(([id, v]) => entry(id, v)) : [] });
    }
    this.persistedBytes = manifest.persistedBytes;
    this.generation = manifest.generation;
    const message = rebuilt
      ? 'the stored voy index was unreadable and was rebuilt from the stored vectors'
      : undefined;
    return { count: this.vectors.size, rebuilt, message, millis: performance.now() - started };
  }

  async clear(): Promise<void> {
    this.voy.clear();
    this.vectors.clear();
    if (this.store) await this.store.clearSpace(this.space);
  }

  close(): Promise<void> {
    return answered(() => {
      this.voy.free();
      this.vectors.clear();
    });
  }

  private requireStore(): VectorStore {
    if (!this.store) throw new Error('this index was created without storage');
    return this.store;
  }
}

function entry(id: number, v: Float32Array): VoyEntry {
  return { id: String(id), title: '', url: '', embeddings: Array.from(v) };
}
