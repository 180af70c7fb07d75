// The keyword index in the library's store (src/library/postings.ts; issue 26), on real IndexedDB: written
// with the segments, so a library opened again answers a keyword query at once, with no catalog read;
// following deletions and rewrites; and built in the background, resumably, for a library an upgrade
// found without one. Its answers are those of the same texts in memory (memory-postings.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB } from 'idb';
import { Library, segmentId } from '../../src/library/library.ts';
import { migrations } from '../../src/library/migrations.ts';
import type { ItemRecord, SegmentRecord } from '../../src/library/records.ts';
import { RemoteCatalog } from '../../src/search/catalog-client.ts';
import { searchKeywords, type PostingSource } from '../../src/search/keyword-search.ts';
import { MemoryPostings } from '../../src/search/memory-postings.ts';
import { itemRecord } from '../support/factories.ts';
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';

let dbCount = 0;
const opened: { lib: Library; name: string }[] = [];
const workers: RemoteCatalog[] = [];

async function open(name: string, list = migrations): Promise<Library> {
  const lib = await Library.open({ name, migrations: list });
  opened.push({ lib, name });
  return lib;
}

afterEach(async () => {
  for (const w of workers.splice(0)) w.terminate();
  const names = new Set(opened.map((o) => o.name));
  for (const { lib } of opened.splice(0)) lib.close();
  for (const name of names) await deleteDB(name);
});

const store = (lib: Library): PostingSource => ({ keywordPostings: (t) => lib.keywordPostings(t) });

const WORDS = 'kite river garden valve plumber recipe bread harbour lighthouse meadow violin'.split(' ');

/** Item n: a note of `chunks` chunks of words picked by n, and item n = 7 says "zanzibar" once. */
function note(n: number, chunks = 3): { item: ItemRecord; segments: SegmentRecord[] } {
  const id = `note-${String(n).padStart(4, '0')}`;
  const segments = Array.from({ length: chunks }, (_, c) => ({
    id: segmentId(id, c),
    itemId: id,
    kind: 'text-chunk' as const,
    spaces: ['text' as const],
    text:
      Array.from({ length: 6 }, (_, w) => WORDS[(n * 7 + c * 3 + w * w) % WORDS.length]).join(' ') +
      (n === 7 && c === 1 ? ' zanzibar' : '') +
      (n === 650 && c === 0 ? ' quetzal' : ''),
  }));
  return { item: itemRecord(id, { kind: 'text', status: 'pending' }), segments };
}

async function addNotes(lib: Library, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += 100) {
    const batch = Array.from({ length: Math.min(100, to - at) }, (_, i) => note(at + i));
    for (const { item } of batch) await lib.addItem(item);
    await lib.writeManyItemResults(
      batch.map(({ item, segments }) => ({ itemId: item.id, results: { segments } })),
    );
  }
}

/** The same texts with the keys the store gave them, in memory. */
async function inMemory(lib: Library): Promise<MemoryPostings> {
  const memory = new MemoryPostings();
  for (const segment of await lib.allSegments())
    if (segment.text && segment.key !== undefined) memory.add(segment.key, segment.text);
  return memory;
}

