// Export and import of a library large enough to take several batches (src/backup/batches.ts), in the real
// browser: it round-trips whole, each side is seen to write or read it in several transactions, and an
// import that fails near the end of the file, inside the final swap, or by being cancelled leaves the
// library it would have replaced exactly as it was. Thumbnails come back only as raster pictures or as the
// waveform Trove draws itself.
import { deleteDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, exportLibraryBlob, importLibrary } from '../../src/backup/index.ts';
import { BATCH_RECORDS } from '../../src/backup/batches.ts';
import { rasterType } from '../../src/backup/thumbnail-check.ts';
import { redrawWaveform } from '../../src/backup/waveform-thumbnail.ts';
import { WAVEFORM_BARS, waveformSvg } from '../../src/ingest/audio/waveform-image.ts';
import { Library } from '../../src/library/library.ts';
import { listOriginals } from '../../src/library/originals.ts';
import type { ItemRecord, SegmentRecord, ThumbnailRecord, VectorRecord } from '../../src/library/records.ts';
import { STAGED_STORES } from '../../src/library/staging.ts';
import { thumbnailFromStore } from '../../src/library/thumbnail-bytes.ts';
import { decodeSections, editJson, encodeSections } from '../support/backup-files.ts';
import { fixtureFile } from '../support/media-files.ts';
import { itemRecord } from '../support/factories.ts';

/** Items in the large library: several batches of items, more of segments, vectors and thumbnails. */
const ITEMS = 2 * BATCH_RECORDS + 50;
const CLIP_DIM = 512;
const TEXT_DIM = 16;
const run = Date.now();
const names = { big: `batches-big-${run}`, old: `batches-old-${run}`, copy: `batches-copy-${run}` };
let big: Library;
let old: Library;
let copy: Library;
let exported: Blob;

function vector(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sin(seed * 0.37 + i * 1.3) + 0.01;
  return v;
}

function hex64(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function item(id: string, n: number, kind: ItemRecord['kind']): ItemRecord {
  return itemRecord(id, {
    name: `${id}.${kind === 'audio' ? 'wav' : 'jpg'}`,
    folderPath: `trip/day ${n % 7}`,
    kind,
    mime: kind === 'audio' ? 'audio/wav' : 'image/jpeg',
    size: 1000 + n,
    mtime: 1_700_000_000_000 + n,
    sha256: hex64(n + 1),
    status: 'pending',
    addedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
  });
}

/**
 * Fills a library as ingest would: every item with an image (or audio) segment and a text segment, their
 * vectors, and a thumbnail (JPEG, PNG, WebP in turn, and a waveform SVG for every tenth item, an audio one).
 */
async function populate(lib: Library, count: number, prefix: string): Promise<void> {
  const pictures = await Promise.all(
    (
      [
        ['image/green-field.jpg', 'image/jpeg'],
        ['image/red-square.png', 'image/png'],
        ['image/blue-sky.webp', 'image/webp'],
      ] as const
    ).map(async ([path, type]) => new Blob([await fixtureFile(path)], { type })),
  );
  const items = Array.from({ length: count }, (_, n) =>
    item(`${prefix}-${String(n).padStart(5, '0')}`, n, n % 10 === 9 ? 'audio' : 'image'),
  );
  const tx = lib.db.transaction('items', 'readwrite');
  await Promise.all([...items.map((i) => tx.store.put(i)), tx.done]);
  for (let at = 0; at < items.length; at += 200) {
    await lib.writeManyItemResults(
      items.slice(at, at + 200).map((it, k) => {
        const n = at + k;
        const audio = it.kind === 'audio';
        const thumbnail: Omit<ThumbnailRecord, 'itemId'> = audio
          ? {
              id: `${it.id}:waveform`,
              blob: new Blob(
                [waveformSvg(Float32Array.from({ length: WAVEFORM_BARS }, (_, i) => ((i * n) % 17) / 17))],
                {
                  type: 'image/svg+xml',
                },
              ),
              width: 160,
              height: 120,
            }
          : { id: `${it.id}:thumb`, blob: pictures[n % 3]!, width: 128, height: 96 };
        const segments: SegmentRecord[] = [
          {
            id: `${it.id}:0`,
            itemId: it.id,
            kind: audio ? 'audio-window' : 'image',
            spaces: ['clip'],
            ...(audio ? { t0: 0, t1: 10 } : { thumbnailId: thumbnail.id }),
          },
          {
            id: `${it.id}:1`,
            itemId: it.id,
            kind: 'caption',
            spaces: ['text'],
            text: `picture ${n}: a kite over the ridge, “naïve” café ☕ `.repeat(1 + (n % 5)),
          },
        ];
        return {
          itemId: it.id,
          results: {
            segments,
            vectors: [
              { segmentId: `${it.id}:0`, space: 'clip' as const, vector: vector(CLIP_DIM, n) },
              { segmentId: `${it.id}:1`, space: 'text' as const, vector: vector(TEXT_DIM, n + 0.5) },
            ],
            thumbnails: [thumbnail],
          },
        };
      }),
    );
  }
}

/** Everything the library holds, without what an import may change (index keys). */
async function contents(lib: Library) {
  const tx = lib.db.transaction(['items', 'segments', 'vectors', 'thumbnails'], 'readonly');
  const [items, segments, vectors, thumbnails] = await Promise.all([
    tx.objectStore('items').getAll(),
    tx.objectStore('segments').getAll(),
    tx.objectStore('vectors').getAll(),
    tx.objectStore('thumbnails').getAll(),
  ]);
  return {
    items,
    segments: segments.map(({ key: _k, ...rest }) => rest),
    vectors: await Promise.all(
      vectors.map(async (v: VectorRecord) => ({
        ...v,
        vector: await digest(new Blob([v.vector as Float32Array<ArrayBuffer>])),
      })),
    ),
    thumbnails: await Promise.all(
      thumbnails.map(thumbnailFromStore).map(async ({ blob, ...rest }) => ({
        ...rest,
        type: blob.type,
        bytes: await digest(blob),
      })),
    ),
  };
}

async function digest(blob: Blob): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function stagedCounts(lib: Library): Promise<number[]> {
  return Promise.all(Object.values(STAGED_STORES).map((s) => lib.db.count(s)));
}

/** Records every IndexedDB transaction opened until `stop` is called: its stores and mode. */
function watchTransactions() {
  const seen: { stores: string[]; mode: IDBTransactionMode }[] = [];
  const original = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    stores: string | string[],
    mode?: IDBTransactionMode,
    options?: IDBTransactionOptions,
  ) {
    seen.push({ stores: typeof stores === 'string' ? [stores] : [...stores], mode: mode ?? 'readonly' });
    return original.call(this, stores, mode, options);
  };
  return {
    seen,
    count: (store: string, mode: IDBTransactionMode) =>
      seen.filter((t) => t.mode === mode && t.stores.length === 1 && t.stores[0] === store).length,
    stop: () => void (IDBDatabase.prototype.transaction = original),
  };
}

