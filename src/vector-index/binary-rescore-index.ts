// The default engine. Three layers, each sized for a million 512-d vectors in one browser tab:
//   memory  sign codes of the rotated vectors (64 B each) in WebAssembly memory, ids, id → slot table
//   OPFS    an int8 copy of every vector (512 B each), read by slot for rescoring
//   IDB     the store of record: int8 vectors + ids in chunks ('vec'), plus the codes ('idx') so a
//           restore reads 68 B a vector instead of 580
// A search scans every code (Hamming distance, WebAssembly popcount) and keeps the `candidates` nearest;
// scores those against the float query through their codes (no I/O) and keeps the `rerank` best; reads
// those vectors from the OPFS copy and ranks them by their cosine. Codes are computed from the int8
// vector, not the float input, so a rebuild from the store of record gives back the same codes.
//
// Every method that changes the index runs synchronously from start to end, so a search (which is
// queued behind it in the worker) sees the index before or after a whole add/remove, never in between.
import { checksum32 } from './checksum.ts';
import { HammingKernel, MAX_CANDIDATES, PREFIX_BYTES } from './hamming-kernel.ts';
import { IdSlots } from './id-slots.ts';
import { cosineInt8, quantizeInt8 } from './int8.ts';
import { CodeScorer, SignEncoder } from './sign-codes.ts';
import type {
  IndexStats,
  PersistReport,
  RestoreReport,
  SearchFilter,
  SearchHit,
  VectorIndex,
} from './types.ts';
import { MemoryVectorFile, type VectorFile } from './vector-file.ts';
import type { ChunkRecord, ChunkWrite, Manifest, VectorStore } from './vector-store.ts';
import { checkBatch, checkQuery, unitRow, TopK } from './vectors.ts';

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

const DEFAULT_SEED = 0x7201e;
const PUT_BATCH = 8; // chunks per IndexedDB transaction while persisting (~19 MB at 512-d)

export class BinaryRescoreIndex implements VectorIndex {
  readonly engine = 'binary-rescore';
  readonly dim: number;
  readonly space: string;
  private rerankCount: number;
  private candidateCount: number;
  private readonly prefilterCount: number;
  /** Where the last search spent its time, for the benchmark. */
  lastTimings = { hammingMs: 0, codeScoringMs: 0, rescoreMs: 0 };
  private factors = new Float32Array(1024); // SignEncoder.correction of each slot
  readonly chunkSize: number;
  private encoder: SignEncoder;
  private kernel: HammingKernel;
  private slots: IdSlots;
  private idOf: Uint32Array;
  private count = 0;
  private readonly file: VectorFile;
  private readonly store?: VectorStore;
  private readonly onMessage: (message: string) => void;
  private dirty = new Set<number>();
  private generation = 0;
  private persistedBytes = 0;
  private everPersisted = false;
  private readonly unit: Float32Array<ArrayBuffer>;
  private readonly row: Int8Array;
  private readonly rowFloat: Float32Array;
  private codeWords: Uint32Array | undefined; // cached view; refreshed when the kernel memory grows

