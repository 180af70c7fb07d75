// Reads an export file, checks all of it, and only then replaces the library with it in one IndexedDB
// transaction. Until that transaction commits, the current library is untouched: a foreign, damaged,
// truncated or newer file, a record that fails its check, a vector of the wrong size, or a full disk all
// end the import with a BackupError and leave everything as it was.
//
// Original files (when the export has them) are streamed into OPFS under new names while the file is read,
// and verified against their item's size and SHA-256; they are deleted again if the import fails, and the
// replaced library's copies are deleted once the new records are committed.
import { createSHA256 } from 'hash-wasm';
import type { Library } from '../library/library.ts';
import { ORIGINALS_DIR, removeStoredFile } from '../library/originals.ts';
import type {
  ItemRecord,
  JobRecord,
  SegmentRecord,
  Space,
  StoredThumbnail,
  VectorRecord,
} from '../library/records.ts';
import { BackupError } from './errors.ts';
import { FORMAT_VERSION, readFrames, type FrameEvent } from './format.ts';
import {
  checkItem,
  checkManifest,
  checkSegment,
  checkThumbnail,
  SPACES,
  sections,
  type ExportManifest,
  type ExportedItem,
  type ExportedSegment,
  type ExportedThumbnail,
} from './records.ts';

export interface ImportOptions {
  /** The vector sizes this app's models produce; a file whose vectors have other sizes is refused. */
  expectedDims?: Partial<Record<Space, number>>;
  signal?: AbortSignal;
  /** Bytes of the file read so far, and its size. */
  onProgress?: (read: number, total: number) => void;
  /** The library's schema version; a file from a newer one is refused before the rest is read. */
  schemaVersion?: number;
}

export interface ImportReport {
  items: number;
  segments: number;
  vectors: Partial<Record<Space, number>>;
  thumbnails: number;
  originals: number;
  /** Items the library had before, now replaced. */
  replacedItems: number;
  exportedAt: string;
}

/** An export file read and checked, ready to be written. */
export interface CheckedExport {
  manifest: ExportManifest;
  items: ExportedItem[];
  segments: ExportedSegment[];
  vectors: Map<Space, { ids: string[]; rows: Float32Array; dim: number }>;
  thumbnails: { meta: ExportedThumbnail; bytes: ArrayBuffer }[];
  /** Staged original copies by item index. */
  originals: Map<number, { path: string; size: number }>;
}

/** Replaces the library with the export file's contents, after checking all of it. */
export async function importLibrary(
  library: Library,
  file: Blob,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const checked = await readExport(file, { ...options, schemaVersion: library.db.version });
  try {
    const { replacedItems, oldCopies } = await replaceLibrary(library, checked);
    // The replaced library's stored copies, now referenced by nothing. Only those: a general sweep could
    // take a copy another tab has just saved and not yet recorded.
    for (const path of oldCopies) await removeStoredFile(path, { force: true }).catch(() => undefined);
    return {
      items: checked.items.length,
      segments: checked.segments.length,
      vectors: Object.fromEntries([...checked.vectors].map(([space, v]) => [space, v.ids.length])),
      thumbnails: checked.thumbnails.length,
      originals: checked.originals.size,
      replacedItems,
      exportedAt: checked.manifest.exportedAt,
    };
  } catch (error) {
    await discardStaged(checked.originals);
    throw error;
  }
}

/**
 * Reads and checks a whole export file without writing to the library (originals are staged in OPFS and
 * removed again on failure). Throws a BackupError naming the first problem.
 */
export async function readExport(file: Blob, options: ImportOptions = {}): Promise<CheckedExport> {
  const staged = new Map<number, { path: string; size: number }>();
  try {
    return await readAndCheck(file, options, staged);
  } catch (error) {
    await discardStaged(staged);
    if (error instanceof BackupError) throw error;
    if (isQuotaError(error)) throw storageFull(error);
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new BackupError(
      'malformed',
      `The export file could not be read: ${(error as Error).message ?? error}`,
      {
        cause: error,
      },
    );
  }
}