/** Imports `file` into `lib`, expects a refusal, and checks that nothing the library held changed. */
async function refusedKeepsLibrary(
  lib: Library,
  file: Blob,
  expectError: (error: unknown) => void,
  options: Parameters<typeof importLibrary>[2] = {},
) {
  const before = await contents(lib);
  const counts = await lib.counts();
  const copies = await listOriginals();
  let caught: unknown;
  try {
    await importLibrary(lib, file, options);
  } catch (error) {
    caught = error;
  }
  expectError(caught);
  expect(await lib.counts()).toEqual(counts);
  expect(await contents(lib)).toEqual(before);
  expect(await stagedCounts(lib)).toEqual([0, 0, 0, 0]);
  expect(await listOriginals()).toEqual(copies);
}

beforeAll(async () => {
  big = await Library.open({ name: names.big });
  old = await Library.open({ name: names.old });
  copy = await Library.open({ name: names.copy });
  await populate(big, ITEMS, 'big');
  await populate(old, 12, 'old');
  exported = (await exportLibraryBlob(big)).blob;
});

afterAll(async () => {
  for (const lib of [big, old, copy]) lib.close();
  for (const name of Object.values(names)) await deleteDB(name);
});

describe('a library of several batches', () => {
  it('exports and imports whole, reading and writing it a batch at a time', async () => {
    const watch = watchTransactions();
    let file: Blob;
    try {
      file = (await exportLibraryBlob(big)).blob;
    } finally {
      watch.stop();
    }
    // One transaction picked what to export; every store was then read a batch per transaction (items twice:
    // written out, then checked unchanged at the end).
    const pages = (n: number) => Math.ceil(n / BATCH_RECORDS);
    expect(watch.seen.filter((t) => t.stores.length === 4)).toHaveLength(1);
    expect(watch.count('items', 'readonly')).toBe(2 * pages(ITEMS));
    expect(watch.count('segments', 'readonly')).toBe(pages(2 * ITEMS));
    expect(watch.count('vectors', 'readonly')).toBe(2 * pages(ITEMS));
    expect(watch.count('thumbnails', 'readonly')).toBeGreaterThan(pages(ITEMS));
    expect(file.size).toBe(exported.size);

    const importing = watchTransactions();
    try {
      const report = await importLibrary(copy, file);
      expect(report).toMatchObject({
        items: ITEMS,
        segments: 2 * ITEMS,
        thumbnails: ITEMS,
        vectors: { clip: ITEMS, text: ITEMS },
      });
    } finally {
      importing.stop();
    }
    // Staged a batch per transaction, then swapped in by one.
    expect(importing.count(STAGED_STORES.items, 'readwrite')).toBe(pages(ITEMS));
    expect(importing.count(STAGED_STORES.segments, 'readwrite')).toBeGreaterThanOrEqual(pages(2 * ITEMS));
    expect(importing.count(STAGED_STORES.vectors, 'readwrite')).toBe(2 * pages(ITEMS));
    expect(importing.count(STAGED_STORES.thumbnails, 'readwrite')).toBeGreaterThanOrEqual(pages(ITEMS));
    expect(importing.seen.filter((t) => t.stores.includes('items') && t.mode === 'readwrite')).toHaveLength(
      1,
    );

    const [from, to] = [await contents(big), await contents(copy)];
    expect(to.items.map(({ updatedAt: _u, ...i }) => i)).toEqual(
      from.items.map(({ updatedAt: _u, ...i }) => i),
    );
    expect(to.segments).toEqual(from.segments);
    expect(to.vectors).toEqual(from.vectors);
    expect(to.thumbnails).toEqual(from.thumbnails);
    expect(await stagedCounts(copy)).toEqual([0, 0, 0, 0]);
  });

  it('hands out every imported thumbnail as a raster picture, or as the waveform Trove draws', async () => {
    const thumbnails = (await copy.db.getAll('thumbnails')).map(thumbnailFromStore);
    expect(thumbnails).toHaveLength(ITEMS);
    const types = new Set<string>();
    // The URL the library grid and results would make of each, opened as a page would open it.
    const check = async (t: ThumbnailRecord) => {
      const url = URL.createObjectURL(t.blob);
      const response = await fetch(url);
      URL.revokeObjectURL(url);
      const type = response.headers.get('content-type') ?? '';
      const bytes = new Uint8Array(await response.arrayBuffer());
      types.add(type);
      if (type === 'image/svg+xml') expect(new TextDecoder().decode(bytes)).toBe(redrawWaveform(bytes));
      else expect(rasterType(bytes)).toBe(type);
    };
    for (let at = 0; at < thumbnails.length; at += 64)
      await Promise.all(thumbnails.slice(at, at + 64).map(check));
    expect([...types].sort()).toEqual(['image/jpeg', 'image/png', 'image/svg+xml', 'image/webp']);
  });
});

