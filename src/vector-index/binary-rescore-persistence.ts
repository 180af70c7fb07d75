// Saving and restoring the binary-rescore engine's slots (binary-rescore-slots.ts) in the vector store:
//   'vec' chunks  the store of record: ids + int8 vectors
//   'idx' chunks  derived, so a restore reads 68 B a vector instead of 580: ids + codes + correction factors
//   manifest      count, dim, chunk size, rotation seed, and the generation the chunks belong to
// and keeping the OPFS copy of the vectors (the vector file) in step: its header names the generation it
// matches, and a copy found stale or dirty on restore is rewritten from the 'vec' chunks. Anything wrong
// with the stored index rebuilds it from the 'vec' chunks, and the message says why.
import { checksum32 } from './checksum.ts';
import { DEFAULT_SEED, type RescoreSlots } from './binary-rescore-slots.ts';
import { SignEncoder } from './sign-codes.ts';
import type { PersistReport, RestoreReport } from './types.ts';
import type { ChunkRecord, ChunkWrite, Manifest, VectorStore } from './vector-store.ts';

const PUT_BATCH = 8; // chunks per IndexedDB transaction while persisting (~19 MB at 512-d)

export interface RescoreStorage {
  /** The engine's name, recorded in (and checked against) the manifest. */
  engine: string;
  /** Name of the embedding space; the key of its stored chunks. */
  space: string;
  /** Where the index is persisted; persist/restore throw when omitted. */
  store?: VectorStore;
  /** Called with the restore message when a damaged stored index is rebuilt. */
  onMessage: (message: string) => void;
}

export class RescorePersistence {
  persistedBytes = 0;
  private everPersisted = false;

  constructor(
    private readonly s: RescoreSlots,
    private readonly storage: RescoreStorage,
  ) {}

