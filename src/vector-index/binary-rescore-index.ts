// The default engine. Three layers, each sized for a million 512-d vectors in one browser tab:
//   memory  sign codes of the rotated vectors (64 B each) in WebAssembly memory, ids, id → slot table
//   OPFS    an int8 copy of every vector (512 B each), read by slot for rescoring
//   IDB     the store of record: int8 vectors + ids in chunks, plus the codes so a restore reads 68 B a
//           vector instead of 580 (binary-rescore-persistence.ts)
// A search scans every code (Hamming distance, WebAssembly popcount) and keeps the `candidates` nearest;
// scores those against the float query through their codes (no I/O) and keeps the `rerank` best; reads
// those vectors from the OPFS copy and ranks them by their cosine. Codes are computed from the int8
// vector, not the float input, so a rebuild from the store of record gives back the same codes.
//
// Every method that changes the index runs synchronously from start to end, so a search (which is
// queued behind it in the worker) sees the index before or after a whole add/remove, never in between.
import { MAX_CANDIDATES, PREFIX_BYTES } from './hamming-kernel.ts';
import { cosineInt8, quantizeInt8 } from './int8.ts';
import { RescorePersistence } from './binary-rescore-persistence.ts';
import { DEFAULT_SEED, RescoreSlots } from './binary-rescore-slots.ts';
import { CodeScorer } from './sign-codes.ts';
import type {
  IndexStats,
  PersistReport,
  RestoreReport,
  SearchFilter,
  SearchHit,
  VectorIndex,
} from './types.ts';
import { MemoryVectorFile, type VectorFile } from './vector-file.ts';
import type { VectorStore } from './vector-store.ts';
import { answered, checkBatch, checkQuery, unitRow, TopK } from './vectors.ts';

export interface BinaryRescoreOptions {
  dim: number;
  /** Name of the embedding space; the key of its stored chunks. */
  space?: string;
  /** At scale, how many codes nearest over their first 128 bits are ranked by full code (default 16384). */
  prefilter?: number;
  /** How many codes nearest in Hamming distance go on to the second pass (default 2048). */
  candidates?: number;
  /** How many of those, best by their code's estimate, are rescored exactly from the vectors (default 512). */
  rerank?: number;
  /** Slots per stored chunk (default 4096). */
  chunkSize?: number;
  seed?: number;
  /** Where the int8 copy lives; in-memory when omitted. */
  file?: VectorFile;
  /** Where the index is persisted; persist/restore throw when omitted. */
  store?: VectorStore;
  /** Called with the restore message when a damaged stored index is rebuilt. */
  onMessage?: (message: string) => void;
}

export class BinaryRescoreIndex implements VectorIndex {
  readonly engine = 'binary-rescore';
  readonly dim: number;
  readonly space: string;
  private rerankCount: number;
  private candidateCount: number;
  private readonly prefilterCount: number;
  /** Where the last search spent its time, for the benchmark. */
  lastTimings = { hammingMs: 0, codeScoringMs: 0, rescoreMs: 0 };
  /** The slots: ids, codes, factors and the int8 copy, shared with the persistence. */
  private readonly s: RescoreSlots;
  private readonly persistence: RescorePersistence;
  private readonly unit: Float32Array<ArrayBuffer>;
  private readonly row: Int8Array;

  constructor(options: BinaryRescoreOptions) {
    this.dim = options.dim;
    if (!Number.isInteger(this.dim) || this.dim < 1 || this.dim > 4096)
      throw new RangeError(`bad dim ${this.dim}`);
    this.space = options.space ?? 'default';
    this.rerankCount = Math.min(options.rerank ?? 512, MAX_CANDIDATES);
    this.candidateCount = Math.min(options.candidates ?? 2048, MAX_CANDIDATES);
    this.prefilterCount = Math.min(options.prefilter ?? 16384, MAX_CANDIDATES);
    const file = options.file ?? new MemoryVectorFile(this.dim);
    if (file.dim !== this.dim) throw new RangeError('vector file dim differs from index dim');
    this.s = new RescoreSlots(this.dim, options.chunkSize ?? 4096, options.seed ?? DEFAULT_SEED, file);
    this.persistence = new RescorePersistence(this.s, {
      engine: this.engine,
      space: this.space,
      store: options.store,
      onMessage: options.onMessage ?? ((m) => console.warn(`[vector-index] ${m}`)),
    });
    this.unit = new Float32Array(this.dim);
    this.row = new Int8Array(this.dim);
  }

