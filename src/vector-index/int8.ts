// The store of record keeps each vector as int8: round(127 · x / max|x|). Cosine similarity does not
// depend on a vector's length, so no scale is stored: 1 byte a dimension (512 B for a 512-d vector).
// On unit vectors the cosine computed from int8 differs from the float one by about 5e-4 at 512 dims.

export function quantizeInt8(
  unit: ArrayLike<number>,
  start: number,
  dim: number,
  out: Int8Array,
  outStart: number,
): void {
  let max = 0;
  for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(unit[start + i]!));
  const scale = max > 0 ? 127 / max : 0;
  for (let i = 0; i < dim; i++) out[outStart + i] = Math.round(unit[start + i]! * scale);
}

/** Cosine between a unit-length float query and an int8 row. */
export function cosineInt8(query: Float32Array, row: Int8Array, start: number, dim: number): number {
  let dot = 0;
  let sq = 0;
  for (let i = 0; i < dim; i++) {
    const x = row[start + i]!;
    dot += query[i]! * x;
    sq += x * x;
  }
  return sq > 0 ? dot / Math.sqrt(sq) : 0;
}
