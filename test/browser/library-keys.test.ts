// Integer segment keys (the ids the vector indexes use) and the vector version counters, in real IndexedDB:
// given in the results transaction, unique, never reused; schema v2 gives keys to segments stored by v1.
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { Library, segmentId } from '../../src/library/library.ts';
import { migrations } from '../../src/library/migrations.ts';
import type { ItemRecord, SegmentRecord } from '../../src/library/records.ts';
import { itemRecord } from '../support/factories.ts';

const names: string[] = [];
const libs: Library[] = [];
afterEach(async () => {
  for (const lib of libs.splice(0)) lib.close();
  for (const name of names.splice(0)) await deleteDB(name);
});

function fresh(): string {
  const name = `trove-keys-test-${Date.now()}-${names.length}`;
  names.push(name);
  return name;
}

async function open(name: string, list = migrations): Promise<Library> {
  const lib = await Library.open({ name, migrations: list });
  libs.push(lib);
  return lib;
}

const item = (id: string): ItemRecord =>
  itemRecord(id, { kind: 'text', mime: 'text/plain', status: 'pending' });

const chunk = (itemId: string, i: number): SegmentRecord => ({
  id: segmentId(itemId, i),
  itemId,
  kind: 'text-chunk',
  spaces: ['text'],
  page: 1,
  charStart: i,
  charEnd: i + 1,
  text: `chunk ${i}`,
});

const vector = (seg: SegmentRecord) => ({
  segmentId: seg.id,
  space: 'text' as const,
  vector: new Float32Array([1, 0]),
});

describe('segment keys', () => {
  it('are given when results are written, unique and never reused, and a rewrite reports the keys it replaced', async () => {
    const lib = await open(fresh());
    await lib.addItem(item('a'));
    await lib.addItem(item('b'));
    const segsA = [0, 1, 2].map((i) => chunk('a', i));
    const first = await lib.writeItemResults('a', { segments: segsA, vectors: segsA.map(vector) });
    expect(first.segments.map((s) => s.key)).toEqual([1, 2, 3]);
    expect(first.removedKeys).toEqual([]);
    const b = await lib.writeItemResults('b', { segments: [chunk('b', 0)] });
    expect(b.segments[0]!.key).toBe(4);

    const again = await lib.writeItemResults('a', {
      segments: segsA.slice(0, 2),
      vectors: segsA.slice(0, 2).map(vector),
    });
    expect(again.segments.map((s) => s.key)).toEqual([5, 6]);
    expect([...again.removedKeys].sort()).toEqual([1, 2, 3]);
    expect((await lib.segmentByKey(5))?.id).toBe(segsA[0]!.id);
    expect(await lib.segmentByKey(1)).toBeUndefined();

    const removed = await lib.removeItem('a');
    expect([...removed!.keys].sort()).toEqual([5, 6]);
    await lib.clearAll();
    await lib.addItem(item('c'));
    const c = await lib.writeItemResults('c', { segments: [chunk('c', 0)] });
    expect(c.segments[0]!.key).toBe(7);
  });

  it('count vector changes, so a crash between a store write and an index save can be detected', async () => {
    const lib = await open(fresh());
    const v0 = await lib.meta('vectorsVersion');
    await lib.addItem(item('a'));
    const seg = chunk('a', 0);
    await lib.writeItemResults('a', { segments: [seg], vectors: [vector(seg)] });
    const v1 = await lib.meta('vectorsVersion');
    expect(v1).toBeGreaterThan(v0);
    // A write without vectors that replaces none changes nothing the index holds.
    await lib.addItem(item('b'));
    await lib.writeItemResults('b', { segments: [chunk('b', 0)] });
    expect(await lib.meta('vectorsVersion')).toBe(v1);
    await lib.deleteItem('a');
    expect(await lib.meta('vectorsVersion')).toBeGreaterThan(v1);
  });

  it('are given by the v2 migration to segments a v1 library stored, in one upgrade', async () => {
    const name = fresh();
    const v1 = await open(name, migrations.slice(0, 1));
    expect(v1.db.version).toBe(1);
    v1.close();
    // Segments as schema v1 stored them, without keys.
    const raw = await openDB(name, 1);
    await raw.put('items', item('old'));
    for (const i of [0, 1, 2]) await raw.put('segments', chunk('old', i));
    raw.close();

    const lib = await open(name);
    expect(lib.db.version).toBe(migrations.length);
    const keys = (await lib.getSegments('old')).map((s) => s.key);
    expect([...keys].sort()).toEqual([1, 2, 3]);
    expect(await lib.meta('nextSegmentKey')).toBe(4);
    // The vector indexes were never told about v1's vectors: versions differ, so they are rebuilt on open.
    expect(await lib.meta('vectorsVersion')).not.toBe(await lib.meta('indexedVersion'));
    await lib.addItem(item('new'));
    const written = await lib.writeItemResults('new', { segments: [chunk('new', 0)] });
    expect(written.segments[0]!.key).toBe(4);
  });

  it('index the items an earlier library stored by their stored copy, in the v3 migration', async () => {
    const name = fresh();
    (await open(name, migrations.slice(0, 2))).close();
    const raw = await openDB(name, 2);
    await raw.put('items', { ...item('copied'), source: { kind: 'opfs', path: 'originals/copied' } });
    await raw.put('items', item('uncopied'));
    raw.close();

    const lib = await open(name);
    expect(lib.db.version).toBeGreaterThanOrEqual(3);
    expect(await lib.db.getAllKeysFromIndex('items', 'sourcePath', 'originals/copied')).toEqual(['copied']);
    expect(await lib.db.countFromIndex('items', 'sourcePath')).toBe(1);
  });
});
