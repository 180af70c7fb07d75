// The reference engine: unit-length float32 rows in one growing array, scanned in full for every
// search. Exact by construction (the tests' oracle and the benchmark's ground truth), 2 KB a 512-d
// vector in memory and on disk, and a scan that grows linearly with the collection.
import { checksum32 } from './checksum.ts';
import { IdSlots } from './id-slots.ts';
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

export interface ExactOptions {
  dim: number;
  space?: string;
  store?: VectorStore;
  chunkSize?: number;
}

export class ExactIndex implements VectorIndex {
  readonly engine = 'exact';
  readonly dim: number;
  private readonly space: string;
  private readonly store?: VectorStore;
  private readonly chunkSize: number;
  private rows = new Float32Array(0);
  private idOf = new Uint32Array(0);
  private slots = new IdSlots();
  private count = 0;
  private dirty = new Set<number>();
  private generation = 0;
  private persistedBytes = 0;

  constructor(options: ExactOptions) {
    this.dim = options.dim;
    this.space = options.space ?? 'default';
    this.store = options.store;
    this.chunkSize = options.chunkSize ?? 4096;
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
    return answered(() => this.addNow(ids, vectors));
  }

  private addNow(ids: ArrayLike<number>, vectors: Float32Array): void {
    checkBatch(ids, vectors, this.dim);
    const unit = new Float32Array(this.dim);
    for (let r = 0; r < ids.length; r++) {
      unitRow(vectors, r, this.dim, unit);
      let slot = this.slots.get(ids[r]!);
      if (slot === undefined) {
        slot = this.count++;
        this.grow(this.count);
        this.idOf[slot] = ids[r]!;
        this.slots.set(ids[r]!, slot);
      }
      this.rows.set(unit, slot * this.dim);
      this.dirty.add(Math.floor(slot / this.chunkSize));
    }
  }

  remove(ids: ArrayLike<number>): Promise<number> {
    return answered(() => this.removeNow(ids));
  }

  private removeNow(ids: ArrayLike<number>): number {
    let removed = 0;
    for (let i = 0; i < ids.length; i++) {
      const slot = this.slots.get(ids[i]!);
      if (slot === undefined) continue;
      const last = --this.count;
      if (slot !== last) {
        this.rows.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
        this.idOf[slot] = this.idOf[last]!;
        this.slots.set(this.idOf[slot]!, slot);
      }
      this.slots.delete(ids[i]!);
      this.dirty.add(Math.floor(slot / this.chunkSize)).add(Math.floor(last / this.chunkSize));
      removed++;
    }
    return removed;
  }

  search(query: Float32Array, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    return answered(() => this.searchNow(query, k, filter));
  }

  private searchNow(query: Float32Array, k: number, filter?: SearchFilter): SearchHit[] {
    checkQuery(query, this.dim, k);
    const q = unitRow(query, 0, this.dim, new Float32Array(this.dim));
    const allowed = filterPredicate(filter);
    const top = new TopK(k);
    const { rows, dim } = this;
    for (let s = 0; s < this.count; s++) {
      let dot = 0;
      for (let i = 0, o = s * dim; i < dim; i++) dot += q[i]! * rows[o + i]!;
      if (dot > top.worst && (!allowed || allowed(this.idOf[s]!))) top.offer(this.idOf[s]!, dot);
    }
    return top.hits();
  }

  size(): Promise<number> {
    return Promise.resolve(this.count);
  }

  stats(): Promise<IndexStats> {
    return Promise.resolve({
      engine: this.engine,
      dim: this.dim,
      count: this.count,
      residentBytes: this.rows.byteLength + this.idOf.byteLength + this.slots.byteLength,
      persistedBytes: this.persistedBytes,
    });
  }

  async persist(): Promise<PersistReport> {
    const store = this.requireStore();
    const started = performance.now();
    const chunkCount = Math.ceil(this.count / this.chunkSize);
    const dirty = [...this.dirty].filter((c) => c < chunkCount).sort((a, b) => a - b);
    const generation = ++this.generation;
    this.persistedBytes = this.count * (4 + 4 * this.dim) + chunkCount * 32;
    for (let i = 0; i === 0 || i < dirty.length; i += 8) {
      const puts = dirty.slice(i, i + 8).map((no) => {
        const first = no * this.chunkSize;
        const n = Math.min(this.chunkSize, this.count - first);
        const ids = this.idOf.slice(first, first + n);
        const data = this.rows.slice(first * this.dim, (first + n) * this.dim);
        const record = { n, generation, ids: ids.buffer, data: data.buffer, checksum: checksum32(ids, data) };
        return { kind: 'f32' as const, no, record };
      });
      const last = i + 8 >= dirty.length;
      await store.write(
        this.space,
        puts,
        last ? { kinds: ['f32'], no: chunkCount } : undefined,
        last
          ? {
              space: this.space,
              engine: this.engine,
              format: 1,
              dim: this.dim,
              count: this.count,
              chunkSize: this.chunkSize,
              generation,
              params: {},
              persistedBytes: this.persistedBytes,
            }
          : undefined,
      );
    }
    this.dirty.clear();
    return {
      chunksWritten: dirty.length,
      persistedBytes: this.persistedBytes,
      millis: performance.now() - started,
    };
  }

  async restore(): Promise<RestoreReport> {
    const store = this.requireStore();
    const started = performance.now();
    const manifest = await store.manifest(this.space);
    this.count = 0;
    this.slots = new IdSlots(manifest?.count);
    if (!manifest) return { count: 0, rebuilt: false, millis: performance.now() - started };
    if (manifest.engine !== this.engine || manifest.dim !== this.dim) {
      throw new Error(`stored index of space "${this.space}" is ${manifest.engine}/${manifest.dim}-d`);
    }
    this.grow(manifest.count);
    let lost = 0;
    await store.eachChunk(this.space, 'f32', (no, record) => {
      const ids = new Uint32Array(record.ids);
      const data = new Float32Array(record.data);
      if (no * this.chunkSize >= manifest.count || checksum32(ids, data) !== record.checksum) {
        lost += ids.length;
        return;
      }
      for (let i = 0; i < ids.length; i++) {
        if (this.slots.get(ids[i]!) !== undefined) continue;
        this.rows.set(data.subarray(i * this.dim, (i + 1) * this.dim), this.count * this.dim);
        this.idOf[this.count] = ids[i]!;
        this.slots.set(ids[i]!, this.count++);
      }
    });
    this.generation = manifest.generation;
    this.persistedBytes = manifest.persistedBytes;
    const message = lost ? `${lost} stored vectors were damaged and dropped` : undefined;
    return { count: this.count, rebuilt: lost > 0, message, millis: performance.now() - started };
  }

  async clear(): Promise<void> {
    this.count = 0;
    this.slots = new IdSlots();
    this.dirty.clear();
    if (this.store) await this.store.clearSpace(this.space);
  }

  close(): Promise<void> {
    this.rows = new Float32Array(0);
    return Promise.resolve();
  }

  private grow(slots: number): void {
    if (slots * this.dim <= this.rows.length) return;
    const capacity = Math.max(slots, Math.ceil((this.rows.length / this.dim) * 1.25), 256);
    const rows = new Float32Array(capacity * this.dim);
    rows.set(this.rows);
    this.rows = rows;
    const ids = new Uint32Array(capacity);
    ids.set(this.idOf);
    this.idOf = ids;
  }

  private requireStore(): VectorStore {
    if (!this.store) throw new Error('this index was created without storage');
    return this.store;
  }
}
