// Synthetic embeddings: a mixture of Gaussian clusters on the unit sphere. Each cluster has a random unit
// centre; a point is normalise(centre + spread · g/√dim) with g standard normal, so at spread 1 a point
// sits at cosine ≈ 0.71 from its centre and ≈ 0.5 from its cluster-mates, and ≈ 0 from other clusters.
// Isotropic noise in all dimensions makes neighbours within a cluster hard to tell apart: a harder
// test of the first pass than real embeddings, whose clusters are low-dimensional.
import { mulberry32 } from '../../src/vector-index/sign-codes.ts';

export interface ClusterSpec {
  dim: number;
  clusters: number;
  spread?: number;
  seed?: number;
}

export class ClusteredVectors {
  readonly dim: number;
  readonly clusters: number;
  readonly spread: number;
  private readonly centres: Float32Array;
  private readonly random: () => number;
  private spare: number | undefined;

  constructor(spec: ClusterSpec) {
    this.dim = spec.dim;
    this.clusters = spec.clusters;
    this.spread = spec.spread ?? 1;
    this.random = mulberry32(spec.seed ?? 1);
    this.centres = new Float32Array(this.clusters * this.dim);
    for (let c = 0; c < this.clusters; c++) this.fillUnit(this.centres, c * this.dim, undefined, 0);
  }

  /** `count` points (row-major, unit length), each from a cluster picked uniformly at random. */
  sample(count: number, out = new Float32Array(count * this.dim)): Float32Array {
    for (let r = 0; r < count; r++) {
      const c = Math.floor(this.random() * this.clusters);
      this.fillUnit(out, r * this.dim, this.centres, c * this.dim);
    }
    return out;
  }

  private fillUnit(out: Float32Array, at: number, base: Float32Array | undefined, baseAt: number): void {
    const scale = base ? this.spread / Math.sqrt(this.dim) : 1;
    let sq = 0;
    for (let i = 0; i < this.dim; i++) {
      const v = (base ? base[baseAt + i]! : 0) + scale * this.gauss();
      out[at + i] = v;
      sq += v * v;
    }
    const inv = 1 / Math.sqrt(sq);
    for (let i = 0; i < this.dim; i++) out[at + i]! *= inv;
  }

  private gauss(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * this.random();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

/** Exact top-k ids by cosine (rows and queries are unit length), for ground truth. */
export function exactTopK(
  rows: Float32Array,
  count: number,
  dim: number,
  query: Float32Array,
  k: number,
): number[] {
  const bestIds: number[] = [];
  const bestScores: number[] = [];
  for (let r = 0; r < count; r++) {
    let dot = 0;
    for (let i = 0, o = r * dim; i < dim; i++) dot += query[i]! * rows[o + i]!;
    if (bestIds.length === k && dot <= bestScores[k - 1]!) continue;
    let j = bestIds.length;
    while (j > 0 && bestScores[j - 1]! < dot) j--;
    bestIds.splice(j, 0, r);
    bestScores.splice(j, 0, dot);
    if (bestIds.length > k) {
      bestIds.pop();
      bestScores.pop();
    }
  }
  return bestIds;
}

export function recallAtK(found: readonly number[], truth: readonly number[]): number {
  const t = new Set(truth);
  return found.filter((id) => t.has(id)).length / truth.length;
}
