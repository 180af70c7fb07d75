// Random access to the int8 copy of every vector, by slot, for exact rescoring. In the worker it is a
// file in the origin-private file system read through a FileSystemSyncAccessHandle (opfs-vector-file.ts),
// so a million vectors cost no memory; tests in Node and pages without OPFS use the in-memory version.
//
// The file starts with a small header naming the persisted generation it matches. Any write first marks
// the header dirty; persist() marks it clean at the new generation once IndexedDB has committed. A file
// found dirty, or at another generation, on restore is rewritten from the store of record.

export interface VectorFileHeader {
  dim: number;
  generation: number;
  dirty: boolean;
}

export interface VectorFile {
  readonly kind: 'opfs' | 'memory';
  readonly dim: number;
  /** Bytes held in memory by this file (0 for OPFS). */
  readonly residentBytes: number;
  /** Bytes the file takes on disk (0 for the in-memory version). */
  readonly diskBytes: number;
  /** How many slots the file has room for. */
  readonly slots: number;
  header(): VectorFileHeader | undefined;
  setHeader(header: VectorFileHeader): void;
  /** Reads `count` consecutive slots from `slot` into out (count × dim bytes). */
  read(slot: number, out: Int8Array, count?: number): void;
  /** Writes consecutive slots from `slot`. */
  write(slot: number, data: Int8Array): void;
  /** Keeps the first `slots` slots and drops the rest. */
  truncate(slots: number): void;
  flush(): void;
  close(): void;
}

export const HEADER_BYTES = 16;
const MAGIC = 0x31565254; // "TRV1"

export function encodeHeader(h: VectorFileHeader): Uint32Array {
  return Uint32Array.of(MAGIC, h.dim, h.generation, h.dirty ? 1 : 0);
}

export function decodeHeader(words: Uint32Array): VectorFileHeader | undefined {
  if (words.length < 4 || words[0] !== MAGIC) return undefined;
  return { dim: words[1]!, generation: words[2]!, dirty: words[3] !== 0 };
}

export class MemoryVectorFile implements VectorFile {
  readonly kind = 'memory';
  readonly diskBytes = 0;
  private data = new Int8Array(0);
  private used = 0;
  private head: VectorFileHeader | undefined;

  constructor(readonly dim: number) {}

  get residentBytes(): number {
    return this.data.byteLength;
  }

  get slots(): number {
    return this.used;
  }

  header(): VectorFileHeader | undefined {
    return this.head && { ...this.head };
  }

  setHeader(header: VectorFileHeader): void {
    this.head = { ...header };
  }

  read(slot: number, out: Int8Array, count = 1): void {
    out.set(this.data.subarray(slot * this.dim, (slot + count) * this.dim));
  }

  /** A view without a copy, for the rescoring loop. */
  view(slot: number): Int8Array {
    return this.data.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  write(slot: number, data: Int8Array): void {
    const end = slot * this.dim + data.length;
    if (end > this.data.length) {
      const grown = new Int8Array(Math.max(end, Math.ceil(this.data.length * 1.25)));
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(data, slot * this.dim);
    this.used = Math.max(this.used, end / this.dim);
  }

  truncate(slots: number): void {
    this.used = Math.min(this.used, slots);
  }

  flush(): void {}

  close(): void {
    this.data = new Int8Array(0);
    this.used = 0;
  }
}
