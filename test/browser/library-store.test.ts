import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB } from 'idb';
import { Library, ItemGoneError, segmentId } from '../../src/library/library.ts';
import { migrations, type Migration } from '../../src/library/migrations.ts';
import { deleteOriginal, listOriginals, openOriginal, saveOriginal } from '../../src/library/originals.ts';
import { sha256OfBlob } from '../../src/ingest/content-hash.ts';
import type { ItemRecord, SegmentRecord } from '../../src/library/records.ts';
import { itemRecord } from '../support/factories.ts';

let dbCount = 0;
const opened: { lib: Library; name: string }[] = [];

async function freshLibrary(extra: Partial<Parameters<typeof Library.open>[0]> = {}) {
  const name = `trove-library-test-${Date.now()}-${dbCount++}`;
  const lib = await Library.open({ name, ...extra });
  opened.push({ lib, name });
  return { lib, name };
}

afterEach(async () => {
  for (const { lib, name } of opened.splice(0)) {
    lib.close();
    await deleteDB(name);
  }
});

function item(id: string, patch: Partial<ItemRecord> = {}): ItemRecord {
  return itemRecord(id, {
    name: `${id}.png`,
    mime: 'image/png',
    size: 10,
    mtime: 1_700_000_000_000,
    status: 'pending',
    addedAt: Date.now(),
    updatedAt: Date.now(),
    ...patch,
  });
}

