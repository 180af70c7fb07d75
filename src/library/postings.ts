// The keyword (BM25) index, kept in the library's own store (`postings`) and written in the same
// transaction as the segments it indexes, so it is never rebuilt at start and never disagrees with them:
// a write of an item's results posts its segments' terms (and drops those of the results it replaces), a
// deletion drops its segments' terms, an import or a migration leaves the segments it brought to
// indexKeywordPage, which indexes them a page at a time in the background (resumable: where it is, is in
// `meta`). A search reads only the postings of its own terms (readPostings); src/search scores them.
import type { IDBPDatabase } from 'idb';
import { keywordDocument } from '../search/tokenize.ts';
import {
  POSTINGS_PER_BLOCK,
  keywordTexts,
  packPosting,
  type ItemRecord,
  type LibrarySchema,
  type PostingBlock,
  type PostingsRead,
  type SegmentRecord,
  type TermRead,
} from './records.ts';
import type { MetaStore } from './counters.ts';
import { inWriteTransaction, type Track } from './write-tx.ts';

/** The postings store of any transaction that has it. */
export interface PostingStore {
  openCursor(
    range: IDBKeyRange,
    direction: 'prev',
  ): Promise<{ key: [string, number]; value: PostingBlock } | null>;
  getAll(range: IDBKeyRange): Promise<PostingBlock[]>;
  getAllKeys(range: IDBKeyRange): Promise<[string, number][]>;
  put(value: PostingBlock, key: [string, number]): Promise<unknown>;
  delete(key: [string, number]): Promise<unknown>;
}

/** One term's changes in one write: postings to add, keys to remove, and the range of keys they touch. */
interface TermChange {
  term: string;
  /** [key, packed] pairs. */
  add: number[];
  remove: Set<number>;
  from: number;
  to: number;
}

/** A block as stored, by its key [term, first segment key]. */
interface Stored {
  key: [string, number];
  block: PostingBlock;
}

/**
 * The keyword index's changes of one write, gathered while its records are written and then applied in
 * the same transaction: for each term, the blocks its changed keys fall in are read once (two requests)
 * and written back once.
 */
export class KeywordChanges {
  private readonly terms = new Map<string, TermChange>();
  private documents = 0;
  private length = 0;
  /** Segments to remove, with their length: counted out only if their postings were there. */
  private readonly removed = new Map<number, number>();

  /** The segments of an item as written (or as they were, for `remove`), by the rule of keywordTexts. */
  addItem(item: Pick<ItemRecord, 'place'>, segments: readonly SegmentRecord[]): void {
    for (const [key, text] of keywordTexts(item, keyed(segments))) this.add(key, text);
  }

  removeItem(item: Pick<ItemRecord, 'place'>, segments: readonly SegmentRecord[]): void {
    for (const [key, text] of keywordTexts(item, keyed(segments))) this.remove(key, text);
  }

  add(key: number, text: string): void {
    const { terms, length } = keywordDocument(text);
    if (terms.size === 0) return;
    this.documents++;
    this.length += length;
    for (const [term, tf] of terms) this.change(term, key).add.push(key, packPosting(tf, length));
  }

  remove(key: number, text: string): void {
    const { terms, length } = keywordDocument(text);
    if (terms.size === 0) return;
    this.removed.set(key, length);
    for (const term of terms.keys()) this.change(term, key).remove.add(key);
  }

  get empty(): boolean {
    return this.terms.size === 0;
  }