  /** Slots per stored chunk (a restore adopts the stored index's). */
  get chunkSize(): number {
    return this.s.chunkSize;
  }

  /** First-pass candidates rescored exactly: more is slower and closer to exact. */
  get rerank(): number {
    return this.rerankCount;
  }

  set rerank(count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`bad rerank ${count}`);
    this.rerankCount = Math.min(count, MAX_CANDIDATES);
  }

  get candidates(): number {
    return this.candidateCount;
  }

  set candidates(count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`bad candidates ${count}`);
    this.candidateCount = Math.min(count, MAX_CANDIDATES);
  }

  add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
    return answered(() => this.addNow(ids, vectors));
  }

  /** The synchronous body of add (see the note on consistency at the top). */
  addNow(ids: ArrayLike<number>, vectors: Float32Array): void {
    checkBatch(ids, vectors, this.dim);
    const n = ids.length;
    const appended = new Int8Array(n * this.dim);
    const firstNew = this.s.count;
    let appendedCount = 0;
    const batchSlot = new Map<number, number>();
    this.s.markFileDirty();
    for (let r = 0; r < n; r++) {
      const id = ids[r]!;
      unitRow(vectors, r, this.dim, this.unit);
      let slot = this.s.slots.get(id) ?? batchSlot.get(id);
      if (slot === undefined) {
        slot = firstNew + appendedCount++;
        batchSlot.set(id, slot);
        quantizeInt8(this.unit, 0, this.dim, appended, (slot - firstNew) * this.dim);
        this.s.placeId(id, slot);
        this.s.encodeSlot(slot, appended, (slot - firstNew) * this.dim);
      } else if (slot >= firstNew) {
        // The same id twice in one batch: the later vector wins.
        quantizeInt8(this.unit, 0, this.dim, appended, (slot - firstNew) * this.dim);
        this.s.encodeSlot(slot, appended, (slot - firstNew) * this.dim);
      } else {
        quantizeInt8(this.unit, 0, this.dim, this.row, 0);
        this.s.file.write(slot, this.row);
        this.s.encodeSlot(slot, this.row, 0);
        this.s.dirty.add(this.s.chunkOf(slot));
      }
    }
    if (appendedCount > 0) {
      this.s.file.write(firstNew, appended.subarray(0, appendedCount * this.dim));
      this.s.count = firstNew + appendedCount;
      for (let c = this.s.chunkOf(firstNew); c * this.s.chunkSize < this.s.count; c++) this.s.dirty.add(c);
    }
  }

  remove(ids: ArrayLike<number>): Promise<number> {
    return answered(() => this.removeNow(ids));
  }

  /** Swap-remove: the last vector moves into the freed slot, so slots stay dense. */
  removeNow(ids: ArrayLike<number>): number {
    let removed = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const slot = this.s.slots.get(id);
      if (slot === undefined) continue;
      if (removed === 0) this.s.markFileDirty();
      const last = this.s.count - 1;
      if (slot !== last) {
        this.s.file.read(last, this.row);
        this.s.file.write(slot, this.row);
        this.s.kernel.copyCode(last, slot);
        this.s.factors[slot] = this.s.factors[last]!;
        const moved = this.s.idOf[last]!;
        this.s.idOf[slot] = moved;
        this.s.slots.set(moved, slot);
      }
      this.s.slots.delete(id);
      this.s.count = last;
      this.s.dirty.add(this.s.chunkOf(slot));
      this.s.dirty.add(this.s.chunkOf(last));
      removed++;
    }
    return removed;
  }

  search(query: Float32Array, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    return answered(() => this.searchNow(query, k, filter));
  }

  searchNow(query: Float32Array, k: number, filter?: SearchFilter): SearchHit[] {
    checkQuery(query, this.dim, k);
    if (this.s.count === 0 || k === 0) return [];
    const q = unitRow(query, 0, this.dim, new Float32Array(this.dim));
    const exclude = filter?.exclude ? new Set(Array.from(filter.exclude)) : undefined;
    if (filter?.include && filter.include.length <= Math.max(this.rerankCount, k)) {
      return this.scoreSlots(q, k, this.slotsOf(filter.include, exclude));
    }
    const started = performance.now();
    const rotated = this.s.encoder.encode(q, 0, this.s.kernel.queryWords(), 0).slice();
    const bits = this.s.encoder.bits;
    const rerank = Math.max(this.rerankCount, k);
    const candidates = Math.max(this.candidateCount, rerank);
    // At scale, a 128-bit prefix scan shortlists, and full codes rank only the shortlist.
    const viaPrefix =
      this.s.kernel.hasPrefix && this.s.count >= 16 * Math.max(this.prefilterCount, candidates);
    const firstBits = viaPrefix ? PREFIX_BYTES * 8 : bits;
    const dist = viaPrefix ? this.s.kernel.scanPrefix(this.s.count) : this.s.kernel.scan(this.s.count);
    const drop = (slot: number) => (dist[slot] = firstBits + 1);
    if (filter?.include) {
      const keep = new Uint8Array(this.s.count);
      for (const slot of this.slotsOf(filter.include, exclude)) keep[slot] = 1;
      for (let slot = 0; slot < this.s.count; slot++) if (!keep[slot]) drop(slot);
    } else if (exclude) {
      for (const slot of this.slotsOf([...exclude])) drop(slot);
    }
    let nearest = viaPrefix
      ? this.s.kernel.nearestOf(
          this.s.kernel.nearest(this.s.count, Math.max(this.prefilterCount, candidates), firstBits),
          candidates,
        )
      : this.s.kernel.nearest(this.s.count, candidates, bits);
    const scanned = performance.now();
    if (nearest.length > rerank) nearest = this.bestByCode(rotated, nearest, rerank);
    const estimated = performance.now();
    const hits = this.scoreSlots(q, k, nearest);
    const done = performance.now();
    this.lastTimings = {
      hammingMs: scanned - started,
      codeScoringMs: estimated - scanned,
      rescoreMs: done - estimated,
    };
    return hits;
  }

  size(): Promise<number> {
    return Promise.resolve(this.s.count);
  }

  stats(): Promise<IndexStats> {
    return answered(() => ({
      engine: this.engine,
      dim: this.dim,
      count: this.s.count,
      residentBytes:
        this.s.kernel.byteLength +
        this.s.idOf.byteLength +
        this.s.factors.byteLength +
        this.s.slots.byteLength +
        this.s.file.residentBytes,
      persistedBytes: this.persistence.persistedBytes,
      vectorCopy: this.s.file.kind,
    }));
  }

  persist(): Promise<PersistReport> {
    return this.persistence.persist();
  }

  restore(): Promise<RestoreReport> {
    return this.persistence.restore();
  }

  clear(): Promise<void> {
    return this.persistence.clear();
  }

  close(): Promise<void> {
    return answered(() => this.s.file.close());
  }

  // ——— internals ———

  /** The `keep` slots whose codes score best against the rotated query. */
  private bestByCode(rotated: Float32Array, slots: Uint32Array, keep: number): Uint32Array {
    const scorer = new CodeScorer(rotated, this.s.encoder.codeBytes);
    const codes = this.s.kernel.codeBytesOf(0, this.s.count);
    const cb = this.s.encoder.codeBytes;
    const estimates = new Float32Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      estimates[i] = scorer.score(codes, slot * cb, cb) * this.s.factors[slot]!;
    }
    const order = Uint32Array.from(slots.keys()).sort((a, b) => estimates[b]! - estimates[a]!);
    return Uint32Array.from(order.subarray(0, keep), (i) => slots[i]!);
  }

  private slotsOf(ids: ArrayLike<number>, exclude?: Set<number>): number[] {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (exclude?.has(id)) continue;
      const slot = this.s.slots.get(id);
      if (slot !== undefined) out.push(slot);
    }
    return out;
  }

  private scoreSlots(q: Float32Array, k: number, slots: ArrayLike<number>): SearchHit[] {
    const ordered = Uint32Array.from(slots).sort(); // file order: neighbouring reads
    const top = new TopK(k);
    const memory = this.s.file instanceof MemoryVectorFile ? this.s.file : undefined;
    for (const slot of ordered) {
      let score: number;
      if (memory) score = cosineInt8(q, memory.view(slot), 0, this.dim);
      else {
        this.s.file.read(slot, this.row);
        score = cosineInt8(q, this.row, 0, this.dim);
      }
      top.offer(this.s.idOf[slot]!, score);
    }
    return top.hits();
  }
}
