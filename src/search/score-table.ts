// Per-segment sums of keyword scores, and the best few of them. A common word brings hundreds of thousands
// of postings (a word in a fifth of a million segments: 200,000); summed in a Map and sorted whole they
// took 250–400 ms in the browser under load, so over a dense range of keys the sums go in typed arrays,
// and the best `limit` are kept in a heap instead of sorting every candidate.

export interface ScoredKey {
  key: number;
  /** The summed score times the number of query terms matched. */
  score: number;
  /** How many query terms matched. */
  found: number;
}

/** Below this many keys per posting, a Map is smaller than arrays spanning the keys. */
const DENSE_SPAN_PER_POSTING = 8;
const MAX_DENSE_SPAN = 1 << 24;

export class ScoreTable {
  private readonly dense: { from: number; sum: Float64Array; mask: Uint32Array; touched: number[] } | null;
  private readonly sums = new Map<number, number>();
  private readonly masks = new Map<number, number>();

  /** `from`…`to`: the range of keys that will be added; `postings`: about how many adds to expect. */
  constructor(from: number, to: number, postings: number) {
    const span = to - from + 1;
    this.dense =
      span > 0 && span <= MAX_DENSE_SPAN && span <= postings * DENSE_SPAN_PER_POSTING
        ? { from, sum: new Float64Array(span), mask: new Uint32Array(span), touched: [] }
        : null;
  }

  /** Adds a score to a key, noting the query term (`bit`, a power of two) it came from. */
  add(key: number, score: number, bit: number): void {
    const d = this.dense;
    if (d) {
      const i = key - d.from;
      if (d.mask[i] === 0 && d.sum[i] === 0) d.touched.push(key);
      d.sum[i]! += score;
      d.mask[i]! |= bit;
      return;
    }
    this.sums.set(key, (this.sums.get(key) ?? 0) + score);
    this.masks.set(key, (this.masks.get(key) ?? 0) | bit);
  }

  /** The best `limit` keys that `allowed` accepts, best first (ties by key). */
  top(limit: number, allowed?: (key: number) => boolean): ScoredKey[] {
    const heap = new MinHeap(limit);
    const d = this.dense;
    if (d)
      for (const key of d.touched) {
        const found = bits(d.mask[key - d.from]!);
        heap.offer(key, d.sum[key - d.from]! * found, found, allowed);
      }
    else
      for (const [key, sum] of this.sums) {
        const found = bits(this.masks.get(key)!);
        heap.offer(key, sum * found, found, allowed);
      }
    return heap.sorted();
  }
}

function bits(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/** The `size` best of what it is offered (by score, then the smaller key), worst at the root. */
class MinHeap {
  private readonly items: ScoredKey[] = [];
  constructor(private readonly size: number) {}

  offer(key: number, score: number, found: number, allowed?: (key: number) => boolean): void {
    if (this.size <= 0) return;
    const full = this.items.length >= this.size;
    if (full && !better(score, key, this.items[0]!)) return;
    // The filter only for what would be kept: it looks up the item, the costly part.
    if (allowed && !allowed(key)) return;
    const entry = { key, score, found };
    if (!full) {
      this.items.push(entry);
      this.up(this.items.length - 1);
    } else {
      this.items[0] = entry;
      this.down(0);
    }
  }

  sorted(): ScoredKey[] {
    return [...this.items].sort((a, b) => b.score - a.score || a.key - b.key);
  }

  private up(i: number): void {
    const a = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(a[parent]!.score, a[parent]!.key, a[i]!)) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < a.length && better(a[worst]!.score, a[worst]!.key, a[l]!)) worst = l;
      if (r < a.length && better(a[worst]!.score, a[worst]!.key, a[r]!)) worst = r;
      if (worst === i) return;
      [a[worst], a[i]] = [a[i]!, a[worst]!];
      i = worst;
    }
  }
}

/** Whether (score, key) ranks above `other`. */
function better(score: number, key: number, other: ScoredKey): boolean {
  return score > other.score || (score === other.score && key < other.key);
}