  /** Reads every block touched, writes it back changed, and updates the counts in `meta`. */
  async apply(store: PostingStore, meta: MetaStore, track: Track): Promise<void> {
    if (this.empty) return;
    const changes = [...this.terms.values()];
    const [touched, documents, length] = await Promise.all([
      Promise.all(changes.map((c) => track(blocksOf(store, c)))),
      meta.get('keywordDocuments'),
      meta.get('keywordLength'),
    ]);
    const found = new Set<number>();
    changes.forEach((change, i) => {
      const old = touched[i]!;
      const next = rechunked(merged(old, change, found), change.term);
      if (!next) return;
      const kept = new Set(next.map((n) => n.key[1]));
      const before = new Map(old.map((o) => [o.key[1], o.block]));
      for (const { key } of old) if (!kept.has(key[1])) track(store.delete(key));
      // A full block that an append left as it was is not written again.
      for (const { key, block } of next) if (!same(before.get(key[1]), block)) track(store.put(block, key));
    });
    let docs = (documents?.value ?? 0) + this.documents;
    let total = (length?.value ?? 0) + this.length;
    for (const key of found) {
      docs--;
      total -= this.removed.get(key) ?? 0;
    }
    track(meta.put({ name: 'keywordDocuments', value: Math.max(0, docs) }));
    track(meta.put({ name: 'keywordLength', value: Math.max(0, total) }));
  }

  private change(term: string, key: number): TermChange {
    let change = this.terms.get(term);
    if (!change) this.terms.set(term, (change = { term, add: [], remove: new Set(), from: key, to: key }));
    change.from = Math.min(change.from, key);
    change.to = Math.max(change.to, key);
    return change;
  }
}

function keyed(segments: readonly SegmentRecord[]) {
  return segments.flatMap((segment) => (segment.key === undefined ? [] : [{ key: segment.key, segment }]));
}

/**
 * The blocks of a term that keys from…to fall in: the one that begins at or before `from` (a block holds
 * the keys from its first to the next block's first), and those that begin after it, up to `to`.
 */
async function blocksOf(store: PostingStore, { term, from, to }: TermChange): Promise<Stored[]> {
  const within = to > from ? IDBKeyRange.bound([term, from], [term, to], true, false) : undefined;
  const [before, keys, blocks] = await Promise.all([
    store.openCursor(IDBKeyRange.bound([term], [term, from]), 'prev'),
    within ? store.getAllKeys(within) : [],
    within ? store.getAll(within) : [],
  ]);
  const out: Stored[] = before ? [{ key: before.key, block: before.value }] : [];
  keys.forEach((key, i) => out.push({ key, block: blocks[i]! }));
  return out;
}

/**
 * The postings of a term's touched blocks with a change applied, in key order, or null when nothing
 * changed; keys removed are noted in `found`.
 */
function merged(old: Stored[], change: TermChange, found: Set<number>): Uint32Array | null {
  const { add } = change;
  let ascending = true;
  for (let i = 2; i < add.length && ascending; i += 2) ascending = add[i - 2]! < add[i]!;
  const last = old.at(-1)?.block;
  // The common case, new segments after every key there is: appended, no map.
  if (change.remove.size === 0 && ascending && add.length && (!last?.length || last.at(-2)! < add[0]!)) {
    const before = old.reduce((n, o) => n + o.block.length, 0);
    const out = new Uint32Array(before + add.length);
    let at = 0;
    for (const { block } of old) out.set(block, (at += block.length) - block.length);
    out.set(add, before);
    return out;
  }
  const pairs = new Map<number, number>();
  let changed = add.length > 0;
  for (const { block } of old)
    for (let i = 0; i < block.length; i += 2) {
      if (change.remove.has(block[i]!)) {
        found.add(block[i]!);
        changed = true;
      } else pairs.set(block[i]!, block[i + 1]!);
    }
  if (!changed) return null;
  for (let i = 0; i < add.length; i += 2) pairs.set(add[i]!, add[i + 1]!);
  const keys = [...pairs.keys()].sort((a, b) => a - b);
  const out = new Uint32Array(keys.length * 2);
  keys.forEach((k, i) => {
    out[i * 2] = k;
    out[i * 2 + 1] = pairs.get(k)!;
  });
  return out;
}

function same(a: PostingBlock | undefined, b: PostingBlock): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Postings cut into blocks of POSTINGS_PER_BLOCK, each keyed by its first segment key. */
function rechunked(postings: Uint32Array | null, term: string): Stored[] | null {
  if (!postings) return null;
  const out: Stored[] = [];
  for (let i = 0; i < postings.length; i += POSTINGS_PER_BLOCK * 2) {
    const block = postings.slice(i, i + POSTINGS_PER_BLOCK * 2);
    out.push({ key: [term, block[0]!], block });
  }
  return out;
}

