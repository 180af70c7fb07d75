// Input checks and the small vector arithmetic that every engine shares.

/**
 * `work`'s answer as a promise, and a throw as a rejection, as an `async` method would give them: the
 * engines here work synchronously, but the interface they share is asynchronous (a worker answers it).
 */
export function answered<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

export function checkBatch(ids: ArrayLike<number>, vectors: Float32Array, dim: number): void {
  if (vectors.length !== ids.length * dim) {
    throw new RangeError(
      `expected ${ids.length} × ${dim} = ${ids.length * dim} floats, got ${vectors.length}`,
    );
  }
  for (let i = 0; i < ids.length; i++) checkId(ids[i]!);
  // Every row is checked before any is added, so a bad row cannot leave a batch half-applied.
  for (let r = 0; r < ids.length; r++) {
    const n = norm(vectors, r * dim, dim);
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`vector ${r} is zero or not finite`);
  }
}

export function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) {
    throw new RangeError(`vector ids are integers in [0, 2^32-1]; got ${id}`);
  }
}

export function checkQuery(query: Float32Array, dim: number, k: number): void {
  if (query.length !== dim) throw new RangeError(`query has ${query.length} dims, index has ${dim}`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
}

export function norm(v: ArrayLike<number>, start = 0, length = v.length): number {
  let s = 0;
  for (let i = start; i < start + length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** A unit-length copy of row `row` of `vectors`; throws on a zero or non-finite vector. */
export function unitRow(
  vectors: Float32Array,
  row: number,
  dim: number,
  out: Float32Array = new Float32Array(dim),
): Float32Array {
  const start = row * dim;
  const n = norm(vectors, start, dim);
  if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`vector ${row} is zero or not finite`);
  for (let i = 0; i < dim; i++) out[i] = vectors[start + i]! / n;
  return out;
}

/** Keeps the k best (highest score) of a stream of (id, score), in a small sorted array. */
export class TopK {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(private readonly k: number) {}

  get worst(): number {
    return this.ids.length < this.k ? -Infinity : this.scores[this.scores.length - 1]!;
  }

  offer(id: number, score: number): void {
    if (this.k === 0 || score <= this.worst) return;
    let i = this.scores.length;
    while (i > 0 && this.scores[i - 1]! < score) i--;
    this.scores.splice(i, 0, score);
    this.ids.splice(i, 0, id);
    if (this.ids.length > this.k) {
      this.ids.pop();
      this.scores.pop();
    }
  }

  hits(): { id: number; score: number }[] {
    return this.ids.map((id, i) => ({ id, score: this.scores[i]! }));
  }
}

/** Turns a filter into predicates over ids; `undefined` when there is no filter. */
export function filterPredicate(filter?: {
  include?: ArrayLike<number>;
  exclude?: ArrayLike<number>;
}): ((id: number) => boolean) | undefined {
  if (!filter || (!filter.include && !filter.exclude)) return undefined;
  const include = filter.include ? new Set(Array.from(filter.include)) : undefined;
  const exclude = filter.exclude ? new Set(Array.from(filter.exclude)) : undefined;
  return (id) => (!include || include.has(id)) && (!exclude || !exclude.has(id));
}
