// IndexSync.verify, as a tab runs it at open, over a real library store: it rebuilds from the stored vectors
// only the indexes that may not match the store, and says why.
import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { IndexSync } from '../../src/ingest/index-sync.ts';
import { Library, segmentId } from '../../src/library/library.ts';
import type { SegmentRecord, Space } from '../../src/library/records.ts';
import { ExactIndex } from '../../src/vector-index/exact-index.ts';
import type { VectorIndex } from '../../src/vector-index/types.ts';
import { itemRecord } from '../support/factories.ts';

const DIM = 4;
const names: string[] = [];
const libs: Library[] = [];
afterEach(async () => {
  for (const lib of libs.splice(0)) lib.close();
  for (const name of names.splice(0)) await deleteDB(name);
});

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

/** A library with one item of two segments, each with a clip and a text vector (none in clap). */
async function storedLibrary(): Promise<{ lib: Library; keys: number[] }> {
  const name = `trove-index-sync-test-${Date.now()}-${names.length}`;
  names.push(name);
  const lib = await Library.open({ name });
  libs.push(lib);
  await lib.addItem(itemRecord('a', { kind: 'text', status: 'pending' }));
  const segments: SegmentRecord[] = [0, 1].map((i) => ({
    id: segmentId('a', i),
    itemId: 'a',
    kind: 'text-chunk',
    spaces: ['clip', 'text'],
    page: 1,
    charStart: i,
    charEnd: i + 1,
    text: `chunk ${i}`,
  }));
  const vectors = segments.flatMap((s, i) =>
    (['clip', 'text'] as const).map((space) => ({ segmentId: s.id, space, vector: unit(1, i, 0, 0) })),
  );
  const written = await lib.writeItemResults('a', { segments, vectors });
  return { lib, keys: written.segments.map((s) => s.key) };
}

/** In-memory indexes that note which of them were cleared (a rebuild starts by clearing). */
function noteClears(): { indexes: Record<Space, VectorIndex>; cleared: Space[] } {
  const cleared: Space[] = [];
  const indexes = {} as Record<Space, VectorIndex>;
  for (const space of ['clip', 'clap', 'text'] as const) {
    const index = new ExactIndex({ dim: DIM, space });
    const clear = index.clear.bind(index);
    index.clear = () => (cleared.push(space), clear());
    indexes[space] = index;
  }
  return { indexes, cleared };
}

describe('IndexSync.verify', () => {
  it('rebuilds every index from the store when the store changed after the last save', async () => {
    const { lib, keys } = await storedLibrary();
    const { indexes, cleared } = noteClears();
    const sync = new IndexSync(lib, indexes, { persist: false });

    const rebuilt = await sync.verify({});
    const reason = 'the library changed after the index was last saved';
    expect(rebuilt).toEqual([
      { space: 'clip', count: 2, reason },
      { space: 'clap', count: 0, reason },
      { space: 'text', count: 2, reason },
    ]);
    expect(cleared).toEqual(['clip', 'clap', 'text']);
    expect((await indexes.text.search(unit(1, 1, 0, 0), 1)).map((h) => h.id)).toEqual([keys[1]]);
    expect(await indexes.clip.size()).toBe(2);
  });

  it('rebuilds only an index whose count differs from the store, and leaves the others be', async () => {
    const { lib, keys } = await storedLibrary();
    const { indexes, cleared } = noteClears();
    const sync = new IndexSync(lib, indexes, { persist: false });
    await sync.verify({});
    await lib.markIndexed(await lib.meta('vectorsVersion'));
    await indexes.text.remove([keys[0]!]);
    cleared.length = 0;

    expect(await sync.verify({})).toEqual([
      { space: 'text', count: 2, reason: 'the index held 1 vectors, the library 2' },
    ]);
    expect(cleared).toEqual(['text']);
    expect(await indexes.text.size()).toBe(2);
    expect(await sync.verify({})).toEqual([]);
  });

  it('rebuilds an index its engine had to rebuild from a damaged save, with the engine’s reason', async () => {
    const { lib } = await storedLibrary();
    const { indexes, cleared } = noteClears();
    const sync = new IndexSync(lib, indexes, { persist: false });
    await sync.verify({});
    await lib.markIndexed(await lib.meta('vectorsVersion'));
    cleared.length = 0;

    const damaged = { count: 0, rebuilt: true, message: 'chunk 0 failed its checksum', millis: 1 };
    expect(await sync.verify({ clip: damaged })).toEqual([
      { space: 'clip', count: 2, reason: 'chunk 0 failed its checksum' },
    ]);
    expect(cleared).toEqual(['clip']);
  });

  it('compares each index with its size when saved, not with a count of the store, once sizes are recorded', async () => {
    const { lib, keys } = await storedLibrary();
    const { indexes, cleared } = noteClears();
    // A persisting sync records the sizes with the version it saved. These in-memory indexes have no
    // storage of their own to save to (the engines' persistence is tested with them).
    for (const index of Object.values(indexes))
      index.persist = () => Promise.resolve({ chunksWritten: 0, persistedBytes: 0, millis: 0 });
    const saving = new IndexSync(lib, indexes);
    await saving.verify({});
    await saving.flush();
    saving.close();
    expect(await lib.indexedSizes()).toEqual({ clip: 2, clap: 0, text: 2 });

    let counted = 0;
    const count = lib.countVectors.bind(lib);
    lib.countVectors = (space) => (counted++, count(space));
    const sync = new IndexSync(lib, indexes, { persist: false });
    expect(await sync.verify({})).toEqual([]);
    await indexes.text.remove([keys[0]!]);
    cleared.length = 0;
    expect(await sync.verify({})).toEqual([
      { space: 'text', count: 2, reason: 'the index held 1 vectors, 2 when it was saved' },
    ]);
    expect(cleared).toEqual(['text']);
    expect(counted).toBe(0);
    // Marked without sizes (some spaces only), the opening counts the store again.
    await lib.markIndexed(await lib.meta('vectorsVersion'));
    expect(await lib.indexedSizes()).toBeUndefined();
    expect(await sync.verify({})).toEqual([]);
    expect(counted).toBe(3);
  });
});