function unitVector(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sin(seed * 1000 + i * 0.37);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('the library store (real IndexedDB)', () => {
  it('creates every store and records the applied migration', async () => {
    const { lib } = await freshLibrary();
    expect([...lib.db.objectStoreNames].sort()).toEqual(
      [
        'folders',
        'item-counts',
        'items',
        'jobs',
        'meta',
        'migrations',
        'segments',
        'thumbnails',
        'postings',
        'vectors',
        'staged-items',
        'staged-segments',
        'staged-vectors',
        'staged-thumbnails',
      ].sort(),
    );
    const applied = await lib.appliedMigrations();
    expect(applied.map((m) => m.version)).toEqual(migrations.map((m) => m.version));
    expect(lib.db.version).toBe(migrations.length);
  });

  it('upgrades an existing database, keeping its data and recording the new migration', async () => {
    const { lib, name } = await freshLibrary();
    await lib.addItem(item('a', { sha256: 'aa' }));
    lib.close();
    const v2: Migration = {
      version: migrations.length + 1,
      name: 'test: index items by kind',
      up(_db, tx) {
        tx.objectStore('items').createIndex('kind', 'kind');
      },
    };
    const upgraded = await Library.open({ name, migrations: [...migrations, v2] });
    opened.push({ lib: upgraded, name });
    expect(upgraded.db.version).toBe(migrations.length + 1);
    expect((await upgraded.appliedMigrations()).map((m) => m.name)).toEqual([
      ...migrations.map((m) => m.name),
      v2.name,
    ]);
    expect((await upgraded.getItem('a'))?.sha256).toBe('aa');
    // The test migration added an index the current schema type does not know.
    expect(upgraded.db.transaction('items').store.indexNames.contains('kind' as 'status')).toBe(true);
  });

  it('leaves the database untouched when a migration fails', async () => {
    const { lib, name } = await freshLibrary();
    await lib.addItem(item('a'));
    lib.close();
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'test: fails halfway',
      async up(_db, tx) {
        await tx.objectStore('items').delete('a');
        throw new Error('boom');
      },
    };
    await expect(Library.open({ name, migrations: [...migrations, broken] })).rejects.toThrow(/boom/);
    const again = await Library.open({ name });
    opened.push({ lib: again, name });
    expect(again.db.version).toBe(migrations.length);
    expect(await again.getItem('a')).toBeDefined();
  });

  it('round-trips binary vectors exactly, as Float32Array', async () => {
    const { lib } = await freshLibrary();
    await lib.addItem(item('img'));
    const seg: SegmentRecord = { id: segmentId('img', 0), itemId: 'img', kind: 'image', spaces: ['clip'] };
    const v = unitVector(512, 1);
    await lib.writeItemResults('img', {
      segments: [seg],
      vectors: [{ segmentId: seg.id, space: 'clip', vector: v }],
    });
    const back = await lib.getVector(seg.id, 'clip');
    expect(back?.vector).toBeInstanceOf(Float32Array);
    expect(back?.vector.length).toBe(512);
    expect(Array.from(back!.vector)).toEqual(Array.from(v));
    expect(back?.itemId).toBe('img');
    expect((await lib.vectorsOfSpace('clip')).map((r) => r.segmentId)).toEqual([seg.id]);
    expect(await lib.vectorsOfSpace('clap')).toEqual([]);
  });

  it('stores an ingested thumbnail as its Blob and hands it back as a Blob; a record of bytes reads the same', async () => {
    const { lib } = await freshLibrary();
    await lib.addItem(item('img'));
    const seg: SegmentRecord = {
      id: segmentId('img', 0),
      itemId: 'img',
      kind: 'image',
      spaces: ['clip'],
      thumbnailId: 'img:t0',
    };
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 250, 0xff, 0xd9]);
    await lib.writeItemResults('img', {
      segments: [seg],
      vectors: [{ segmentId: seg.id, space: 'clip', vector: unitVector(8, 1) }],
      thumbnails: [{ id: 'img:t0', blob: new Blob([jpeg], { type: 'image/jpeg' }), width: 4, height: 3 }],
    });
    // As stored: the Blob (which Chromium keeps as a file of its own, outside LevelDB), no bytes.
    const raw = await lib.db.get('thumbnails', 'img:t0');
    expect(raw?.bytes).toBeUndefined();
    expect(raw?.blob).toBeInstanceOf(Blob);
    expect(Array.from(new Uint8Array(await raw!.blob!.arrayBuffer()))).toEqual(Array.from(jpeg));
    expect(raw?.blob?.type).toBe('image/jpeg');
    // As handed out: a Blob with the same bytes and type.
    const back = await lib.getThumbnail('img:t0');
    expect(back).toMatchObject({ id: 'img:t0', itemId: 'img', width: 4, height: 3 });
    expect(back!.blob.type).toBe('image/jpeg');
    expect(Array.from(new Uint8Array(await back!.blob.arrayBuffer()))).toEqual(Array.from(jpeg));

    // A record of bytes (what an import, or an earlier version of Trove, writes) reads the same way.
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const bytes = svg.buffer.slice(svg.byteOffset, svg.byteOffset + svg.byteLength) as ArrayBuffer;
    await lib.db.put('thumbnails', {
      id: 'img:t1',
      itemId: 'img',
      bytes,
      type: 'image/svg+xml',
      width: 16,
      height: 12,
    });
    const old = await lib.getThumbnail('img:t1');
    expect(old!.blob.type).toBe('image/svg+xml');
    expect(await old!.blob.text()).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const all = await lib.thumbnailsOfItem('img');
    expect(all.map((t) => [t.id, t.blob.type, t.blob.size])).toEqual([
      ['img:t0', 'image/jpeg', jpeg.length],
      ['img:t1', 'image/svg+xml', svg.byteLength],
    ]);
  });

  it('makes the same content one item', async () => {
    const { lib } = await freshLibrary();
    const first = await lib.addItem(item('one', { sha256: 'same' }));
    const second = await lib.addItem(item('two', { name: 'copy.png', sha256: 'same' }));
    expect(first.existing).toBe(false);
    expect(second.existing).toBe(true);
    expect(second.item.id).toBe('one');
    expect((await lib.listItems()).length).toBe(1);
    // Items whose hash is not known yet do not collide with each other.
    await lib.addItem(item('x'));
    await lib.addItem(item('y'));
    expect((await lib.listItems()).length).toBe(3);
    // Even racing adds of the same content, as from two tabs, end as one item.
    const raced = await Promise.all([
      lib.addItem(item('r1', { sha256: 'race' })),
      lib.addItem(item('r2', { sha256: 'race' })),
    ]);
    expect(raced.filter((r) => !r.existing)).toHaveLength(1);
    expect(new Set(raced.map((r) => r.item.id)).size).toBe(1);
  });

  it('writes an item’s results in one transaction: a bad batch writes nothing', async () => {
    const { lib } = await freshLibrary();
    await lib.addItem(item('vid', { kind: 'video' }));
    const segments: SegmentRecord[] = [0, 2, 4].map((t, i) => ({
      id: segmentId('vid', i),
      itemId: 'vid',
      kind: 'frame',
      spaces: ['clip'],
      t0: t,
      t1: t,
    }));
    // A thumbnail that cannot be stored (a function is not structured-cloneable) fails mid-transaction.
    const bad = { id: 'thumb', width: 1, height: 1, blob: (() => 0) as unknown as Blob };
    await expect(
      lib.writeItemResults('vid', {
        segments,
        vectors: segments.map((s, i) => ({
          segmentId: s.id,
          space: 'clip' as const,
          vector: unitVector(8, i),
        })),
        thumbnails: [bad],
      }),
    ).rejects.toThrow();
    expect(await lib.getSegments('vid')).toEqual([]);
    expect(await lib.vectorsOfItem('vid')).toEqual([]);
    expect((await lib.getItem('vid'))?.status).toBe('pending');
  });

  it('rewriting an item’s results replaces the earlier ones and can complete its job', async () => {
    const { lib } = await freshLibrary();
    await lib.addItem(item('doc', { kind: 'text' }));
    await lib.putJob({
      id: 'job-doc',
      itemId: 'doc',
      state: 'running',
      attempts: 1,
      createdAt: 0,
      updatedAt: 0,
    });
    const chunk = (i: number): SegmentRecord => ({
      id: segmentId('doc', i),
      itemId: 'doc',
      kind: 'text-chunk',
      spaces: ['text'],
      page: 1,
      charStart: i * 10,
      charEnd: i * 10 + 10,
      text: `chunk ${i}`,
    });
    await lib.writeItemResults('doc', { segments: [0, 1, 2].map(chunk) });
    const written = await lib.writeItemResults('doc', {
      segments: [chunk(0)],
      vectors: [{ segmentId: chunk(0).id, space: 'text', vector: unitVector(4, 0) }],
      item: { media: { pageCount: 1 } },
      completeJobId: 'job-doc',
    });
    expect(written.item.status).toBe('ready');
    expect(written.item.media?.pageCount).toBe(1);
    expect((await lib.getSegments('doc')).map((s) => s.id)).toEqual([chunk(0).id]);
    expect((await lib.getJob('job-doc'))?.state).toBe('done');
    expect((await lib.segmentsOfKind('text-chunk')).length).toBe(1);
  });

  it('an item added with its job is marked never written until its first results, which later ones replace', async () => {
    const { lib } = await freshLibrary();
    const job = {
      id: 'job-pic',
      itemId: 'pic',
      state: 'queued',
      attempts: 0,
      createdAt: 0,
      updatedAt: 0,
    } as const;
    const added = await lib.addItemWithJob(item('pic'), job);
    expect(added.item.neverWritten).toBe(true);
    expect((await lib.getItem('pic'))?.neverWritten).toBe(true);
    const seg = (i: number): SegmentRecord => ({
      id: segmentId('pic', i),
      itemId: 'pic',
      kind: 'image',
      spaces: ['clip'],
    });
    const first = await lib.writeItemResults('pic', {
      segments: [seg(0), seg(1)],
      vectors: [{ segmentId: seg(0).id, space: 'clip', vector: unitVector(4, 0) }],
      thumbnails: [{ id: 'pic-thumb', width: 1, height: 1, blob: new Blob(['t']) }],
    });
    expect(first.removedKeys).toEqual([]);
    expect((await lib.getItem('pic'))?.neverWritten).toBeUndefined();
    // The flag is gone, so a second write finds and replaces the first one's segments, vectors and thumbnail.
    const second = await lib.writeItemResults('pic', { segments: [seg(2)] });
    expect(second.removedKeys.sort()).toEqual(first.segments.map((s) => s.key).sort());
    expect((await lib.getSegments('pic')).map((s) => s.id)).toEqual([seg(2).id]);
    expect(await lib.vectorsOfItem('pic')).toEqual([]);
    expect((await lib.counts()).thumbnails).toBe(0);
  });

  it('starts and completes a batch of jobs with other jobs stored between them', async () => {
    const { lib } = await freshLibrary();
    // Ids sort like newJobId's; the batch's five lie among 40 others, more than one range read takes.
    const id = (n: number) => `job-${String(n).padStart(3, '0')}`;
    const batch = [3, 12, 20, 31, 44].map(id);
    for (let n = 0; n < 45; n++) {
      await lib.addItem(item(`pic-${n}`, { sha256: `sha-${n}` }));
      await lib.putJob({
        id: id(n),
        itemId: `pic-${n}`,
        state: 'queued',
        attempts: 0,
        createdAt: n,
        updatedAt: n,
      });
    }
    const started = await lib.startJobs([...batch, 'job-999'], 'reading');
    expect([...started.keys()].sort()).toEqual(batch);
    expect(started.get(id(31))?.item.id).toBe('pic-31');
    for (let n = 0; n < 45; n++) {
      const job = await lib.getJob(id(n));
      expect(job?.state).toBe(batch.includes(id(n)) ? 'running' : 'queued');
      expect(job?.attempts).toBe(batch.includes(id(n)) ? 1 : 0);
    }
    const written = await lib.writeManyItemResults(
      batch.map((jobId) => {
        const itemId = started.get(jobId)!.item.id;
        return {
          itemId,
          results: {
            segments: [{ id: segmentId(itemId, 0), itemId, kind: 'image', spaces: ['clip'] }],
            completeJobId: jobId,
          },
        };
      }),
    );
    expect(written.every((w) => !(w instanceof ItemGoneError))).toBe(true);
    for (let n = 0; n < 45; n++)
      expect((await lib.getJob(id(n)))?.state).toBe(batch.includes(id(n)) ? 'done' : 'queued');
  });

  it('starts a job from the item record it is given, and not at all once the item is deleted', async () => {
    const { lib } = await freshLibrary();
    const job = (n: number) =>
      ({ id: `job-${n}`, state: 'queued', attempts: 0, createdAt: 0, updatedAt: 0 }) as const;
    const kept = (await lib.addItemWithJob(item('kept'), job(1))).item;
    const gone = (await lib.addItemWithJob(item('gone'), job(2))).item;
    await lib.removeItem('gone');
    const known = new Map([
      [kept.id, kept],
      [gone.id, gone],
    ]);
    const started = await lib.startJobs(['job-1', 'job-2'], 'reading', known);
    expect([...started.keys()]).toEqual(['job-1']);
    expect(started.get('job-1')?.item).toBe(kept);
    expect(await lib.getJob('job-2')).toBeUndefined();
    expect(await lib.getItem('gone')).toBeUndefined();
  });

  it('refuses to write results for an item deleted meanwhile, and writes nothing', async () => {
    const { lib } = await freshLibrary();
    const seg: SegmentRecord = { id: 'gone:0', itemId: 'gone', kind: 'image', spaces: ['clip'] };
    await expect(lib.writeItemResults('gone', { segments: [seg] })).rejects.toBeInstanceOf(ItemGoneError);
    expect(await lib.getSegment('gone:0')).toBeUndefined();
    await expect(lib.updateItem('gone', { status: 'ready' })).rejects.toBeInstanceOf(ItemGoneError);
  });

  it('deleting an item leaves no trace: records, vectors, thumbnails, jobs and its OPFS copy', async () => {
    const { lib } = await freshLibrary();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
    const saved = await saveOriginal(new Blob([bytes]), 'del-test-item');
    await lib.addItem(item('del', { sha256: saved.sha256, source: saved.source }));
    await lib.addItem(item('keep'));
    const segs: SegmentRecord[] = [0, 1].map((i) => ({
      id: segmentId('del', i),
      itemId: 'del',
      kind: 'frame',
      spaces: ['clip'],
      t0: i * 2,
      t1: i * 2,
      thumbnailId: `del-thumb-${i}`,
    }));
    const keepSeg: SegmentRecord = {
      id: segmentId('keep', 0),
      itemId: 'keep',
      kind: 'image',
      spaces: ['clip'],
    };
    await lib.writeItemResults('del', {
      segments: segs,
      vectors: segs.flatMap((s, i) => [
        { segmentId: s.id, space: 'clip' as const, vector: unitVector(16, i) },
        { segmentId: s.id, space: 'clap' as const, vector: unitVector(16, i + 9) },
      ]),
      thumbnails: segs.map((s) => ({
        id: s.thumbnailId!,
        width: 2,
        height: 2,
        blob: new Blob(['x'], { type: 'image/jpeg' }),
      })),
    });
    await lib.writeItemResults('keep', {
      segments: [keepSeg],
      vectors: [{ segmentId: keepSeg.id, space: 'clip', vector: unitVector(16, 5) }],
    });
    await lib.putJob({
      id: 'job-del',
      itemId: 'del',
      state: 'failed',
      attempts: 2,
      createdAt: 0,
      updatedAt: 0,
    });
    expect((await lib.counts()).vectors).toBe(5);
    expect(await listOriginals()).toContain('originals/del-test-item');

    expect(await lib.deleteItem('del')).toBe(true);

    expect(await lib.getItem('del')).toBeUndefined();
    expect(await lib.getSegments('del')).toEqual([]);
    expect(await lib.vectorsOfItem('del')).toEqual([]);
    expect(await lib.thumbnailsOfItem('del')).toEqual([]);
    expect(await lib.getJob('job-del')).toBeUndefined();
    expect(await listOriginals()).not.toContain('originals/del-test-item');
    expect(await lib.findBySha256(saved.sha256)).toBeUndefined();
    // The other item is untouched.
    expect(await lib.counts()).toEqual({
      items: 1,
      segments: 1,
      vectors: 1,
      thumbnails: 0,
      jobs: 0,
      folders: 0,
    });
    expect(await lib.deleteItem('del')).toBe(false);
  });

  it('keeps jobs and folder handles', async () => {
    const { lib } = await freshLibrary();
    const root = await navigator.storage.getDirectory();
    const handle = await root.getDirectoryHandle('folder-handle-test', { create: true });
    await lib.putFolder({ id: 'f1', name: 'Photos', handle, addedAt: 1 });
    const back = await lib.getFolder('f1');
    expect(back?.handle.kind).toBe('directory');
    expect(await back!.handle.isSameEntry(handle)).toBe(true);
    await lib.putJob({ id: 'j1', state: 'queued', attempts: 0, createdAt: 1, updatedAt: 1 });
    await lib.putJob({ id: 'j2', state: 'failed', attempts: 3, createdAt: 1, updatedAt: 1 });
    expect((await lib.listJobs('queued')).map((j) => j.id)).toEqual(['j1']);
    expect((await lib.listJobs()).length).toBe(2);
    await root.removeEntry('folder-handle-test', { recursive: true });
  });

  it('sweeps stored copies that no item or job points at', async () => {
    const { lib } = await freshLibrary();
    const kept = await saveOriginal(new Blob(['kept']), 'sweep-kept');
    await saveOriginal(new Blob(['orphan']), 'sweep-orphan');
    await lib.addItem(item('k', { source: kept.source }));
    const swept = await lib.sweepOrphanOriginals();
    expect(swept).toContain('originals/sweep-orphan');
    expect(swept).not.toContain('originals/sweep-kept');
    expect(await (await openOriginal(kept.source)).text()).toBe('kept');
    await lib.deleteItem('k');
  });

  it('spares a recent orphan copy when asked to sweep only old ones (another tab may be adding it)', async () => {
    const { lib } = await freshLibrary();
    await saveOriginal(new Blob(['recent']), 'sweep-recent');
    expect(await lib.sweepOrphanOriginals({ olderThanMs: 60_000 })).not.toContain('originals/sweep-recent');
    expect(await listOriginals()).toContain('originals/sweep-recent');
    expect(await lib.sweepOrphanOriginals()).toContain('originals/sweep-recent');
    expect(await listOriginals()).not.toContain('originals/sweep-recent');
  });
});