describe('one import at a time', () => {
  it('refuses a second import while the first is staging, and the first completes', async () => {
    const first = importLibrary(copy, exported);
    // The first holds the import lock from its start; the second must not touch the staging stores.
    const second = await importLibrary(old, exported).then(
      () => null,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(BackupError);
    expect((second as BackupError).code).toBe('busy');
    expect((second as BackupError).message).toMatch(/Another import is running/);
    expect((await first).items).toBe(ITEMS);
    expect(await old.counts()).toMatchObject({ items: 12 });
  });
});

describe('an import that fails midway leaves the old library as it was', () => {
  it('a scripted SVG as the last thumbnail, after every earlier batch was staged', async () => {
    const sections = await decodeSections(exported);
    const last = `thumbnail/${ITEMS - 1}`;
    const svg = new TextEncoder().encode(
      waveformSvg(new Float32Array(WAVEFORM_BARS).fill(0.5)).replace(
        '</svg>',
        '<script>alert(1)</script></svg>',
      ),
    );
    const hostile = await encodeSections(
      editJson(sections, 'thumbnails', (l) =>
        l.map((t, n) =>
          n === ITEMS - 1 ? { ...(t as object), type: 'image/svg+xml', size: svg.length } : t,
        ),
      ).map((s) => (s.name === last ? { name: s.name, bytes: svg } : s)),
    );
    const watch = watchTransactions();
    try {
      await refusedKeepsLibrary(old, hostile, (error) => {
        expect(error).toBeInstanceOf(BackupError);
        expect((error as BackupError).code).toBe('unsafe-content');
        expect((error as BackupError).message).toMatch(/is an SVG that is not a waveform Trove drew/);
      });
    } finally {
      watch.stop();
    }
    expect(watch.count(STAGED_STORES.vectors, 'readwrite')).toBe(2 * Math.ceil(ITEMS / BATCH_RECORDS));
  });

  it('a failure inside the swap itself, after part of the new library was written there', async () => {
    // A staged record that only the library's own stores refuse (a second item with the same content hash,
    // which the file's checks would not let through), slipped in while the file is read.
    let slipped = false;
    await refusedKeepsLibrary(
      old,
      exported,
      (error) => {
        expect(error).toBeInstanceOf(BackupError);
        expect((error as BackupError).message).toMatch(/could not be imported: .*sha256/);
      },
      {
        onProgress: (read, total) => {
          if (read < total || slipped) return;
          slipped = true;
          void old.db.put(STAGED_STORES.items, { ...item('zzz-twin', 1, 'image'), status: 'ready' });
        },
      },
    );
    expect(slipped).toBe(true);
  });

  it('an import cancelled halfway through the file', async () => {
    const controller = new AbortController();
    await refusedKeepsLibrary(
      old,
      exported,
      (error) => expect((error as DOMException).name).toBe('AbortError'),
      { signal: controller.signal, onProgress: (read, total) => read > total / 2 && controller.abort() },
    );
  });
});
