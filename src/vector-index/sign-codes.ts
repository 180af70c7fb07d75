// Binary codes for the first pass: a randomised Hadamard rotation (random sign flips, then a fast
// Walsh–Hadamard transform) followed by the sign of each coordinate. The rotation is orthogonal, so the
// Hamming distance between two codes estimates the angle between the two vectors; it also spreads any
// few dominant dimensions of real embeddings over all bits, which plain sign bits would waste.
// Dimensions are zero-padded to a power of two (at least 64), e.g. 384 → 512 bits.

export class SignEncoder {
  readonly bits: number;
  readonly words32: number;
  readonly words64: number;
  readonly codeBytes: number;
  private readonly flips: Float32Array;
  private readonly buffer: Float32Array;

  constructor(
    readonly dim: number,
    readonly seed: number,
  ) {
    let bits = 64;
    while (bits < dim) bits *= 2;
    this.bits = bits;
    this.words32 = bits / 32;
    this.words64 = bits / 64;
    this.codeBytes = bits / 8;
    this.flips = new Float32Array(dim);
    const random = mulberry32(seed);
    for (let i = 0; i < dim; i++) this.flips[i] = random() < 0.5 ? -1 : 1;
    this.buffer = new Float32Array(bits);
  }

  /**
   * Writes the code of `vector[start .. start+dim)` into `out[outWord .. outWord+words32)`, and returns
   * the rotated vector (a buffer reused by the next call).
   */
  encode(vector: ArrayLike<number>, start: number, out: Uint32Array, outWord: number): Float32Array {
    const y = this.buffer;
    const { dim, bits, flips } = this;
    for (let i = 0; i < dim; i++) y[i] = vector[start + i]! * flips[i]!;
    y.fill(0, dim);
    for (let h = 1; h < bits; h *= 2) {
      for (let i = 0; i < bits; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const a = y[j]!;
          const b = y[j + h]!;
          y[j] = a + b;
          y[j + h] = a - b;
        }
      }
    }
    for (let w = 0; w < this.words32; w++) {
      let word = 0;
      for (let b = 0; b < 32; b++) if (y[w * 32 + b]! > 0) word |= 1 << b;
      out[outWord + w] = word;
    }
    return y;
  }

  /**
   * How far the code's direction is from the rotated vector's: |y| / ‖y‖₁. The estimate
   * ⟨q', sign(y)⟩ · |y|/‖y‖₁ of ⟨q', y/|y|⟩ is unbiased (RaBitQ), where ⟨q', sign(y)⟩ alone would rank
   * vectors whose coordinates are spread unevenly too low.
   */
  static correction(y: Float32Array): number {
    let l1 = 0;
    let l2 = 0;
    for (let i = 0; i < y.length; i++) {
      l1 += Math.abs(y[i]!);
      l2 += y[i]! * y[i]!;
    }
    return l1 > 0 ? Math.sqrt(l2) / l1 : 0;
  }
}

/**
 * Scores codes against a float query without unpacking bits: one 256-entry table per code byte holds
 * ⟨q'[8b .. 8b+8), ±1⟩ for every byte value, so a 512-bit code costs 64 table reads.
 */
export class CodeScorer {
  private readonly table: Float32Array;

  constructor(rotatedQuery: Float32Array, codeBytes: number) {
    const t = new Float32Array(codeBytes * 256);
    for (let b = 0; b < codeBytes; b++) {
      const base = b * 256;
      let all = 0;
      for (let j = 0; j < 8; j++) all -= rotatedQuery[b * 8 + j]!;
      t[base] = all;
      for (let v = 1; v < 256; v++) {
        const low = v & -v;
        t[base + v] = t[base + (v ^ low)]! + 2 * rotatedQuery[b * 8 + (31 - Math.clz32(low))]!;
      }
    }
    this.table = t;
  }

  score(codes: Uint8Array, at: number, codeBytes: number): number {
    let sum = 0;
    const t = this.table;
    for (let b = 0; b < codeBytes; b++) sum += t[b * 256 + codes[at + b]!]!;
    return sum;
  }
}

export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
