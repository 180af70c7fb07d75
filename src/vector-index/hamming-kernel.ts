// The WebAssembly first pass: codes live in a WebAssembly.Memory that grows with the index, and a scan
// writes one u16 Hamming distance per vector, which a histogram turns into the distance threshold that
// keeps the `want` nearest codes. No sort over N is needed.
import { hammingWasmBase64 } from './kernels/hamming-wasm.ts';

interface KernelExports {
  hamming(codes: number, n: number, words: number, query: number, out: number): void;
  histogram(dist: number, n: number, hist: number): void;
  collect(dist: number, n: number, maxd: number, out: number, max: number): number;
}

const QUERY = 0; // up to 4096-bit query codes
const HIST = 4096; // u32 bins 0 … 4097
export const MAX_CANDIDATES = 65536;
const OUT = 32768; // up to OUT_SLOTS u32 slots
const OUT_SLOTS = MAX_CANDIDATES * 8;
const CODES = OUT + OUT_SLOTS * 4; // 64-byte aligned
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
    bytes.copyWithin(
      CODES + to * this.codeBytes,
      CODES + from * this.codeBytes,
      CODES + (from + 1) * this.codeBytes,
    );
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
    if (n >= 64 * want) {
      const sample = new Uint32Array(maxDist + 2);
      let sampled = 0;
      for (let i = 0; i < n; i += SAMPLE_STEP, sampled++) sample[dist[i]!]!++;
      const target = (2 * want * sampled) / n + 16;
      let cut = 0;
      for (let seen = sample[0]!; cut < maxDist && seen < target;) seen += sample[++cut]!;
      const count = this.exports.collect(this.distOffset(this.capacity), n, cut, OUT, OUT_SLOTS);
      if (count >= want && count < OUT_SLOTS) {
        return pickNearest(new Uint32Array(this.memory.buffer, OUT, count), dist, want, maxDist);
      }
    }
    const hist = new Uint32Array(this.memory.buffer, HIST, maxDist + 2);
    hist.fill(0);
    this.exports.histogram(this.distOffset(this.capacity), n, HIST);
    let cut = 0;
    for (let seen = hist[0]!; cut < maxDist && seen < want;) seen += hist[++cut]!;
    const count = this.exports.collect(this.distOffset(this.capacity), n, cut, OUT, OUT_SLOTS);
    return pickNearest(new Uint32Array(this.memory.buffer, OUT, count), dist, want, maxDist);
  }

  private distOffset(capacity: number): number {
    return CODES + capacity * this.codeBytes;
  }
}

/** The `want` slots of smallest distance among `slots` (in slot order at the cut). */
function pickNearest(slots: Uint32Array, dist: Uint16Array, want: number, maxDist: number): Uint32Array {
  if (slots.length <= want) return slots.slice();
  const hist = new Uint32Array(maxDist + 2);
  for (const s of slots) hist[dist[s]!]!++;
  let cut = 0;
  let below = 0;
  while (below + hist[cut]! < want) below += hist[cut++]!;
  let room = want - below;
  const out = new Uint32Array(want);
  let j = 0;
  for (const s of slots) {
    const d = dist[s]!;
    if (d < cut || (d === cut && room-- > 0)) out[j++] = s;
  }
  return out;
}
