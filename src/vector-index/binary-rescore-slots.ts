// The data of the binary-rescore engine, one dense slot (0 … count - 1) per vector: its id, its sign code
// (in the kernel's WebAssembly memory), its code's correction factor, and its int8 row (in the vector
// file). The index (binary-rescore-index.ts) searches and changes the slots; its persistence
// (binary-rescore-persistence.ts) saves and restores them. Both go through this one object, so neither
// keeps a copy of the other's state.
import { HammingKernel } from './hamming-kernel.ts';
import { IdSlots } from './id-slots.ts';
import { SignEncoder } from './sign-codes.ts';
import type { VectorFile } from './vector-file.ts';

export const DEFAULT_SEED = 0x7201e;

export class RescoreSlots {
  /** Slots per stored chunk; a restore adopts the stored index's. */
  chunkSize: number;
  /** Replaced when a restored index was made with another rotation seed. */
  encoder: SignEncoder;
  readonly kernel: HammingKernel;
  /** id → slot */
  slots = new IdSlots();
  /** slot → id */
  idOf = new Uint32Array(1024);
  /** SignEncoder.correction of each slot. */
  factors = new Float32Array(1024);
  count = 0;
  /** Chunks changed since the last persist. */
  readonly dirty = new Set<number>();
  /** The persisted generation the stored data (and the file's header) belongs to. */
  generation = 0;
  private readonly rowFloat: Float32Array;
  private codeWords: Uint32Array | undefined; // cached view; refreshed when the kernel memory grows

  constructor(
    readonly dim: number,
    chunkSize: number,
    seed: number,
    readonly file: VectorFile,
  ) {
    this.chunkSize = chunkSize;
    this.encoder = new SignEncoder(dim, seed);
    this.kernel = new HammingKernel(this.encoder.codeBytes);
    this.rowFloat = new Float32Array(dim);
  }

  /** The chunk a slot is stored in. */
  chunkOf(slot: number): number {
    return Math.floor(slot / this.chunkSize);
  }

  placeId(id: number, slot: number): void {
    if (slot >= this.idOf.length) {
      const grown = new Uint32Array(Math.max(slot + 1, Math.ceil(this.idOf.length * 1.25)));
      grown.set(this.idOf);
      this.idOf = grown;
    }
    this.idOf[slot] = id;
    this.slots.set(id, slot);
  }

  /** Computes a slot's code and correction factor from its int8 row (`int8` from `start`). */
  encodeSlot(slot: number, int8: Int8Array, start: number): void {
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

  /** Marks the file's header dirty before its first change since it was last made clean. */
  markFileDirty(): void {
    if (!this.fileIsDirty()) this.file.setHeader({ dim: this.dim, generation: this.generation, dirty: true });
  }

  fileIsDirty(): boolean {
    return this.file.header()?.dirty ?? true;
  }

  /** Empties the slots (not the file, nor the generation). */
  reset(): void {
    this.slots = new IdSlots();
    this.idOf = new Uint32Array(1024);
    this.factors = new Float32Array(1024);
    this.count = 0;
    this.dirty.clear();
  }
}