async function readAndCheck(
  file: Blob,
  options: ImportOptions,
  staged: Map<number, { path: string; size: number }>,
): Promise<CheckedExport> {
  let read = 0;
  const counted = file.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.length;
        options.onProgress?.(read, file.size);
        controller.enqueue(chunk);
      },
    }),
  );
  const frames = readFrames(counted);
  const next = async (): Promise<FrameEvent> => {
    options.signal?.throwIfAborted();
    const r = await frames.next();
    if (r.done) throw malformed('the file ends without its end marker');
    return r.value;
  };
  /** Reads the next section, which must be `name`, handing its data to `onData`. */
  const section = async (name: string, onData: (bytes: Uint8Array) => void | Promise<void>) => {
    const start = await next();
    if (start.type !== 'section')
      throw malformed(
        `expected section "${name}" but found ${start.type === 'finish' ? 'the end of the file' : start.type}`,
      );
    if (start.name !== name) throw malformed(`expected section "${name}" but found "${start.name}"`);
    for (;;) {
      const e = await next();
      if (e.type === 'data') await onData(e.bytes);
      else if (e.type === 'end') return;
      else throw malformed(`section "${name}" is not closed`);
    }
  };
  const jsonSection = async <T>(name: string, check: (value: unknown, index: number) => T): Promise<T[]> => {
    const out: T[] = [];
    const lines = new JsonLines(name, (value) => out.push(check(value, out.length)));
    await section(name, (bytes) => lines.push(bytes));
    lines.finish();
    return out;
  };

  const [manifestValue] = await jsonSection(sections.manifest, (v) => v);
  const manifest = checkManifest(manifestValue, {
    formatVersion: FORMAT_VERSION,
    schemaVersion: options.schemaVersion ?? Number.MAX_SAFE_INTEGER,
  });

  const items = await jsonSection(sections.items, checkItem);
  expectCount('items', items.length, manifest.counts.items);
  const itemIds = unique(
    'item',
    items.map((i) => i.id),
  );
  unique(
    'content hash (sha256) of an item',
    items.flatMap((i) => (i.sha256 ? [i.sha256] : [])),
  );

  const segments = await jsonSection(sections.segments, checkSegment);
  expectCount('segments', segments.length, manifest.counts.segments);
  const segmentById = new Map(segments.map((s) => [s.id, s]));
  unique(
    'segment',
    segments.map((s) => s.id),
  );
  for (const s of segments)
    if (!itemIds.has(s.itemId))
      throw invalid(`segment "${s.id}" belongs to item "${s.itemId}", which the file does not have`);

  const vectors = new Map<Space, { ids: string[]; rows: Float32Array; dim: number }>();
  for (const space of SPACES) {
    const entry = manifest.spaces[space];
    if (!entry) continue;
    const expected = options.expectedDims?.[space];
    if (expected !== undefined && expected !== entry.dim)
      throw new BackupError(
        'wrong-dimension',
        `This library was made with a different ${space.toUpperCase()} model: its vectors have ${entry.dim} numbers, this Trove's model makes ${expected}. Set the same models (Settings → Models) before importing.`,
      );
    const bytes = entry.count * entry.dim * 4;
    if (bytes > file.size)
      throw malformed(`the manifest claims more ${space} vectors than the file can hold`);
    const ids = await jsonSection(sections.vectorIds(space), (v, i) => {
      if (typeof v !== 'string') throw invalid(`${space} vector ${i + 1} has no segment id`);
      return v;
    });
    expectCount(`${space} vector ids`, ids.length, entry.count);
    unique(`${space} vector of segment`, ids);
    for (const id of ids) {
      const seg = segmentById.get(id);
      if (!seg) throw invalid(`a ${space} vector belongs to segment "${id}", which the file does not have`);
      if (!seg.spaces.includes(space))
        throw invalid(`segment "${id}" has a ${space} vector but does not list ${space} among its spaces`);
    }
    const rows = new Float32Array(entry.count * entry.dim);
    const target = new Uint8Array(rows.buffer);
    let at = 0;
    await section(sections.vectors(space), (chunk) => {
      if (at + chunk.length > target.length)
        throw malformed(`the ${space} vectors hold more bytes than ${entry.count} × ${entry.dim} numbers`);
      target.set(chunk, at);
      at += chunk.length;
    });
    if (at !== target.length)
      throw malformed(`the ${space} vectors hold ${at} bytes, expected ${target.length}`);
    fromLittleEndian(rows);
    checkRows(space, ids, rows, entry.dim);
    vectors.set(space, { ids, rows, dim: entry.dim });
  }

  const thumbMeta = await jsonSection(sections.thumbnails, checkThumbnail);
  expectCount('thumbnails', thumbMeta.length, manifest.counts.thumbnails);
  const thumbIds = unique(
    'thumbnail',
    thumbMeta.map((t) => t.id),
  );
  for (const t of thumbMeta)
    if (!itemIds.has(t.itemId))
      throw invalid(`thumbnail "${t.id}" belongs to item "${t.itemId}", which the file does not have`);
  for (const s of segments)
    if (s.thumbnailId !== undefined && !thumbIds.has(s.thumbnailId))
      throw invalid(`segment "${s.id}" shows thumbnail "${s.thumbnailId}", which the file does not have`);
  const thumbnails: { meta: ExportedThumbnail; bytes: ArrayBuffer }[] = [];
  for (const [index, meta] of thumbMeta.entries()) {
    const parts: Uint8Array[] = [];
    await section(sections.thumbnail(index), (bytes) => void parts.push(bytes));
    const bytes = await new Blob(parts as BlobPart[]).arrayBuffer();
    if (bytes.byteLength !== meta.size)
      throw malformed(`thumbnail "${meta.id}" holds ${bytes.byteLength} bytes, its record says ${meta.size}`);
    thumbnails.push({ meta, bytes });
  }

  const dir = manifest.counts.originals ? await originalsDir() : undefined;
  const hasher = manifest.counts.originals ? await createSHA256() : undefined;
  let last = -1;
  for (let n = 0; n < manifest.counts.originals; n++) {
    const start = await next();
    const match = start.type === 'section' ? /^original\/(\d+)$/.exec(start.name) : null;
    if (!match) throw malformed(`expected ${manifest.counts.originals} original files but found ${n}`);
    const index = Number(match[1]);
    const item = items[index];
    if (!item || index <= last)
      throw malformed(`original file ${n + 1} points at no item or comes out of order`);
    last = index;
    const key = `import-${crypto.randomUUID()}`;
    const handle = await dir!.getFileHandle(key, { create: true });
    staged.set(index, { path: `${ORIGINALS_DIR}/${key}`, size: 0 });
    const writable = await handle.createWritable();
    hasher!.init();
    let size = 0;
    try {
      for (;;) {
        const e = await next();
        if (e.type === 'end') break;
        if (e.type !== 'data') throw malformed(`the original of "${item.name}" is not closed`);
        hasher!.update(e.bytes);
        size += e.bytes.length;
        await writable.write(e.bytes as Uint8Array<ArrayBuffer>);
      }
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw error;
    }
    staged.get(index)!.size = size;
    if (size !== item.size)
      throw invalid(`the original of "${item.name}" has ${size} bytes, its item says ${item.size}`);
    if (item.sha256 && hasher!.digest('hex') !== item.sha256)
      throw invalid(`the original of "${item.name}" does not match its content hash`);
  }

  const end = await next();
  if (end.type !== 'finish')
    throw malformed(
      end.type === 'section' ? `unexpected section "${end.name}"` : 'unexpected data after the last section',
    );
  return { manifest, items, segments, vectors, thumbnails, originals: new Map(staged) };
}