/**
 * Indexes the next page of the segments an import or a migration left to index (keys in
 * [keywordFrom, keywordTo)), in one transaction that also moves keywordFrom past them, so a tab closed
 * midway goes on where it stopped, and two tabs share the work. Returns true when nothing is left.
 */
export async function indexKeywordPage(db: IDBPDatabase<LibrarySchema>, pageSize: number): Promise<boolean> {
  return inWriteTransaction(db, ['segments', 'items', 'postings', 'meta'], async (tx, track) => {
    const meta = tx.objectStore('meta');
    const [fromRecord, toRecord] = await Promise.all([meta.get('keywordFrom'), meta.get('keywordTo')]);
    const from = fromRecord?.value ?? 0;
    const to = toRecord?.value ?? 0;
    if (from >= to) return true;
    const segments = await tx
      .objectStore('segments')
      .index('key')
      .getAll(IDBKeyRange.bound(from, to, false, true), pageSize);
    const itemIds = [...new Set(segments.map((s) => s.itemId))];
    const items = await Promise.all(itemIds.map((id) => tx.objectStore('items').get(id)));
    // A place goes on an item's first segment without text (keywordTexts), which may be on another page:
    // the segments of an item with a place are read whole, and only this page's keys are indexed.
    const bySegments = await Promise.all(
      items.map((item) =>
        item?.place ? tx.objectStore('segments').index('itemId').getAll(item.id) : undefined,
      ),
    );
    const onPage = new Set(segments.map((s) => s.key));
    const changes = new KeywordChanges();
    items.forEach((item, i) => {
      if (!item) return;
      const own = bySegments[i] ?? segments.filter((s) => s.itemId === item.id);
      for (const [key, text] of keywordTexts(item, keyed(own))) if (onPage.has(key)) changes.add(key, text);
    });
    await changes.apply(tx.objectStore('postings'), meta, track);
    const next = segments.length < pageSize ? to : segments[segments.length - 1]!.key! + 1;
    track(meta.put({ name: 'keywordFrom', value: next }));
    return next >= to;
  });
}

/** indexKeywordPage until nothing is left, awaiting `between` after each page; returns the pages indexed. */
export async function indexKeywords(
  db: IDBPDatabase<LibrarySchema>,
  between?: () => Promise<void>,
  pageSize = 512,
): Promise<number> {
  let pages = 0;
  while (!(await indexKeywordPage(db, pageSize))) {
    pages++;
    await between?.();
  }
  return pages;
}

/** The postings of some terms, with the index's counts, in one transaction. */
export async function readPostings(
  db: IDBPDatabase<LibrarySchema>,
  terms: readonly TermRead[],
): Promise<PostingsRead> {
  const tx = db.transaction(['postings', 'meta'], 'readonly');
  const meta = tx.objectStore('meta');
  const store = tx.objectStore('postings');
  const [documents, totalLength, from, to, lists] = await Promise.all([
    meta.get('keywordDocuments'),
    meta.get('keywordLength'),
    meta.get('keywordFrom'),
    meta.get('keywordTo'),
    Promise.all(
      terms.map(async ({ term, prefix }) => {
        // [term] sorts before every [term, block]; [term + '\uffff'] after every longer term it begins.
        const range = IDBKeyRange.bound([term], prefix ? [`${term}\uffff`] : [term, Infinity]);
        const [keys, blocks] = await Promise.all([store.getAllKeys(range), store.getAll(range)]);
        return blocks.map((block, i) => ({ term: keys[i]![0], block }));
      }),
    ),
  ]);
  await tx.done;
  return {
    documents: documents?.value ?? 0,
    totalLength: totalLength?.value ?? 0,
    complete: (from?.value ?? 0) >= (to?.value ?? 0),
    lists,
  };
}