  constructor(options: BinaryRescoreOptions) {
    this.dim = options.dim;
    if (!Number.isInteger(this.dim) || this.dim < 1 || this.dim > 4096)
      throw new RangeError(`bad dim ${this.dim}`);
    this.space = options.space ?? 'default';
    this.rerankCount = Math.min(options.rerank ?? 512, MAX_CANDIDATES);
    this.candidateCount = Math.min(options.candidates ?? 2048, MAX_CANDIDATES);
    this.prefilterCount = Math.min(options.prefilter ?? 16384, MAX_CANDIDATES);
    this.chunkSize = options.chunkSize ?? 4096;
    this.encoder = new SignEncoder(this.dim, options.seed ?? DEFAULT_SEED);
    this.kernel = new HammingKernel(this.encoder.codeBytes);
    this.slots = new IdSlots();
    this.idOf = new Uint32Array(1024);
    this.file = options.file ?? new MemoryVectorFile(this.dim);
    if (this.file.dim !== this.dim) throw new RangeError('vector file dim differs from index dim');
    this.store = options.store;
    this.onMessage = options.onMessage ?? ((m) => console.warn(`[vector-index] ${m}`));
    this.unit = new Float32Array(this.dim);
    this.row = new Int8Array(this.dim);
    this.rowFloat = new Float32Array(this.dim);
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

  async add(ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
    this.addNow(ids, vectors);
  }

  /** The synchronous body of add (see the note on consistency at the top). */
  addNow(ids: ArrayLike<number>, vectors: Float32Array): void {
    checkBatch(ids, vectors, this.dim);
    const n = ids.length;
    const appended = new Int8Array(n * this.dim);
    const firstNew = this.count;
    let appendedCount = 0;
    const batchSlot = new Map<number, number>();
    this.markFileDirty();
    for (let r = 0; r < n; r++) {
      const id = ids[r]!;
      unitRow(vectors, r, this.dim, this.unit);
      let slot = this.slots.get(id) ?? batchSlot.get(id);
      if (slot === undefined) {
        slot = firstNew + appendedCount++;
        batchSlot.set(id, slot);
        quantizeInt8(this.unit, 0, this.dim, appended, (slot - firstNew) * this.dim);
        this.placeId(id, slot);
        this.encodeSlot(slot, appended, (slot - firstNew) * this.dim);
      } else if (slot >= firstNew) {
        // The same id twice in one batch: the later vector wins.
        quantizeInt8(this.unit, 0, this.dim, appended, (slot - firstNew) * this.dim);
        this.encodeSlot(slot, appended, (slot - firstNew) * this.dim);
      } else {
        quantizeInt8(this.unit, 0, this.dim, this.row, 0);
        this.file.write(slot, this.row);
        this.encodeSlot(slot, this.row, 0);
        this.dirty.add(Math.floor(slot / this.chunkSize));
      }
    }
    if (appendedCount > 0) {
      this.file.write(firstNew, appended.subarray(0, appendedCount * this.dim));
      this.count = firstNew + appendedCount;
      for (let c = Math.floor(firstNew / this.chunkSize); c * this.chunkSize < this.count; c++)
        this.dirty.add(c);
    }
  }

  async remove(ids: ArrayLike<number>): Promise<number> {
    return this.removeNow(ids);
  }

  /** Swap-remove: the last vector moves into the freed slot, so slots stay dense. */
  removeNow(ids: ArrayLike<number>): number {
    let removed = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const slot = this.slots.get(id);
      if (slot === undefined) continue;
      if (removed === 0) this.markFileDirty();
      const last = this.count - 1;
      if (slot !== last) {
        this.file.read(last, this.row);
        this.file.write(slot, this.row);
        this.kernel.copyCode(last, slot);
        this.factors[slot] = this.factors[last]!;
        const moved = this.idOf[last]!;
        this.idOf[slot] = moved;
        this.slots.set(moved, slot);
      }
      this.slots.delete(id);
      this.count = last;
      this.dirty.add(Math.floor(slot / this.chunkSize));
      this.dirty.add(Math.floor(last / this.chunkSize));
      removed++;
    }
    return removed;
  }

  async search(query: Float32Array, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    return this.searchNow(query, k, filter);
  }