describe('the keyword index in the store', () => {
  it(
    'answers a reloaded library at once, from the worker, before its catalog is read',
    async () => {
      const name = `trove-keywords-${Date.now()}-${dbCount++}`;
      const lib = await open(name);
      await lib.setMeta('nextSegmentKey', 1900);
      await addNotes(lib, 0, 700);
      const zanzibar = (await lib.getSegments('note-0007'))[1]!.key!;
      // Common words fill more than a block (1,024 postings), appended to a batch at a time.
      const kite = await lib.keywordPostings([{ term: 'kite', prefix: false }]);
      expect(kite.lists[0]!.length).toBeGreaterThan(1);
      expect(kite.lists[0]!.slice(0, -1).every((b) => b.block.length === 2048)).toBe(true);
      // A deletion in the middle of a full block leaves the blocks in key order, without the item.
      await lib.removeItem('note-0100');
      const after = (await lib.keywordPostings([{ term: 'kite', prefix: false }])).lists[0]!;
      const keys = after.flatMap(({ block }) => [...block].filter((_, i) => i % 2 === 0));
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
      expect(keys.length).toBe(
        kite.lists[0]!.reduce((n, b) => n + b.block.length / 2, 0) -
          note(100).segments.filter((seg) => /\bkite\b/.test(seg.text ?? '')).length,
      );
      lib.close();

      const worker = new RemoteCatalog();
      workers.push(worker);
      // The fill reads its first page of items (256 of 699), then waits while the search holds it.
      await worker.hold();
      let filled = false;
      const fill = worker.loadLibrary(name).then(() => (filled = true));
      const [rare, late, common] = await Promise.all([
        worker.lexical('zanzibar', []),
        worker.lexical('quetzal', []),
        worker.lexical('lighthouse harbour', ['violin']),
      ]);
      expect(filled).toBe(false);
      expect(rare).toEqual({
        hits: [expect.objectContaining({ key: zanzibar, coverage: 1, terms: ['zanzibar'] })],
        excluded: [],
      });
      // An item the fill has not read yet (note-0650: pages hold 256 items) is found all the same.
      expect(late.hits.map((h) => h.key)).toEqual([1900 + 3 * 650]);
      const again = await open(name);
      // And they are the hits of the same texts in memory.
      const memory = await inMemory(again);
      expect(common).toEqual(await searchKeywords(memory, 'lighthouse harbour', ['violin']));
      await worker.release();
      await fill;
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'forgets a deleted item and a rewritten item’s old words, with the counts',
    async () => {
      const lib = await open(`trove-keywords-${Date.now()}-${dbCount++}`);
      await addNotes(lib, 0, 20);
      const before = await lib.keywordPostings([]);
      expect(before).toMatchObject({ documents: 60, complete: true });
      const zanzibar = await searchKeywords(store(lib), 'zanzibar');
      expect(zanzibar.hits).toHaveLength(1);

      await lib.removeItem('note-0007');
      expect((await searchKeywords(store(lib), 'zanzibar')).hits).toEqual([]);
      const after = await lib.keywordPostings([{ term: 'zanzibar', prefix: true }]);
      expect(after.documents).toBe(57);
      expect(after.lists).toEqual([[]]);
      expect(await searchKeywords(store(lib), 'kite')).toEqual(
        await searchKeywords(await inMemory(lib), 'kite'),
      );

      // A rewrite replaces the item's words: the old ones go, the new ones come.
      const { item } = note(3);
      const text = 'a walrus in the harbour';
      await lib.writeItemResults(item.id, {
        segments: [
          { id: segmentId(item.id, 0), itemId: item.id, kind: 'text-chunk', spaces: ['text'], text },
        ],
      });
      const walrus = await searchKeywords(store(lib), 'walrus');
      expect(walrus.hits.map((h) => h.terms)).toEqual([['walrus']]);
      expect((await lib.keywordPostings([])).documents).toBe(55);
      expect(await searchKeywords(store(lib), 'harbour')).toEqual(
        await searchKeywords(await inMemory(lib), 'harbour'),
      );

      // A place is a word of its picture.
      await lib.addItem(itemRecord('photo', { status: 'pending' }));
      await lib.writeItemResults('photo', {
        segments: [{ id: segmentId('photo', 0), itemId: 'photo', kind: 'image', spaces: ['clip'] }],
        item: { place: { city: 'Lisbon', country: 'Portugal', countryCode: 'PT' } },
      });
      const [photo] = await lib.getSegments('photo');
      expect((await searchKeywords(store(lib), 'portugal')).hits.map((h) => h.key)).toEqual([photo!.key]);
      await lib.clearAll();
      expect(await lib.keywordPostings([{ term: 'kite', prefix: false }])).toEqual({
        documents: 0,
        totalLength: 0,
        complete: true,
        lists: [[]],
      });
    },
    MAX_TEST_EXECUTION_TIME,
  );

  it(
    'is built for a library from before it, a page at a time, going on where a closed tab stopped',
    async () => {
      const name = `trove-keywords-${Date.now()}-${dbCount++}`;
      // A library of schema 5, written as that schema's code wrote it: no keyword index.
      const old = await open(name, migrations.slice(0, 5));
      let key = 1;
      for (let n = 0; n < 40; n++) {
        const { item, segments } = note(n);
        await old.db.put('items', { ...item, status: 'ready' });
        for (const s of segments) await old.db.put('segments', { ...s, key: key++ });
      }
      await old.db.put('meta', { name: 'nextSegmentKey', value: key });
      old.close();

      const lib = await open(name);
      expect(await lib.keywordPostings([{ term: 'kite', prefix: false }])).toMatchObject({
        complete: false,
        lists: [[]],
      });
      // Items written after the upgrade are indexed as they are written, ahead of the older ones.
      await addNotes(lib, 40, 45);
      expect((await searchKeywords(store(lib), 'kite')).hits.every((h) => h.key > 120)).toBe(true);
      // The tab closes after two pages of 25 segments.
      let pages = 0;
      const closed = new Error('the tab closed');
      await expect(
        lib.indexKeywords(async () => {
          if (++pages === 2) throw closed;
        }, 25),
      ).rejects.toBe(closed);
      const partial = await searchKeywords(store(lib), 'zanzibar');
      expect(partial.pending).toBe(true);
      // Segment keys 1…120: two pages are keys 1…50, so note 7's second chunk (key 23) is in.
      expect(partial.hits.map((h) => h.key)).toEqual([23]);

      const next = await open(name);
      expect(await next.indexKeywords(undefined, 25)).toBe(2);
      const read = await next.keywordPostings([]);
      expect(read).toMatchObject({ documents: 135, complete: true });
      for (const q of ['kite', 'lighthouse harbour', 'zanzibar'])
        expect(await searchKeywords(store(next), q)).toEqual(await searchKeywords(await inMemory(next), q));
    },
    MAX_TEST_EXECUTION_TIME,
  );
});