/**
 * Clears the library and writes the checked export, in one transaction. Returns how many items it replaced
 * and the stored copies those items and their jobs had.
 */
async function replaceLibrary(
  library: Library,
  data: CheckedExport,
): Promise<{ replacedItems: number; oldCopies: string[] }> {
  if (data.manifest.schemaVersion > library.db.version)
    throw new BackupError(
      'newer-schema',
      `This export was made by a newer Trove (library version ${data.manifest.schemaVersion}; this Trove has version ${library.db.version}). Update Trove, then import it.`,
    );
  const db = library.db as unknown as IDBPDatabaseLike;
  const hasMeta = db.objectStoreNames.contains('meta');
  const stores = [
    'items',
    'segments',
    'vectors',
    'thumbnails',
    'jobs',
    'folders',
    ...(hasMeta ? ['meta'] : []),
  ];
  const tx = db.transaction(stores, 'readwrite');
  const done = tx.done;
  const pending: Promise<unknown>[] = [];
  try {
    const oldItems = (await tx.objectStore('items').getAll()) as ItemRecord[];
    const oldJobs = (await tx.objectStore('jobs').getAll()) as JobRecord[];
    const oldCopies = new Set<string>();
    for (const source of [...oldItems.map((i) => i.source), ...oldJobs.map((j) => j.input?.source)])
      if (source?.kind === 'opfs') oldCopies.add(source.path);
    let nextKey = hasMeta ? ((await tx.objectStore('meta').get('nextSegmentKey'))?.value ?? 1) : 1;
    const vectorsVersion = hasMeta ? ((await tx.objectStore('meta').get('vectorsVersion'))?.value ?? 0) : 0;
    for (const store of ['items', 'segments', 'vectors', 'thumbnails', 'jobs', 'folders'])
      pending.push(tx.objectStore(store).clear());

    data.items.forEach((item, index) => {
      const original = data.originals.get(index);
      // neverWritten is not trusted from a file: a re-ingest of the item must look for its imported segments.
      const record: ItemRecord = original
        ? { ...item, source: { kind: 'opfs', path: original.path }, neverWritten: undefined }
        : { ...item, neverWritten: undefined };
      pending.push(tx.objectStore('items').put(record));
    });
    for (const segment of data.segments) {
      // Fresh index keys from the library's own counter, so no key is ever reused.
      const record: SegmentRecord = hasMeta ? { ...segment, key: nextKey++ } : { ...segment };
      pending.push(tx.objectStore('segments').put(record));
    }
    const itemOf = new Map(data.segments.map((s) => [s.id, s.itemId]));
    for (const [space, { ids, rows, dim }] of data.vectors) {
      ids.forEach((segmentId, i) => {
        // slice, not subarray: a view would make IndexedDB store the whole space's buffer with every vector.
        const record: VectorRecord = {
          segmentId,
          space,
          itemId: itemOf.get(segmentId)!,
          vector: rows.slice(i * dim, (i + 1) * dim),
        };
        pending.push(tx.objectStore('vectors').put(record));
      });
    }
    for (const { meta, bytes } of data.thumbnails) {
      const record: StoredThumbnail = {
        id: meta.id,
        itemId: meta.itemId,
        width: meta.width,
        height: meta.height,
        bytes,
        type: meta.type,
      };
      pending.push(tx.objectStore('thumbnails').put(record));
    }
    if (hasMeta) {
      pending.push(tx.objectStore('meta').put({ name: 'nextSegmentKey', value: nextKey }));
      // A new vectors version tells every open index that it no longer matches the store.
      pending.push(tx.objectStore('meta').put({ name: 'vectorsVersion', value: vectorsVersion + 1 }));
    }
    await Promise.all(pending);
    await done;
    for (const { path } of data.originals.values()) oldCopies.delete(path);
    return { replacedItems: oldItems.length, oldCopies: [...oldCopies] };
  } catch (error) {
    for (const p of pending) p.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    const failure = await done.then(
      () => error,
      (txError: unknown) => txError ?? error,
    );
    if (isQuotaError(failure) || isQuotaError(error)) throw storageFull(failure);
    throw error;
  }
}