  searchNow(query: Float32Array, k: number, filter?: SearchFilter): SearchHit[] {
    checkQuery(query, this.dim, k);
    if (this.count === 0 || k === 0) return [];
    const q = unitRow(query, 0, this.dim, new Float32Array(this.dim));
    const exclude = filter?.exclude ? new Set(Array.from(filter.exclude)) : undefined;
    if (filter?.include && filter.include.length <= Math.max(this.rerankCount, k)) {
      return this.scoreSlots(q, k, this.slotsOf(filter.include, exclude));
    }
    const started = performance.now();
    const rotated = this.encoder.encode(q, 0, this.kernel.queryWords(), 0).slice();
    const bits = this.encoder.bits;
    const rerank = Math.max(this.rerankCount, k);
    const candidates = Math.max(this.candidateCount, rerank);
    // At scale, a 128-bit prefix scan shortlists, and full codes rank only the shortlist.
    const viaPrefix = this.kernel.hasPrefix && this.count >= 16 * Math.max(this.prefilterCount, candidates);
    const firstBits = viaPrefix ? PREFIX_BYTES * 8 : bits;
    const dist = viaPrefix ? this.kernel.scanPrefix(this.count) : this.kernel.scan(this.count);
    const drop = (slot: number) => (dist[slot] = firstBits + 1);
    if (filter?.include) {
      const keep = new Uint8Array(this.count);
      for (const slot of this.slotsOf(filter.include, exclude)) keep[slot] = 1;
      for (let s = 0; s < this.count; s++) if (!keep[s]) drop(s);
    } else if (exclude) {
      for (const slot of this.slotsOf([...exclude])) drop(slot);
    }
    let nearest = viaPrefix
      ? this.kernel.nearestOf(
          this.kernel.nearest(this.count, Math.max(this.prefilterCount, candidates), firstBits),
          candidates,
        )
      : this.kernel.nearest(this.count, candidates, bits);
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

  async size(): Promise<number> {
    return this.count;
  }

  async stats(): Promise<IndexStats> {
    return {
      engine: this.engine,
      dim: this.dim,
      count: this.count,
      residentBytes:
        this.kernel.byteLength +
        this.idOf.byteLength +
        this.factors.byteLength +
        this.slots.byteLength +
        this.file.residentBytes,
      persistedBytes: this.persistedBytes,
      vectorCopy: this.file.kind,
    };
  }

  async persist(): Promise<PersistReport> {
    const store = this.requireStore();
    const started = performance.now();
    const chunkCount = Math.ceil(this.count / this.chunkSize);
    const dirty = [...this.dirty].filter((c) => c < chunkCount).sort((a, b) => a - b);
    if (dirty.length === 0 && this.everPersisted && !this.fileIsDirty()) {
      return { chunksWritten: 0, persistedBytes: this.persistedBytes, millis: performance.now() - started };
    }
    const generation = this.generation + 1;
    this.file.truncate(this.count);
    const bytes = this.storedBytes(chunkCount) + this.file.diskBytes;
    let i = 0;
    do {
      const batch = dirty.slice(i, i + PUT_BATCH);
      const puts: ChunkWrite[] = batch.flatMap((no) => {
        const [vec, idx] = this.chunkRecords(no, generation);
        return [
          { kind: 'vec' as const, no, record: vec },
          { kind: 'idx' as const, no, record: idx },
        ];
      });
      i += PUT_BATCH;
      const last = i >= dirty.length;
      // The manifest goes with the last batch: until it lands, a reload sees the old generation, and
      // chunks newer than their manifest mark a half-written persist.
      await store.write(
        this.space,
        puts,
        last ? { kinds: ['vec', 'idx'], no: chunkCount } : undefined,
        last ? this.manifest(generation, bytes) : undefined,
      );
    } while (i < dirty.length);
    this.file.setHeader({ dim: this.dim, generation, dirty: false });
    this.file.flush();
    this.generation = generation;
    this.persistedBytes = bytes;
    this.everPersisted = true;
    this.dirty.clear();
    return { chunksWritten: dirty.length, persistedBytes: bytes, millis: performance.now() - started };
  }

  async restore(): Promise<RestoreReport> {
    const store = this.requireStore();
    const started = performance.now();
    this.reset();
    const manifest = await store.manifest(this.space);
    const vecChunks = await store.chunkNumbers(this.space, 'vec');
    if (!manifest) {
      if (vecChunks.length === 0) return { count: 0, rebuilt: false, millis: performance.now() - started };
      return this.rebuild('stored vectors have no manifest (a first persist was interrupted)', started);
    }
    if (manifest.engine !== this.engine || manifest.dim !== this.dim) {
      throw new Error(
        `stored index of space "${this.space}" is ${manifest.engine} with ${manifest.dim} dims; ` +
          `this index is ${this.engine} with ${this.dim}. Clear it to start over.`,
      );
    }
    this.adoptParams(manifest);
    const problem = await this.loadIndexChunks(store, manifest);
    if (problem) return this.rebuild(problem, started);
    this.generation = manifest.generation;
    this.persistedBytes = manifest.persistedBytes;
    this.everPersisted = true;
    let message: string | undefined;
    const header = this.file.header();
    if (
      !header ||
      header.dirty ||
      header.generation !== manifest.generation ||
      header.dim !== this.dim ||
      this.file.slots < this.count
    ) {
      const mismatch = await this.rewriteFileFromStore(store);
      if (mismatch) return this.rebuild(mismatch, started);
      message = 'the OPFS copy of the vectors was stale or missing and was rewritten from IndexedDB';
      this.onMessage(message);
    }
    return { count: this.count, rebuilt: false, message, millis: performance.now() - started };
  }

  async clear(): Promise<void> {
    this.reset();
    this.file.truncate(0);
    this.file.setHeader({ dim: this.dim, generation: 0, dirty: false });
    this.generation = 0;
    this.persistedBytes = 0;
    this.everPersisted = false;
    if (this.store) await this.store.clearSpace(this.space);
  }

  async close(): Promise<void> {
    this.file.close();
  }

  // ——— internals ———

  private placeId(id: number, slot: number): void {
    if (slot >= this.idOf.length) {
      const grown = new Uint32Array(Math.max(slot + 1, Math.ceil(this.idOf.length * 1.25)));
      grown.set(this.idOf);
      this.idOf = grown;
    }
    this.idOf[slot] = id;
    this.slots.set(id, slot);
  }

  private encodeSlot(slot: number, int8: Int8Array, start: number): void {
    if (!this.codeWords || (slot + 1) * this.encoder.words32 > this.codeWords.length) {
      this.kernel.ensureCapacity(slot + 1);
      this.codeWords = this.kernel.codeWords();
    }
    for (let i = 0; i < this.dim; i++) this.rowFloat[i] = int8[start + i]!;
    const rotated = this.encoder.encode(this.rowFloat, 0, this.codeWords, slot * this.encoder.words32);
    this.kernel.codesChanged(slot, 1);
    if (slot >= this.factors.length) {
      const grown = new Float32Array(Math.max(slot + 1, Math.ceil(this.factors.length * 1.25)));
      grown.set(this.factors);
      this.factors = grown;
    }
    this.factors[slot] = SignEncoder.correction(rotated);
  }

  /** The `keep` slots whose codes score best against the rotated query. */
  private bestByCode(rotated: Float32Array, slots: Uint32Array, keep: number): Uint32Array {
    const scorer = new CodeScorer(rotated, this.encoder.codeBytes);
    const codes = this.kernel.codeBytesOf(0, this.count);
    const cb = this.encoder.codeBytes;
    const estimates = new Float32Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      estimates[i] = scorer.score(codes, s * cb, cb) * this.factors[s]!;
    }
    const order = Uint32Array.from(slots.keys()).sort((a, b) => estimates[b]! - estimates[a]!);
    return Uint32Array.from(order.subarray(0, keep), (i) => slots[i]!);
  }

