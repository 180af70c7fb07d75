// Export → import of the whole library in the real browser: IndexedDB, OPFS originals, the vector index
// worker. A round trip gives the same records, the same original bytes and the same search results; every
// kind of bad file is refused with its own message and leaves the library exactly as it was.
import { deleteDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { BackupError, exportLibraryBlob, importLibrary } from '../../src/backup/index.ts';
import { Library } from '../../src/library/library.ts';
import { rebuildVectorIndexes } from '../../src/library/rebuild-indexes.ts';
import { thumbnailFromStore } from '../../src/library/thumbnail-bytes.ts';
import { listOriginals, openOriginal, saveOriginal } from '../../src/library/originals.ts';
import type {
  ItemRecord,
  SegmentRecord,
  Space,
  ThumbnailRecord,
  VectorRecord,
} from '../../src/library/records.ts';
import {
  openVectorIndex,
  spawnVectorIndexWorker,
  type VectorIndexWorker,
} from '../../src/vector-index/client.ts';
import type { VectorIndex } from '../../src/vector-index/types.ts';
import {
  decodeSections,
  editJson,
  encodeSections,
  jsonLines,
  type Section,
} from '../support/backup-files.ts';
import { fixtureFile } from '../support/media-files.ts';
import { itemRecord } from '../support/factories.ts';

const dims: Record<Space, number> = { clip: 32, clap: 24, text: 16 };
const run = Date.now();
const names = { source: `backup-src-${run}`, target: `backup-dst-${run}`, extra: [] as string[] };
const libraries: Library[] = [];
const vectorDbs: string[] = [];
const workers: VectorIndexWorker[] = [];

function vector(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = (Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453) % 1;
  return v;
}

function item(id: string, patch: Partial<ItemRecord>): ItemRecord {
  return itemRecord(id, {
    name: `${id}.bin`,
    folderPath: 'trip/day 1',
    mime: 'application/octet-stream',
    size: 0,
    mtime: 1_700_000_000_000,
    status: 'pending',
    addedAt: 1_700_000_000_100,
    updatedAt: 1_700_000_000_200,
    ...patch,
  });
}

/** Adds a file as a stored original, then its ingest results, as the pipeline does. */
async function addWithResults(
  lib: Library,
  path: string,
  patch: Partial<ItemRecord>,
  pieces: { segment: Omit<SegmentRecord, 'id' | 'itemId'>; vectors: Partial<Record<Space, Float32Array>> }[],
  thumbnail?: Blob,
) {
  const file = await fixtureFile(path);
  const id = `${patch.kind}-${file.name}`.replace(/[^\w.-]/g, '_');
  const saved = await saveOriginal(file, `${id}-${run}`);
  await lib.addItem(
    item(id, { name: file.name, size: file.size, sha256: saved.sha256, source: saved.source, ...patch }),
  );
  const thumbnails: Omit<ThumbnailRecord, 'itemId'>[] = thumbnail
    ? [{ id: `${id}:thumb`, blob: thumbnail, width: 4, height: 4 }]
    : [];
  const segments: SegmentRecord[] = pieces.map((p, i) => ({
    ...p.segment,
    id: `${id}:${i}`,
    itemId: id,
    ...(thumbnail && i === 0 ? { thumbnailId: `${id}:thumb` } : {}),
  }));
  const vectors = pieces.flatMap((p, i) =>
    Object.entries(p.vectors).map(([space, v]) => ({
      segmentId: `${id}:${i}`,
      space: space as Space,
      vector: v,
    })),
  );
  await lib.writeItemResults(id, {
    segments,
    vectors,
    thumbnails,
    item: { status: patch.status ?? 'ready' },
  });
  return id;
}

async function populate(lib: Library): Promise<void> {
  const png = await fixtureFile('image/red-square.png');
  const thumb = new Blob([png], { type: 'image/png' });
  await addWithResults(
    lib,
    'image/red-square.png',
    { kind: 'image', mime: 'image/png', format: 'png', media: { width: 64, height: 64 } },
    [{ segment: { kind: 'image', spaces: ['clip'] }, vectors: { clip: vector(32, 1) } }],
    thumb,
  );
  await addWithResults(
    lib,
    'text/kite-diary.txt',
    { kind: 'text', mime: 'text/plain', name: '<img src=x onerror=alert(1)>.txt' },
    [
      {
        segment: {
          kind: 'text-chunk',
          spaces: ['text'],
          page: 1,
          charStart: 0,
          charEnd: 40,
          text: 'The kite climbed over the ridge.',
        },
        vectors: { text: vector(16, 2) },
      },
      {
        segment: {
          kind: 'text-chunk',
          spaces: ['text'],
          page: 1,
          charStart: 40,
          charEnd: 90,
          text: 'Lunch by the river, “naïve” café ☕.',
        },
        vectors: { text: vector(16, 3) },
      },
    ],
  );
  await addWithResults(
    lib,
    'audio/low-hum.wav',
    {
      kind: 'audio',
      mime: 'audio/wav',
      capturedAt: 1_650_000_000_000,
      media: { durationS: 2, hasAudio: true },
    },
    [
      { segment: { kind: 'audio-window', spaces: ['clap'], t0: 0, t1: 1 }, vectors: { clap: vector(24, 4) } },
      { segment: { kind: 'audio-window', spaces: ['clap'], t0: 1, t1: 2 }, vectors: { clap: vector(24, 5) } },
      {
        segment: { kind: 'transcript', spaces: ['text'], t0: 0.2, t1: 1.7, text: 'hmm' },
        vectors: { text: vector(16, 6) },
      },
    ],
  );
  // A refused file: kept with its reason, no segments, no original.
  await lib.addItem(
    item('refused', {
      status: 'unsupported',
      kind: 'unknown',
      error: { code: 'unknown-format', message: 'Not a file Trove can read', stage: 'detect' },
    }),
  );
  // Still being added: not exported (no job would finish it after an import).
  await lib.addItem(item('half-done', { status: 'processing' }));
}

/** Everything the library holds, without what an import is allowed to change (index keys, stored-copy paths). */
async function contents(lib: Library) {
  const tx = lib.db.transaction(['items', 'segments', 'vectors', 'thumbnails'], 'readonly');
  const [items, segments, vectors, thumbnails] = await Promise.all([
    tx.objectStore('items').getAll(),
    tx.objectStore('segments').getAll(),
    tx.objectStore('vectors').getAll(),
    tx.objectStore('thumbnails').getAll(),
  ]);
  const originals: Record<string, string> = {};
  for (const i of items) if (i.source) originals[i.id] = await digest(await openOriginal(i.source));
  return {
    items: items.map(({ source: _s, ...rest }) => rest).sort(byId),
    segments: segments.map(({ key: _k, ...rest }) => rest).sort(byId),
    vectors: vectors
      .map((v: VectorRecord) => ({ ...v, vector: Array.from(v.vector) }))
      .sort((a, b) => `${a.segmentId}/${a.space}`.localeCompare(`${b.segmentId}/${b.space}`)),
    thumbnails: await Promise.all(
      thumbnails
        .sort(byId)
        .map(thumbnailFromStore)
        .map(async ({ blob, ...rest }) => ({ ...rest, type: blob.type, bytes: await digest(blob) })),
    ),
    originals,
  };
}

function byId(a: { id: string }, b: { id: string }) {
  return a.id.localeCompare(b.id);
}

async function digest(blob: Blob): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function openIndexes(dbName: string): Promise<Record<Space, VectorIndex>> {
  vectorDbs.push(dbName);
  const worker = spawnVectorIndexWorker();
  workers.push(worker);
  const out = {} as Record<Space, VectorIndex>;
  for (const space of ['clip', 'clap', 'text'] as const)
    out[space] = (await openVectorIndex({ space, dim: dims[space], dbName }, worker)).index;
  return out;
}

/** Search results as segment ids and scores, so libraries with different index keys compare. */
async function searchAll(lib: Library, indexes: Record<Space, VectorIndex>) {
  const byKey = new Map(((await lib.db.getAll('segments')) as SegmentRecord[]).map((s) => [s.key, s.id]));
  const out: Record<string, { id: string | undefined; score: number }[]> = {};
  for (const space of ['clip', 'clap', 'text'] as const)
    for (const seed of [1, 3, 5, 9]) {
      const hits = await indexes[space].search(vector(dims[space], seed), 5);
      out[`${space}/${seed}`] = hits.map((h) => ({ id: byKey.get(h.id), score: Number(h.score.toFixed(5)) }));
    }
  return out;
}

let source: Library;
let target: Library;
let exported: Blob;
let exportedWithOriginals: Blob;
let sections: Section[];

beforeAll(async () => {
  source = await Library.open({ name: names.source });
  target = await Library.open({ name: names.target });
  libraries.push(source, target);
  await populate(source);
  exported = (await exportLibraryBlob(source)).blob;
  exportedWithOriginals = (await exportLibraryBlob(source, { includeOriginals: true })).blob;
  sections = await decodeSections(exported);
});

afterAll(async () => {
  for (const w of workers) w.terminate();
  for (const lib of libraries) lib.close();
  for (const name of [names.source, names.target, ...names.extra, ...vectorDbs]) await deleteDB(name);
});

describe('library export', () => {
  it('writes a manifest with the counts and vector sizes, and leaves unfinished items out', async () => {
    const plan = await exportLibraryBlob(source, { includeOriginals: true });
    expect(plan.skipped.unfinished).toBe(1);
    expect(plan.manifest).toMatchObject({
      format: 'trove-library',
      formatVersion: 1,
      schemaVersion: source.db.version,
      counts: { items: 4, segments: 6, thumbnails: 1, originals: 3 },
      spaces: { clip: { dim: 32, count: 1 }, clap: { dim: 24, count: 2 }, text: { dim: 16, count: 3 } },
    });
    expect(sections.map((s) => s.name)).toEqual([
      'manifest',
      'items',
      'segments',
      'vectors/clip/segment-ids',
      'vectors/clip/f32',
      'vectors/clap/segment-ids',
      'vectors/clap/f32',
      'vectors/text/segment-ids',
      'vectors/text/f32',
      'thumbnails',
      'thumbnail/0',
      // no originals unless asked for
    ]);
    // Vectors are binary: 4 bytes per number, not JSON.
    expect(sections.find((s) => s.name === 'vectors/text/f32')!.bytes.length).toBe(3 * 16 * 4);
    // Where a copy lived on this device is not exported.
    expect(JSON.stringify(jsonLines(sections[1]!))).not.toContain('originals/');
  });
});

describe('library export of an older library', () => {
  it('exports a thumbnail an earlier Trove stored as a Blob, bytes and type unchanged', async () => {
    const name = `backup-old-${run}`;
    const lib = await Library.open({ name });
    libraries.push(lib);
    names.extra.push(name);
    await lib.addItem(item('old-photo', { status: 'ready' }));
    const png = await (await fixtureFile('image/red-square.png')).arrayBuffer();
    await lib.db.put('thumbnails', {
      id: 'old-photo:t0',
      itemId: 'old-photo',
      blob: new Blob([png], { type: 'image/png' }),
      width: 8,
      height: 8,
    });
    const found = await decodeSections((await exportLibraryBlob(lib)).blob);
    const meta = jsonLines(found.find((s) => s.name === 'thumbnails')!);
    expect(meta).toEqual([
      {
        id: 'old-photo:t0',
        itemId: 'old-photo',
        width: 8,
        height: 8,
        type: 'image/png',
        size: png.byteLength,
      },
    ]);
    expect(Array.from(found.find((s) => s.name === 'thumbnail/0')!.bytes)).toEqual(
      Array.from(new Uint8Array(png)),
    );
  });
});

describe('library import', () => {
  it('round-trips records, originals and search results through a file into another library', async () => {
    const before = await contents(source);
    const report = await importLibrary(target, exportedWithOriginals, { expectedDims: dims });
    expect(report).toMatchObject({
      items: 4,
      segments: 6,
      thumbnails: 1,
      originals: 3,
      vectors: { clip: 1, clap: 2, text: 3 },
    });

    const after = await contents(target);
    const exportedOnly = before.items.filter((i) => i.id !== 'half-done');
    expect(after.items).toEqual(exportedOnly.map(({ folderId: _f, ...rest }) => rest));
    expect(after.segments).toEqual(before.segments);
    expect(after.vectors).toEqual(before.vectors);
    expect(after.thumbnails).toEqual(before.thumbnails);
    // Imported thumbnails are stored as bytes, as ingest stores them.
    for (const t of await target.db.getAll('thumbnails')) {
      expect(t.blob).toBeUndefined();
      expect(t.bytes).toBeInstanceOf(ArrayBuffer);
    }
    expect(after.originals).toEqual(before.originals);

    // Fresh, unique index keys, and the counter moved past them.
    const keys = ((await target.db.getAll('segments')) as SegmentRecord[]).map((s) => s.key);
    expect(new Set(keys).size).toBe(6);
    expect(await target.meta('nextSegmentKey')).toBeGreaterThan(Math.max(...(keys as number[])));

    const sourceIndexes = await openIndexes(`backup-vectors-src-${run}`);
    const targetIndexes = await openIndexes(`backup-vectors-dst-${run}`);
    expect(await rebuildVectorIndexes(source, sourceIndexes)).toEqual({ clip: 1, clap: 2, text: 3 });
    expect(await rebuildVectorIndexes(target, targetIndexes)).toEqual({ clip: 1, clap: 2, text: 3 });
    const expected = await searchAll(source, sourceIndexes);
    expect(
      Object.values(expected)
        .flat()
        .every((h) => h.id),
    ).toBe(true);
    expect(await searchAll(target, targetIndexes)).toEqual(expected);
    expect(await target.meta('indexedVersion')).toBe(await target.meta('vectorsVersion'));
  });
});

describe('import refuses bad files and leaves the library untouched', () => {
  /** Imports `file` into the target, expects the given code and message, and checks nothing changed. */
  async function refused(file: Blob, code: BackupError['code'], message: RegExp, options = {}) {
    const before = await contents(target);
    const originals = await listOriginals();
    const counts = await target.counts();
    let caught: unknown;
    try {
      await importLibrary(target, file, { expectedDims: dims, ...options });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BackupError);
    expect((caught as BackupError).code).toBe(code);
    expect((caught as BackupError).message).toMatch(message);
    expect(await target.counts()).toEqual(counts);
    expect(await contents(target)).toEqual(before);
    expect(await listOriginals()).toEqual(originals);
  }

  const mutate = async (edit: (s: Section[]) => Section[], version?: number) =>
    encodeSections(edit(sections.map((s) => ({ ...s }))), version);
  const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

  it('a foreign file, an empty file and a text file', async () => {
    await refused(
      await fixtureFile('image/red-square.png'),
      'not-a-trove-file',
      /not a Trove library export/,
    );
    await refused(new Blob([]), 'not-a-trove-file', /empty or too short/);
    await refused(new Blob(['{"format":"trove-library"}']), 'not-a-trove-file', /signature/);
  });

  it('a file cut short anywhere', async () => {
    const full = await bytesOf(exportedWithOriginals);
    for (const at of [12, 40, Math.floor(full.length / 2), full.length - 6, full.length - 1]) {
      await refused(new Blob([full.slice(0, at)]), 'truncated', /incomplete/);
    }
  });

  it('a file from a newer Trove: newer file format, newer library schema', async () => {
    await refused(await mutate((s) => s, 2), 'newer-format', /newer Trove.*file format 2/);
    const newer = await mutate((s) =>
      editJson(s, 'manifest', ([m]) => [{ ...(m as object), schemaVersion: 99 }]),
    );
    await refused(newer, 'newer-schema', /newer Trove \(library version 99/);
  });

  it('a damaged byte (checksum) and bytes after the end', async () => {
    const full = await bytesOf(exported);
    const vectorsAt = findBytes(full, sections.find((s) => s.name === 'vectors/clap/f32')!.bytes);
    full[vectorsAt + 5]! ^= 0x40;
    await refused(new Blob([full]), 'corrupt', /damaged: section "vectors\/clap\/f32" fails its checksum/);
    await refused(new Blob([exported, new Uint8Array([0])]), 'malformed', /bytes after the end/);
  });

  it('records of the wrong shape, naming the record and the field', async () => {
    const items = (edit: (i: Record<string, unknown>) => Record<string, unknown>) =>
      mutate((s) =>
        editJson(s, 'items', (list) =>
          list.map((i, n) => (n === 0 ? edit(i as Record<string, unknown>) : i)),
        ),
      );
    await refused(
      await items((i) => ({ ...i, status: 'processing' })),
      'invalid-record',
      /item "audio-low-hum.wav", field "status" must be one of ready, error, unsupported/,
    );
    await refused(
      await items((i) => ({ ...i, size: -5 })),
      'invalid-record',
      /field "size" must be at least 0/,
    );
    await refused(
      await items((i) => ({ ...i, sha256: 'zz' })),
      'invalid-record',
      /field "sha256" must be 64 hex digits/,
    );
    await refused(await items(({ name: _n, ...i }) => i), 'invalid-record', /field "name" must be text/);
    const segment = await mutate((s) =>
      editJson(s, 'segments', (list) => [...list.slice(1), { ...(list[0] as object), kind: 'hologram' }]),
    );
    await refused(segment, 'invalid-record', /field "kind" must be one of/);
    const notJson = sections.map((s) =>
      s.name === 'items' ? { name: s.name, bytes: new TextEncoder().encode('{"id": oops}\n') } : s,
    );
    await refused(await encodeSections(notJson), 'malformed', /line 1 of section "items" is not valid JSON/);
  });

  it('broken references and duplicates', async () => {
    const orphan = await mutate((s) =>
      editJson(s, 'segments', (l) => l.map((x, n) => (n === 0 ? { ...(x as object), itemId: 'nobody' } : x))),
    );
    await refused(orphan, 'invalid-record', /belongs to item "nobody", which the file does not have/);
    const dup = await mutate((s) =>
      editJson(
        editJson(s, 'items', (l) => [...l, l[0]]),
        'manifest',
        ([m]) => [
          { ...(m as { counts: object }), counts: { ...(m as { counts: object }).counts, items: 5 } },
        ],
      ),
    );
    await refused(dup, 'invalid-record', /item "audio-low-hum.wav" appears twice/);
    const badThumb = await mutate((s) =>
      editJson(s, 'segments', (l) =>
        l.map((x, n) => (n === 0 ? { ...(x as object), thumbnailId: 'ghost' } : x)),
      ),
    );
    await refused(badThumb, 'invalid-record', /thumbnail "ghost", which the file does not have/);
    const wrongSpace = await mutate((s) =>
      editJson(s, 'vectors/text/segment-ids', (l) => [l[0], l[1], sectionsItemSegment('image')]),
    );
    await refused(wrongSpace, 'invalid-record', /does not list text among its spaces/);
  });

  it('counts that disagree with the manifest, and vectors of the wrong size or value', async () => {
    const fewer = await mutate((s) =>
      editJson(s, 'manifest', ([m]) => [
        { ...(m as { counts: object }), counts: { ...(m as { counts: object }).counts, segments: 7 } },
      ]),
    );
    await refused(fewer, 'malformed', /manifest says 7 segments but the file holds 6/);
    await refused(
      exported,
      'wrong-dimension',
      /different CLAP model: its vectors have 24 numbers, this Trove's model makes 512/,
      {
        expectedDims: { ...dims, clap: 512 },
      },
    );
    const short = await mutate((s) =>
      s.map((x) => (x.name === 'vectors/clap/f32' ? { ...x, bytes: x.bytes.slice(0, 100) } : x)),
    );
    await refused(short, 'malformed', /clap vectors hold 100 bytes, expected 192/);
    const nan = await mutate((s) =>
      s.map((x) => {
        if (x.name !== 'vectors/clip/f32') return x;
        const bytes = x.bytes.slice();
        new DataView(bytes.buffer).setFloat32(8, NaN, true);
        return { ...x, bytes };
      }),
    );
    await refused(
      nan,
      'invalid-record',
      /clip vector of segment "image-red-square.png:0" holds a number that is not finite/,
    );
  });

  it('an original file whose bytes do not match its item, removing what it staged', async () => {
    const full = await decodeSections(exportedWithOriginals);
    // Items are exported in key order; the text item (named like an HTML payload) is the last of the four.
    const swapped = full.map((s) =>
      s.name === 'original/3' ? { ...s, bytes: s.bytes.slice().reverse() } : s,
    );
    await refused(
      await encodeSections(swapped),
      'invalid-record',
      /original of "<img src=x onerror=alert\(1\)>.txt" does not match its content hash/,
    );
  });

  it('a thumbnail that is a scripted SVG, not the picture it says, not raster, or a decoder bomb', async () => {
    const withThumbnail = (type: string, bytes: Uint8Array) =>
      mutate((s) =>
        editJson(s, 'thumbnails', (l) => l.map((t) => ({ ...(t as object), type, size: bytes.length }))).map(
          (x) => (x.name === 'thumbnail/0' ? { name: x.name, bytes } : x),
        ),
      );
    const svg = utf8(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>indexedDB.deleteDatabase("trove-library")</script></svg>',
    );
    await refused(
      await withThumbnail('image/svg+xml', svg),
      'unsafe-content',
      /thumbnail "image-red-square.png:thumb" is an SVG that is not a waveform Trove drew/,
    );
    const html = utf8('<!doctype html><script>alert(document.domain)</script>');
    await refused(
      await withThumbnail('image/png', html),
      'unsafe-content',
      /says it is image\/png but its bytes are not a JPEG, PNG or WebP picture/,
    );
    await refused(await withThumbnail('image/png', svg), 'unsafe-content', /its bytes are not a JPEG/);
    await refused(await withThumbnail('text/html', html), 'invalid-record', /field "type" is "text\/html"/);
    await refused(
      await withThumbnail('image/png', pngHeader(20000, 20000)),
      'unsafe-content',
      /is 20000×20000 pixels, more than the 4096×4096 a thumbnail may have/,
    );
  });

  it('an original that is not the kind of file its item says: HTML kept as a photo', async () => {
    const full = await decodeSections(exportedWithOriginals);
    const items = jsonLines(full.find((s) => s.name === 'items')!) as ItemRecord[];
    const photo = items.findIndex((i) => i.kind === 'image');
    const html = utf8('<!doctype html><script>alert(document.domain)</script>');
    const sha256 = await digest(new Blob([html]));
    const asPhoto = (name: string) =>
      encodeSections(
        editJson(full, 'items', (l) =>
          l.map((i, n) => (n === photo ? { ...(i as object), name, size: html.length, sha256 } : i)),
        ).map((s) => (s.name === `original/${photo}` ? { name: s.name, bytes: html } : s)),
      );
    // Its size and content hash agree with the bytes, so only the content check can refuse it.
    await refused(
      await asPhoto('red-square.png'),
      'unsafe-content',
      /original of "red-square.png" is not a file Trove reads \(red-square.png is named .png but is HTML\)/,
    );
    await refused(
      await asPhoto('red-square.html'),
      'unsafe-content',
      /original of "red-square.html" is html \(text\) by its content, but its item says image \(png\)/,
    );
  });

  it('a full disk: the import stops with a storage message and nothing is lost', async () => {
    const session = cdp();
    const origin = location.origin;
    const { usage } = await navigator.storage.estimate();
    // Room for what is stored now, not for another copy of the originals.
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (usage ?? 0) + 2048 });
    try {
      await refused(exportedWithOriginals, 'storage-full', /not enough storage space.*Nothing was changed/);
    } finally {
      await session.send('Storage.overrideQuotaForOrigin', { origin });
    }
  });
});

// Last: an import sweeps stored copies no item of *its* library points at, and OPFS is one per origin.
describe('library import, last', () => {
  it('imports without originals: items keep their records but have no stored copy', async () => {
    // Replacing the target: its earlier imported copies go, as the replaced library's copies must.
    const copies = (await target.listItems()).flatMap((i) =>
      i.source?.kind === 'opfs' ? [i.source.path] : [],
    );
    expect(copies).toHaveLength(3);
    await importLibrary(target, exported);
    const items = await target.listItems();
    expect(items).toHaveLength(4);
    expect(items.every((i) => i.source === undefined)).toBe(true);
    const left = await listOriginals();
    for (const path of copies) expect(left).not.toContain(path);
  });
});

function sectionsItemSegment(kind: string): string {
  return (jsonLines(sections.find((s) => s.name === 'segments')!) as { id: string; kind: string }[]).find(
    (s) => s.kind === kind,
  )!.id;
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

/** A PNG signature and IHDR claiming this size, and nothing after: the header of a decoder bomb. */
function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  b.set([8, 6, 0, 0, 0], 24);
  return b;
}

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