  /** Writes the chunks changed since the last persist, then the manifest with the last of them. */
  async persist(): Promise<PersistReport> {
    const store = this.requireStore();
    const s = this.s;
    const started = performance.now();
    const chunkCount = Math.ceil(s.count / s.chunkSize);
    const dirty = [...s.dirty].filter((c) => c < chunkCount).sort((a, b) => a - b);
    if (dirty.length === 0 && this.everPersisted && !s.fileIsDirty()) {
      return { chunksWritten: 0, persistedBytes: this.persistedBytes, millis: performance.now() - started };
    }
    const generation = s.generation + 1;
    s.file.truncate(s.count);
    const bytes = this.storedBytes(chunkCount) + s.file.diskBytes;
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
        this.storage.space,
        puts,
        last ? { kinds: ['vec', 'idx'], no: chunkCount } : undefined,
        last ? this.manifest(generation, bytes) : undefined,
      );
    } while (i < dirty.length);
    s.file.setHeader({ dim: s.dim, generation, dirty: false });
    s.file.flush();
    s.generation = generation;
    this.persistedBytes = bytes;
    this.everPersisted = true;
    s.dirty.clear();
    return { chunksWritten: dirty.length, persistedBytes: bytes, millis: performance.now() - started };
  }

  async restore(): Promise<RestoreReport> {
    const store = this.requireStore();
    const s = this.s;
    const started = performance.now();
    s.reset();
    const manifest = await store.manifest(this.storage.space);
    const vecChunks = await store.chunkNumbers(this.storage.space, 'vec');
    if (!manifest) {
      if (vecChunks.length === 0) return { count: 0, rebuilt: false, millis: performance.now() - started };
      return this.rebuild('stored vectors have no manifest (a first persist was interrupted)', started);
    }
    if (manifest.engine !== this.storage.engine || manifest.dim !== s.dim) {
      // An empty index of another model (a preset changed while the library was empty) holds nothing to lose.
      if (manifest.count === 0 && vecChunks.length === 0) {
        await this.clear();
        return { count: 0, rebuilt: false, millis: performance.now() - started };
      }
      throw new Error(
        `stored index of space "${this.storage.space}" is ${manifest.engine} with ${manifest.dim} dims; ` +
          `this index is ${this.storage.engine} with ${s.dim}. Clear it to start over.`,
      );
    }
    this.adoptParams(manifest);
    const problem = await this.loadIndexChunks(store, manifest);
    if (problem) return this.rebuild(problem, started);
    s.generation = manifest.generation;
    this.persistedBytes = manifest.persistedBytes;
    this.everPersisted = true;
    let message: string | undefined;
    const header = s.file.header();
    if (
      !header ||
      header.dirty ||
      header.generation !== manifest.generation ||
      header.dim !== s.dim ||
      s.file.slots < s.count
    ) {
      const mismatch = await this.rewriteFileFromStore(store);
      if (mismatch) return this.rebuild(mismatch, started);
      message = 'the OPFS copy of the vectors was stale or missing and was rewritten from IndexedDB';
      this.storage.onMessage(message);
    }
    return { count: s.count, rebuilt: false, message, millis: performance.now() - started };
  }

  /** Empties the slots, the vector file and the stored chunks. */
  async clear(): Promise<void> {
    const s = this.s;
    s.reset();
    s.file.truncate(0);
    s.file.setHeader({ dim: s.dim, generation: 0, dirty: false });
    s.generation = 0;
    this.persistedBytes = 0;
    this.everPersisted = false;
    if (this.storage.store) await this.storage.store.clearSpace(this.storage.space);
  }

  private requireStore(): VectorStore {
    if (!this.storage.store) throw new Error('this index was created without storage');
    return this.storage.store;
  }

  private manifest(generation: number, persistedBytes: number): Manifest {
    const s = this.s;
    return {
      space: this.storage.space,
      engine: this.storage.engine,
      format: 1,
      dim: s.dim,
      count: s.count,
      chunkSize: s.chunkSize,
      generation,
      params: { seed: s.encoder.seed, bits: s.encoder.bits },
      persistedBytes,
    };
  }

  private adoptParams(manifest: Manifest): void {
    const s = this.s;
    s.chunkSize = manifest.chunkSize;
    const seed = manifest.params.seed ?? DEFAULT_SEED;
    if (seed !== s.encoder.seed) s.encoder = new SignEncoder(s.dim, seed);
  }

  private chunkRecords(no: number, generation: number): [ChunkRecord, ChunkRecord] {
    const s = this.s;
    const first = no * s.chunkSize;
    const n = Math.min(s.chunkSize, s.count - first);
    const ids = s.idOf.slice(first, first + n);
    const vectors = new Int8Array(n * s.dim);
    s.file.read(first, vectors, n);
    // The index record: codes, then each slot's correction factor (float32).
    const cb = s.encoder.codeBytes;
    const index = new Uint8Array(n * (cb + 4));
    index.set(s.kernel.codeBytesOf(first, n));
    new Float32Array(index.buffer, n * cb, n).set(s.factors.subarray(first, first + n));
    return [
      { n, generation, ids: ids.buffer, data: vectors.buffer, checksum: checksum32(ids, vectors) },
      { n, generation, ids: ids.buffer.slice(0), data: index.buffer, checksum: checksum32(ids, index) },
    ];
  }

  /** IndexedDB bytes: ids twice (record and index), int8 vectors, codes and factors, record overhead. */
  private storedBytes(chunkCount: number): number {
    return this.s.count * (8 + this.s.dim + this.s.encoder.codeBytes + 4) + chunkCount * 2 * 32;
  }

  /** Loads the 'idx' chunks; returns what is wrong with them, or undefined when they are sound. */
  private async loadIndexChunks(store: VectorStore, manifest: Manifest): Promise<string | undefined> {
    const s = this.s;
    const chunks = await store.allChunks(this.storage.space, 'idx');
    const expected = Math.ceil(manifest.count / manifest.chunkSize);
    if (chunks.length !== expected) {
      return `the stored index has ${chunks.length} chunks where its manifest expects ${expected} (a persist was interrupted)`;
    }
    s.kernel.ensureCapacity(manifest.count);
    const codes = s.kernel.codeBytesOf(0, manifest.count);
    for (const { no, record } of chunks) {
      const n = Math.min(manifest.chunkSize, manifest.count - no * manifest.chunkSize);
      const ids = new Uint32Array(record.ids);
      const data = new Uint8Array(record.data);
      const cb = s.encoder.codeBytes;
      if (record.n !== n || ids.length !== n || data.length !== n * (cb + 4)) {
        return `stored index chunk ${no} holds ${ids.length} vectors where ${n} were expected`;
      }
      if (record.generation > manifest.generation)
        return `stored index chunk ${no} is newer than its manifest`;
      if (checksum32(ids, data) !== record.checksum) return `stored index chunk ${no} fails its checksum`;
      const first = no * manifest.chunkSize;
      codes.set(data.subarray(0, n * cb), first * cb);
      if (first + n > s.factors.length) {
        const grown = new Float32Array(manifest.count);
        grown.set(s.factors.subarray(0, Math.min(s.factors.length, manifest.count)));
        s.factors = grown;
      }
      s.factors.set(new Float32Array(data.buffer, data.byteOffset + n * cb, n), first);
      for (let i = 0; i < n; i++) {
        if (s.slots.get(ids[i]!) !== undefined) return `id ${ids[i]} is stored twice`;
        s.placeId(ids[i]!, first + i);
      }
      s.kernel.codesChanged(first, n);
    }
    s.count = manifest.count;
    return undefined;
  }

  /** Rewrites the OPFS copy from the 'vec' chunks; returns a problem if they disagree with the index. */
  private async rewriteFileFromStore(store: VectorStore): Promise<string | undefined> {
    const s = this.s;
    let problem: string | undefined;
    s.file.truncate(0);
    await store.eachChunk(this.storage.space, 'vec', (no, record) => {
      if (problem || no * s.chunkSize >= s.count) return;
      const ids = new Uint32Array(record.ids);
      const data = new Int8Array(record.data);
      if (checksum32(ids, data) !== record.checksum) problem = `stored vector chunk ${no} fails its checksum`;
      else if (ids.some((id, i) => s.idOf[no * s.chunkSize + i] !== id)) {
        problem = `stored vector chunk ${no} disagrees with the stored index`;
      } else s.file.write(no * s.chunkSize, data);
    });
    if (!problem && s.file.slots < s.count) problem = 'stored vector chunks are missing';
    if (!problem) {
      s.file.setHeader({ dim: s.dim, generation: s.generation, dirty: false });
      s.file.flush();
    }
    return problem;
  }

  /** Rebuilds everything from the store of record ('vec' chunks), then persists the result. */
  private async rebuild(reason: string, started: number): Promise<RestoreReport> {
    const store = this.requireStore();
    const s = this.s;
    s.reset();
    const manifest = await store.manifest(this.storage.space);
    if (manifest) this.adoptParams(manifest);
    s.generation = manifest?.generation ?? 0;
    s.file.truncate(0);
    s.markFileDirty();
    let skipped = 0;
    let duplicates = 0;
    await store.eachChunk(this.storage.space, 'vec', (_no, record) => {
      const ids = new Uint32Array(record.ids);
      const data = new Int8Array(record.data);
      if (ids.length * s.dim !== data.length || checksum32(ids, data) !== record.checksum) {
        skipped += ids.length;
        return;
      }
      const first = s.count;
      let kept = 0;
      const keptRows = new Int8Array(data.length);
      for (let i = 0; i < ids.length; i++) {
        if (s.slots.get(ids[i]!) !== undefined) {
          duplicates++;
          continue;
        }
        keptRows.set(data.subarray(i * s.dim, (i + 1) * s.dim), kept * s.dim);
        s.placeId(ids[i]!, first + kept);
        s.encodeSlot(first + kept, keptRows, kept * s.dim);
        kept++;
      }
      s.file.write(first, keptRows.subarray(0, kept * s.dim));
      s.count += kept;
    });
    for (let c = 0; c * s.chunkSize < s.count; c++) s.dirty.add(c);
    const message =
      `${reason}; rebuilt the index of ${s.count} vectors from the stored vectors` +
      (skipped ? `; ${skipped} vectors in damaged chunks were lost` : '') +
      (duplicates ? `; ${duplicates} duplicate copies were dropped` : '');
    this.storage.onMessage(message);
    this.everPersisted = true;
    await this.persist();
    return { count: s.count, rebuilt: true, message, millis: performance.now() - started };
  }
}
