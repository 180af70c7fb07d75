// A posting index in memory, for a search catalog that is not backed by the library's store (one built in
// the page or in Node, as the tests and the calibration study build theirs). It answers keyword searches
// exactly as the store's index does (src/library/postings.ts): the same terms, counts and postings.
import { packPosting, type PostingsRead, type TermRead } from '../library/records.ts';
import type { PostingSource } from './keyword-search.ts';
import { keywordDocument } from './tokenize.ts';

export class MemoryPostings implements PostingSource {
  /** term → segment key → packed (tf, length). */
  private readonly index = new Map<string, Map<number, number>>();
  /** The text each key was added with, to remove it again. */
  private readonly texts = new Map<number, string>();
  private length = 0;

  /** Segments in the index (those with at least one term). */
  get size(): number {
    return this.texts.size;
  }

  add(key: number, text: string): void {
    if (this.texts.has(key)) throw new Error(`segment ${key} is already in the keyword index`);
    const { terms, length } = keywordDocument(text);
    if (terms.size === 0) return;
    this.texts.set(key, text);
    this.length += length;
    for (const [term, tf] of terms) {
      let postings = this.index.get(term);
      if (!postings) this.index.set(term, (postings = new Map()));
      postings.set(key, packPosting(tf, length));
    }
  }

  remove(key: number): void {
    const text = this.texts.get(key);
    if (text === undefined) return;
    this.texts.delete(key);
    const { terms, length } = keywordDocument(text);
    this.length -= length;
    for (const term of terms.keys()) {
      const postings = this.index.get(term)!;
      postings.delete(key);
      if (postings.size === 0) this.index.delete(term);
    }
  }

  keywordPostings(terms: readonly TermRead[]): Promise<PostingsRead> {
    const lists = terms.map(({ term, prefix }) =>
      [...this.index.keys()]
        .filter((t) => t === term || (prefix && t.startsWith(term)))
        .sort()
        .map((t) => ({ term: t, block: inKeyOrder(this.index.get(t)!) })),
    );
    return Promise.resolve({ documents: this.size, totalLength: this.length, complete: true, lists });
  }
}

/** A term's postings as a block: [key, packed] pairs in key order (keys mostly come in that order). */
function inKeyOrder(postings: Map<number, number>): Uint32Array {
  const block = new Uint32Array(postings.size * 2);
  let i = 0;
  let sorted = true;
  for (const [key, packed] of postings) {
    if (i > 0 && block[i - 2]! > key) sorted = false;
    block[i++] = key;
    block[i++] = packed;
  }
  if (sorted) return block;
  const pairs = [...postings].sort((a, b) => a[0] - b[0]);
  return Uint32Array.from(pairs.flat());
}