/** The minimal untyped view of the idb database the replace needs (it spans stores of several schema versions). */
interface IDBPDatabaseLike {
  objectStoreNames: DOMStringList;
  transaction(
    stores: string[],
    mode: 'readwrite',
  ): {
    done: Promise<void>;
    abort(): void;
    objectStore(name: string): {
      clear(): Promise<void>;
      getAll(): Promise<unknown[]>;
      get(key: string): Promise<{ value: number } | undefined>;
      put(value: unknown): Promise<unknown>;
    };
  };
}

/** Splits a section's bytes into lines and parses each as JSON. */
class JsonLines {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private rest = '';
  private line = 0;

  constructor(
    private readonly name: string,
    private readonly onValue: (value: unknown) => void,
  ) {}

  push(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.rest + this.decoder.decode(bytes, { stream: true });
    } catch {
      throw malformed(`section "${this.name}" is not valid UTF-8 text`);
    }
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    if (this.rest.length > 64 * 1024 * 1024) throw malformed(`section "${this.name}" has a line over 64 MB`);
    for (const line of lines) this.parse(line);
  }

  finish(): void {
    if (this.rest.length) throw malformed(`section "${this.name}" does not end with a complete line`);
  }

  private parse(line: string): void {
    this.line++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw malformed(`line ${this.line} of section "${this.name}" is not valid JSON`);
    }
    this.onValue(value);
  }
}

function checkRows(space: Space, ids: string[], rows: Float32Array, dim: number): void {
  for (let r = 0; r < ids.length; r++) {
    let norm = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) {
      const v = rows[i]!;
      if (!Number.isFinite(v))
        throw invalid(`the ${space} vector of segment "${ids[r]}" holds a number that is not finite`);
      norm += v * v;
    }
    if (norm === 0) throw invalid(`the ${space} vector of segment "${ids[r]}" is all zeros`);
  }
}

function fromLittleEndian(values: Float32Array): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return;
  const view = new DataView(values.buffer);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
}

function expectCount(what: string, found: number, declared: number): void {
  if (found !== declared)
    throw malformed(`the manifest says ${declared} ${what} but the file holds ${found}`);
}

function unique(what: string, ids: string[]): Set<string> {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw invalid(`${what} "${id}" appears twice`);
    seen.add(id);
  }
  return seen;
}

async function originalsDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ORIGINALS_DIR, { create: true });
}

async function discardStaged(staged: Map<number, { path: string }>): Promise<void> {
  if (!staged.size) return;
  const dir = await originalsDir();
  for (const { path } of staged.values())
    await dir.removeEntry(path.slice(ORIGINALS_DIR.length + 1)).catch(() => undefined);
  staged.clear();
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}

function storageFull(cause: unknown): BackupError {
  return new BackupError(
    'storage-full',
    'There is not enough storage space to import this library. Nothing was changed; free some space (or import without original files) and try again.',
    { cause },
  );
}

function malformed(why: string): BackupError {
  return new BackupError('malformed', `The export file is malformed: ${why}.`);
}

function invalid(why: string): BackupError {
  return new BackupError('invalid-record', `The export file is malformed: ${why}.`);
}
