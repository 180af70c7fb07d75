// The WebAssembly first pass. Codes live in a WebAssembly.Memory that grows with the index. Besides the
// full codes, the first 128 bits of every code are kept again in a contiguous prefix plane (16 B a
// vector): at a million vectors, scanning 16 MB of prefixes and then the full codes of the few thousand
// nearest costs a quarter of the memory traffic of scanning 64 MB of full codes, and the scan is
// bound by memory bandwidth. Selecting the nearest needs no sort over N: a sampled cut, one collecting
// pass and a small histogram (see nearest).
import { hammingWasmBase64 } from './kernels/hamming-wasm.ts';

interface KernelExports {
  hamming(codes: number, n: number, words: number, query: number, out: number): void;
  hamming_at(codes: number, words: number, query: number, slots: number, count: number, out: number): void;
  histogram(dist: number, n: number, hist: number): void;
  collect(dist: number, n: number, maxd: number, out: number, max: number): number;
}

const QUERY = 0; // up to 4096-bit query codes
const HIST = 4096; // u32 bins 0 … 4097
export const MAX_CANDIDATES = 65536;
const OUT = 32768; // up to OUT_SLOTS u32 slots
const OUT_SLOTS = MAX_CANDIDATES * 8;
const CODES = OUT + OUT_SLOTS * 4; // 64-byte aligned
export const PREFIX_BYTES = 16;
const SAMPLE_STEP = 16;
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
  /** Codes long enough for a prefix plane to pay (at least 256 bits). */
  readonly hasPrefix: boolean;

  constructor(
    readonly codeBytes: number,
    initialCapacity = 1024,
  ) {
    if (codeBytes % 8 !== 0 || codeBytes > 512) throw new RangeError(`unsupported code size ${codeBytes}`);
    this.hasPrefix = codeBytes >= 2 * PREFIX_BYTES;
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
    if (this.hasPrefix && this.capacity > 0) {
      // The prefix plane sits after the codes, so it moves when they grow.
      const bytes = new Uint8Array(this.memory.buffer);
      const from = this.prefixOffset(this.capacity);
      bytes.copyWithin(this.prefixOffset(capacity), from, from + this.capacity * PREFIX_BYTES);
    }
    this.capacity = capacity;
  }

  /** A view of the codes region as u32 words; re-take it after any ensureCapacity (growth detaches it). */
  codeWords(): Uint32Array {
    return new Uint32Array(this.memory.buffer, CODES, (this.capacity * this.codeBytes) / 4);
  }

  queryWords(): Uint32Array {
    return new Uint32Array(this.memory.buffer, QUERY, this.codeBytes / 4);
  }

  /** Call after writing the code of `first … first+count-1` through codeWords()/codeBytesOf(). */
  codesChanged(first: number, count: number): void {
    if (!this.hasPrefix) return;
    const bytes = new Uint8Array(this.memory.buffer);
    const plane = this.prefixOffset(this.capacity);
    for (let s = first; s < first + count; s++) {
      const at = CODES + s * this.codeBytes;
      bytes.copyWithin(plane + s * PREFIX_BYTES, at, at + PREFIX_BYTES);
    }
  }

  copyCode(from: number, to: number): void {
    const bytes = new Uint8Array(this.memory.buffer);
    bytes.copyWithin(
      CODES + to * this.codeBytes,
      CODES + from * this.codeBytes,
      CODES + (from + 1) * this.codeBytes,
    );
    this.codesChanged(to, 1);
  }

  codeBytesOf(first: number, count: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, CODES + first * this.codeBytes, count * this.codeBytes);
  }

  /** Distances from the query code (already in queryWords()) to the first n codes. */
  scan(n: number): Uint16Array {
    this.exports.hamming(CODES, n, this.codeBytes / 8, QUERY, this.distOffset(this.capacity));
    return new Uint16Array(this.memory.buffer, this.distOffset(this.capacity), n);
  }

  /** Distances over the first 128 bits only (needs hasPrefix); maxDist for nearest is then 128. */
  scanPrefix(n: number): Uint16Array {
    this.exports.hamming(
      this.prefixOffset(this.capacity),
      n,
      PREFIX_BYTES / 8,
      QUERY,
      this.distOffset(this.capacity),
    );
    return new Uint16Array(this.memory.buffer, this.distOffset(this.capacity), n);
  }

  /**
   * Slots of the `want` smallest distances of the last scan (ties at the cut broken by slot order).
   * Distances above maxDist are never taken: callers write maxDist + 1 over filtered-out slots.
   *
   * A sample of every 16th distance predicts a cut that keeps about twice `want`; one pass collects
   * those, and a small histogram picks the exact `want` among them. A full histogram is the fallback
   * when the prediction misses (and the only way for small n).
   */
  nearest(n: number, want: number, maxDist: number): Uint32Array {
    want = Math.min(want, MAX_CANDIDATES);
    const dist = new Uint16Array(this.memory.buffer, this.distOffset(this.capacity), n);
    const byPosition = (slots: Uint32Array) => pickNearest(slots, (s) => dist[s]!, want, maxDist);
    if (n >= 16 * want) {
      const sample = new Uint32Array(maxDist + 2);
      let sampled = 0;
      for (let i = 0; i < n; i += SAMPLE_STEP, sampled++) sample[dist[i]!]!++;
      const target = (2 * want * sampled) / n + 16;
      let cut = 0;
      for (let seen = sample[0]!; cut < maxDist && seen < target;) seen += sample[++cut]!;
      const count = this.exports.collect(this.distOffset(this.capacity), n, cut, OUT, OUT_SLOTS);
      if (count >= want && count < OUT_SLOTS)
        return byPosition(new Uint32Array(this.memory.buffer, OUT, count));
    }
    const hist = new Uint32Array(this.memory.buffer, HIST, maxDist + 2);
    hist.fill(0);
    this.exports.histogram(this.distOffset(this.capacity), n, HIST);
    let cut = 0;
    for (let seen = hist[0]!; cut < maxDist && seen < want;) seen += hist[++cut]!;
    const count = this.exports.collect(this.distOffset(this.capacity), n, cut, OUT, OUT_SLOTS);
    return byPosition(new Uint32Array(this.memory.buffer, OUT, count));
  }

  /** The `want` of `slots` whose full codes are nearest the query code. */
  nearestOf(slots: Uint32Array, want: number): Uint32Array {
    if (slots.length <= want) return slots;
    const count = Math.min(slots.length, OUT_SLOTS);
    new Uint32Array(this.memory.buffer, OUT, count).set(slots.subarray(0, count));
    const out = this.distOffset(this.capacity);
    this.exports.hamming_at(CODES, this.codeBytes / 8, QUERY, OUT, count, out);
    const dist = new Uint16Array(this.memory.buffer, out, count);
    const positions = pickNearest(Uint32Array.from(dist.keys()), (i) => dist[i]!, want, this.codeBytes * 8);
    return Uint32Array.from(positions, (i) => slots[i]!);
  }

  private prefixOffset(capacity: number): number {
    return CODES + capacity * this.codeBytes;
  }

  private distOffset(capacity: number): number {
    return this.prefixOffset(capacity) + (this.hasPrefix ? capacity * PREFIX_BYTES : 0);
  }
}

/** The `want` of `items` with the smallest distance (in their order at the cut). */
function pickNearest(
  items: Uint32Array,
  distOf: (item: number) => number,
  want: number,
  maxDist: number,
): Uint32Array {
  if (items.length <= want) return items.slice();
  const hist = new Uint32Array(maxDist + 2);
  for (const s of items) hist[distOf(s)]!++;
  let cut = 0;
  let below = 0;
  while (below + hist[cut]! < want) below += hist[cut++]!;
  let room = want - below;
  const out = new Uint32Array(want);
  let j = 0;
  for (const s of items) {
    const d = distOf(s);
    if (d < cut || (d === cut && room-- > 0)) out[j++] = s;
  }
  return out;
}
