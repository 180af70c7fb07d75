// The WebAssembly first pass: codes live in a WebAssembly.Memory that grows with the index, and a scan
// writes one u16 Hamming distance per vector, which a histogram turns into the distance threshold that
// keeps the `want` nearest codes. No sort over N is needed.
import { hammingWasmBase64 } from './kernels/hamming-wasm.ts';

interface KernelExports {
  hamming(codes: number, n: number, words: number, query: number, out: number): void;
  histogram(dist: number, n: number, hist: number): void;
  collect(dist: number, n: number, lo: number, hi: number, out: number, max: number): number;
}

const QUERY = 0; // up to 4096-bit query codes
const HIST = 4096; // u32 bins 0 … 4097
const CANDIDATES = 32768; // up to MAX_CANDIDATES u32 slots
export const MAX_CANDIDATES = 65536;
const CODES = CANDIDATES + MAX_CANDIDATES * 4; // 64-byte aligned
const PAGE = 65536;

let compiled: WebAssembly.Module | undefined;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Uint8Array.from(atob(hammingWasmBase64), (c) => c.charCodeAt(0)));
  return compiled;
}

export class HammingKernel {
  private readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private capacity = 0;

  constructor(
    readonly codeBytes: number,
    initialCapacity = 1024,
  ) {
    if (codeBytes % 8 !== 0 || codeBytes > 512) throw new RangeError(`unsupported code size ${codeBytes}`);
    this.memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.ensureCapacity(initialCapacity);
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows by at least a quarter at a time, so a million adds cost a few dozen grows. */
  ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    const capacity = Math.max(slots, Math.ceil(this.capacity * 1.25), 1024);
    const needed = this.distOffset(capacity) + capacity * 2;
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
    this.capacity = capacity;
  }

  /** A view of the codes region as u32 words; re-take it after any ensureCapacity (growth detaches it). */
  codeWords(): Uint32Array {
    return new Uint32Array(this.memory.buffer, CODES, (this.capacity * this.codeBytes) / 4);
  }

  queryWords(): Uint32Array {
    return new Uint32Array(this.memory.buffer, QUERY, this.codeBytes / 4);
  }

  copyCode(from: number, to: number): void {
    const bytes = new Uint8Array(this.memory.buffer);
    bytes.copyWithin(CODES + to * this.codeBytes, CODES + from * this.codeBytes, CODES + (from + 1) * this.codeBytes);
  }

  codeBytesOf(first: number, count: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, CODES + first * this.codeBytes, count * this.codeBytes);
  }

  /** Distances from the query code (already in queryWords()) to the first n codes. */
  scan(n: number): Uint16Array {
    this.exports.hamming(CODES, n, this.codeBytes / 8, QUERY, this.distOffset(this.capacity));
    return new Uint16Array(this.memory.buffer, this.distOffset(this.capacity), n);
  }

  /**
   * Slots of the `want` smallest distances among the first n (ties at the cut broken by slot order).
   * Distances above maxDist are never taken: callers mark filtered-out slots with maxDist + 1.
   */
  nearest(n: number, want: number, maxDist: number): Uint32Array {
    want = Math.min(want, MAX_CANDIDATES);
    const dist = this.distOffset(this.capacity);
    const hist = new Uint32Array(this.memory.buffer, HIST, maxDist + 2);
    hist.fill(0);
    this.exports.histogram(dist, n, HIST);
    let cut = 0;
    let below = 0;
    while (cut <= maxDist && below + hist[cut]! < want) below += hist[cut++]!;
    let count = cut > 0 ? this.exports.collect(dist, n, 0, cut - 1, CANDIDATES, want) : 0;
    if (cut <= maxDist) {
      count += this.exports.collect(dist, n, cut, cut, CANDIDATES + count * 4, want - count);
    }
    return new Uint32Array(this.memory.buffer, CANDIDATES, count).slice();
  }

  private distOffset(capacity: number): number {
    return CODES + capacity * this.codeBytes;
  }
}