  private slotsOf(ids: ArrayLike<number>, exclude?: Set<number>): number[] {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (exclude?.has(id)) continue;
      const slot = this.slots.get(id);
      if (slot !== undefined) out.push(slot);
    }
    return out;
  }

  private scoreSlots(q: Float32Array, k: number, slots: ArrayLike<number>): SearchHit[] {
    const ordered = Uint32Array.from(slots).sort(); // file order: neighbouring reads
    const top = new TopK(k);
    const memory = this.file instanceof MemoryVectorFile ? this.file : undefined;
    for (const slot of ordered) {
      let score: number;
      if (memory) score = cosineInt8(q, memory.view(slot), 0, this.dim);
      else {
        this.file.read(slot, this.row);
        score = cosineInt8(q, this.row, 0, this.dim);
      }
      top.offer(this.idOf[slot]!, score);
    }
    return top.hits();
  }

  private markFileDirty(): void {
    if (!this.fileIsDirty()) this.file.setHeader({ dim: this.dim, generation: this.generation, dirty: true });
  }

  private fileIsDirty(): boolean {
    return this.file.header()?.dirty ?? true;
  }

  private requireStore(): VectorStore {
    if (!this.store) throw new Error('this index was created without storage');
    return this.store;
  }

  private manifest(generation: number, persistedBytes: number): Manifest {
    return {
      space: this.space,
      engine: this.engine,
      format: 1,
      dim: this.dim,
      count: this.count,
      chunkSize: this.chunkSize,
      generation,
      params: { seed: this.encoder.seed, bits: this.encoder.bits },
      persistedBytes,
    };
  }

  private adoptParams(manifest: Manifest): void {
    (this as { chunkSize: number }).chunkSize = manifest.chunkSize;
    const seed = manifest.params.seed ?? DEFAULT_SEED;
    if (seed !== this.encoder.seed) this.encoder = new SignEncoder(this.dim, seed);
  }

  private chunkRecords(no: number, generation: number): [ChunkRecord, ChunkRecord] {
    const first = no * this.chunkSize;
    const n = Math.min(this.chunkSize, this.count - first);
    const ids = this.idOf.slice(first, first + n);
    const vectors = new Int8Array(n * this.dim);
    this.file.read(first, vectors, n);
    // The index record: codes, then each slot's correction factor (float32).
    const cb = this.encoder.codeBytes;
    const index = new Uint8Array(n * (cb + 4));
    index.set(this.kernel.codeBytesOf(first, n));
    new Float32Array(index.buffer, n * cb, n).set(this.factors.subarray(first, first + n));
    return [
      { n, generation, ids: ids.buffer, data: vectors.buffer, checksum: checksum32(ids, vectors) },
      { n, generation, ids: ids.buffer.slice(0), data: index.buffer, checksum: checksum32(ids, index) },
    ];
  }

  /** IndexedDB bytes: ids twice (record and index), int8 vectors, codes and factors, record overhead. */
  private storedBytes(chunkCount: number): number {
    return this.count * (8 + this.dim + this.encoder.codeBytes + 4) + chunkCount * 2 * 32;
  }

  /** Loads the 'idx' chunks; returns what is wrong with them, or undefined when they are sound. */
  private async loadIndexChunks(store: VectorStore, manifest: Manifest): Promise<string | undefined> {
    const chunks = await store.allChunks(this.space, 'idx');
    const expected = Math.ceil(manifest.count / manifest.chunkSize);
    if (chunks.length !== expected) {
      return `the stored index has ${chunks.length} chunks where its manifest expects ${expected} (a persist was interrupted)`;
    }
    this.kernel.ensureCapacity(manifest.count);
    const codes = this.kernel.codeBytesOf(0, manifest.count);
    for (const { no, record } of chunks) {
      const n = Math.min(manifest.chunkSize, manifest.count - no * manifest.chunkSize);
      const ids = new Uint32Array(record.ids);
      const data = new Uint8Array(record.data);
      const cb = this.encoder.codeBytes;
      if (record.n !== n || ids.length !== n || data.length !== n * (cb + 4)) {
        return `stored index chunk ${no} holds ${ids.length} vectors where ${n} were expected`;
      }
      if (record.generation > manifest.generation)
        return `stored index chunk ${no} is newer than its manifest`;
      if (checksum32(ids, data) !== record.checksum) return `stored index chunk ${no} fails its checksum`;
      const first = no * manifest.chunkSize;
      codes.set(data.subarray(0, n * cb), first * cb);
      if (first + n > this.factors.length) {
        const grown = new Float32Array(manifest.count);
        grown.set(this.factors.subarray(0, Math.min(this.factors.length, manifest.count)));
        this.factors = grown;
      }
      this.factors.set(new Float32Array(data.buffer, data.byteOffset + n * cb, n), first);
      for (let i = 0; i < n; i++) {
        if (this.slots.get(ids[i]!) !== undefined) return `id ${ids[i]} is stored twice`;
        this.placeId(ids[i]!, first + i);
      }
      this.kernel.codesChanged(first, n);
    }
    this.count = manifest.count;
    return undefined;
  }

  /** Rewrites the OPFS copy from the 'vec' chunks; returns a problem if they disagree with the index. */
  private async rewriteFileFromStore(store: VectorStore): Promise<string | undefined> {
    let problem: string | undefined;
    this.file.truncate(0);
    await store.eachChunk(this.space, 'vec', (no, record) => {
      if (problem || no * this.chunkSize >= this.count) return;
      const ids = new Uint32Array(record.ids);
      const data = new Int8Array(record.data);
      if (checksum32(ids, data) !== record.checksum) problem = `stored vector chunk ${no} fails its checksum`;
      else if (ids.some((id, i) => this.idOf[no * this.chunkSize + i] !== id)) {
        problem = `stored vector chunk ${no} disagrees with the stored index`;
      } else this.file.write(no * this.chunkSize, data);
    });
    if (!problem && this.file.slots < this.count) problem = 'stored vector chunks are missing';
    if (!problem) {
      this.file.setHeader({ dim: this.dim, generation: this.generation, dirty: false });
      this.file.flush();
    }
    return problem;
  }

  /** Rebuilds everything from the store of record ('vec' chunks), then persists the result. */
  private async rebuild(reason: string, started: number): Promise<RestoreReport> {
    const store = this.requireStore();
    this.reset();
    const manifest = await store.manifest(this.space);
    if (manifest) this.adoptParams(manifest);
    this.generation = manifest?.generation ?? 0;
    this.file.truncate(0);
    this.markFileDirty();
    let skipped = 0;
    let duplicates = 0;
    await store.eachChunk(this.space, 'vec', (_no, record) => {
      const ids = new Uint32Array(record.ids);
      const data = new Int8Array(record.data);
      if (ids.length * this.dim !== data.length || checksum32(ids, data) !== record.checksum) {
        skipped += ids.length;
        return;
      }
      const first = this.count;
      let kept = 0;
      const keptRows = new Int8Array(data.length);
      for (let i = 0; i < ids.length; i++) {
        if (this.slots.get(ids[i]!) !== undefined) {
          duplicates++;
          continue;
        }
        keptRows.set(data.subarray(i * this.dim, (i + 1) * this.dim), kept * this.dim);
        this.placeId(ids[i]!, first + kept);
        this.encodeSlot(first + kept, keptRows, kept * this.dim);
        kept++;
      }
      this.file.write(first, keptRows.subarray(0, kept * this.dim));
      this.count += kept;
    });
    for (let c = 0; c * this.chunkSize < this.count; c++) this.dirty.add(c);
    const message =
      `${reason}; rebuilt the index of ${this.count} vectors from the stored vectors` +
      (skipped ? `; ${skipped} vectors in damaged chunks were lost` : '') +
      (duplicates ? `; ${duplicates} duplicate copies were dropped` : '');
    this.onMessage(message);
    this.everPersisted = true;
    await this.persist();
    return { count: this.count, rebuilt: true, message, millis: performance.now() - started };
  }

  private reset(): void {
    this.slots = new IdSlots();
    this.idOf = new Uint32Array(1024);
    this.factors = new Float32Array(1024);
    this.count = 0;
    this.dirty.clear();
  }
}