describe('originals and content identity', () => {
  async function webCryptoHex(blob: Blob): Promise<string> {
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  it('copies a file into OPFS as a stream and hashes it on the way', async () => {
    const bytes = new Uint8Array(12 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i += 4096)
      crypto.getRandomValues(bytes.subarray(i, Math.min(i + 4096, bytes.length)));
    const blob = new Blob([bytes]);
    const saved = await saveOriginal(blob, 'copy-test');
    expect(saved.source).toEqual({ kind: 'opfs', path: 'originals/copy-test' });
    expect(saved.bytes).toBe(bytes.length);
    expect(saved.sha256).toBe(await webCryptoHex(blob));
    expect(saved.sha256).toBe(await sha256OfBlob(blob));
    const back = await openOriginal(saved.source);
    expect(back.size).toBe(bytes.length);
    expect(await webCryptoHex(back)).toBe(saved.sha256);
    await deleteOriginal(saved.source);
    await expect(openOriginal(saved.source)).rejects.toThrow();
    await deleteOriginal(saved.source); // a missing copy is fine
  });

  it('copies over a longer file left under the same key, keeping only the new bytes', async () => {
    const old = new Uint8Array(50_000).fill(7);
    await saveOriginal(new Blob([old]), 'overwrite-test');
    const fresh = new Uint8Array(1_000);
    crypto.getRandomValues(fresh);
    const saved = await saveOriginal(new Blob([fresh]), 'overwrite-test');
    const back = await openOriginal(saved.source);
    expect(back.size).toBe(fresh.length);
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(fresh);
    expect(saved.sha256).toBe(await webCryptoHex(back));
    await deleteOriginal(saved.source);
  });

  it('leaves nothing behind when a copy is aborted', async () => {
    const controller = new AbortController();
    const big = new Blob([new Uint8Array(8 * 1024 * 1024)]);
    controller.abort();
    await expect(saveOriginal(big, 'aborted-copy', controller.signal)).rejects.toThrow();
    expect(await listOriginals()).not.toContain('originals/aborted-copy');
  });

  it('refuses unsafe keys', async () => {
    await expect(saveOriginal(new Blob(['x']), '../escape')).rejects.toThrow(/Unsafe key/);
  });
});
