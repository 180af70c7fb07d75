// Reads an export file and replaces the library with it. The file is read as a stream and every record is
// checked as it comes; checked records go into the staging stores a batch at a time (staging.ts,
// batches.ts), and only when all of the file has passed are they moved into the library's stores, in one
// transaction (swap-library.ts). Until that transaction commits the current library is untouched: a
// foreign, damaged, truncated or newer file, a record that fails its check, a vector of the wrong size, a
// thumbnail or original that is not what it says, or a full disk all end the import with a BackupError and
// leave everything as it was.
//
// Original files (when the export has them) are streamed into OPFS under new names while the file is read,
// and verified against their item's size, SHA-256 and kind; they are deleted again if the import fails, and
// the replaced library's copies are deleted once the new records are committed.
import { createSHA256 } from 'hash-wasm';
import { detectType, SNIFF_BYTES } from '../ingest/detect-type.ts';
import { isQuotaError } from '../ingest/quota-error.ts';
import type { Library } from '../library/library.ts';
import { ORIGINALS_DIR, removeStoredFile } from '../library/originals.ts';
import type { ItemRecord, Space, StoredThumbnail, VectorRecord } from '../library/records.ts';
import { BATCH_BYTES, BATCH_RECORDS } from './batches.ts';
import { BackupError } from './errors.ts';
import { FORMAT_VERSION, readFrames, type FrameEvent } from './format.ts';
import {
  checkItem,
  checkManifest,
  checkSegment,
  checkThumbnail,
  SPACES,
  sections,
  type ExportedThumbnail,
} from './records.ts';
import { Staging, withImportLock } from './staging.ts';
import { swapInStaged } from './swap-library.ts';
import { checkThumbnailBytes } from './thumbnail-check.ts';

export interface ImportOptions {
  /** The vector sizes this app's models produce; a file whose vectors have other sizes is refused. */
  expectedDims?: Partial<Record<Space, number>>;
  signal?: AbortSignal;
  /** Bytes of the file read so far, and its size. */
  onProgress?: (read: number, total: number) => void;
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

type Staged = Omit<ImportReport, 'replacedItems'>;

/** Replaces the library with the export file's contents, after checking all of it. */
export async function importLibrary(
  library: Library,
  file: Blob,
  options: ImportOptions = {},
): Promise<ImportReport> {
  return withImportLock(async () => {
    const staging = new Staging(library);
    /** Paths of the original copies written so far, to remove if the import fails. */
    const copies: string[] = [];
    try {
      await staging.clear();
      const staged = await stage(file, staging, copies, { ...options, schemaVersion: library.db.version });
      const { replacedItems, oldCopies } = await swapInStaged(library);
      // The replaced library's stored copies, now referenced by nothing. Only those: a general sweep could
      // take a copy another tab has just saved and not yet recorded.
      const kept = new Set(copies);
      for (const path of oldCopies)
        if (!kept.has(path)) await removeStoredFile(path, { force: true }).catch(() => undefined);
      return { ...staged, replacedItems };
    } catch (error) {
      await staging.clear().catch(() => undefined);
      await discardCopies(copies);
      throw asBackupError(error);
    }
  });
}

function asBackupError(error: unknown): unknown {
  if (error instanceof BackupError) return error;
  if (isQuotaError(error)) return storageFull(error);
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  return new BackupError(
    'malformed',
    `The export file could not be imported: ${(error as Error).message ?? error}`,
    { cause: error },
  );
}

/** Reads, checks and stages the whole file; the staging stores then hold it, ready to swap in. */
async function stage(
  file: Blob,
  staging: Staging,
  copies: string[],
  options: ImportOptions & { schemaVersion: number },
): Promise<Staged> {
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
  /**
   * Reads a section of JSON lines, checking each value as it comes and handing the checked ones to
   * `write` in batches; returns how many there were. Memory holds one data frame and one batch.
   */
  const jsonSection = async <T>(
    name: string,
    check: (value: unknown, index: number) => T,
    write: (batch: T[]) => Promise<void> = async () => undefined,
  ): Promise<number> => {
    let count = 0;
    let batch: T[] = [];
    let bytes = 0;
    const lines = new JsonLines(name);
    await section(name, async (chunk) => {
      for (const { value, length } of lines.push(chunk)) {
        batch.push(check(value, count++));
        bytes += length;
        if (batch.length >= BATCH_RECORDS || bytes >= BATCH_BYTES) {
          await write(batch);
          batch = [];
          bytes = 0;
        }
      }
    });
    lines.finish();
    if (batch.length) await write(batch);
    return count;
  };

  let manifestValue: unknown;
  await jsonSection(sections.manifest, (v, i) => {
    if (i > 0) throw malformed('the manifest section holds more than one record');
    manifestValue = v;
  });
  const manifest = checkManifest(manifestValue, {
    formatVersion: FORMAT_VERSION,
    schemaVersion: options.schemaVersion,
  });
  const declared = manifest.counts;

  // What stays in memory for the whole import: ids, to check references (see batches.ts).
  const itemIds: string[] = [];
  const itemOrdinal = new Map<string, number>();
  const hashes = new Set<string>();
  const items = await jsonSection(
    sections.items,
    (v, i) => {
      if (i >= declared.items)
        throw malformed(`the manifest says ${declared.items} items but the file holds more`);
      const item = checkItem(v, i);
      if (itemOrdinal.has(item.id)) throw invalid(`item "${item.id}" appears twice`);
      if (item.sha256 !== undefined) {
        if (hashes.has(item.sha256))
          throw invalid(`content hash (sha256) of an item "${item.sha256}" appears twice`);
        hashes.add(item.sha256);
      }
      itemOrdinal.set(item.id, itemIds.length);
      itemIds.push(item.id);
      return item as ItemRecord;
    },
    (batch) => staging.addItems(batch),
  );
  expectCount('items', items, declared.items);
  hashes.clear();

  /** Segment id → its item's ordinal × 8 + a bit per space it lists. */
  const segmentRefs = new Map<string, number>();
  /** Thumbnail id → the first segment that shows it. */
  const shown = new Map<string, string>();
  const segments = await jsonSection(
    sections.segments,
    (v, i) => {
      if (i >= declared.segments)
        throw malformed(`the manifest says ${declared.segments} segments but the file holds more`);
      const s = checkSegment(v, i);
      if (segmentRefs.has(s.id)) throw invalid(`segment "${s.id}" appears twice`);
      const ordinal = itemOrdinal.get(s.itemId);
      if (ordinal === undefined)
        throw invalid(`segment "${s.id}" belongs to item "${s.itemId}", which the file does not have`);
      segmentRefs.set(s.id, ordinal * 8 + s.spaces.reduce((m, space) => m | spaceBit(space), 0));
      if (s.thumbnailId !== undefined && !shown.has(s.thumbnailId)) shown.set(s.thumbnailId, s.id);
      return s;
    },
    (batch) => staging.addSegments(batch),
  );
  expectCount('segments', segments, declared.segments);

  const vectors: Partial<Record<Space, number>> = {};
  for (const space of SPACES) {
    const entry = manifest.spaces[space];
    if (!entry) continue;
    const expected = options.expectedDims?.[space];
    if (expected !== undefined && expected !== entry.dim)
      throw new BackupError(
        'wrong-dimension',
        `This library was made with a different ${space.toUpperCase()} model: its vectors have ${entry.dim} numbers, this Trove's model makes ${expected}. Set the same models (Settings → Models) before importing.`,
      );
    if (entry.count * entry.dim * 4 > file.size)
      throw malformed(`the manifest claims more ${space} vectors than the file can hold`);
    const ids: string[] = [];
    const seen = new Set<string>();
    await jsonSection(sections.vectorIds(space), (v, i) => {
      if (typeof v !== 'string') throw invalid(`${space} vector ${i + 1} has no segment id`);
      if (i >= entry.count)
        throw malformed(`the manifest says ${entry.count} ${space} vector ids but the file holds more`);
      if (seen.has(v)) throw invalid(`${space} vector of segment "${v}" appears twice`);
      const ref = segmentRefs.get(v);
      if (ref === undefined)
        throw invalid(`a ${space} vector belongs to segment "${v}", which the file does not have`);
      if (!(ref & spaceBit(space)))
        throw invalid(`segment "${v}" has a ${space} vector but does not list ${space} among its spaces`);
      seen.add(v);
      ids.push(v);
    });
    expectCount(`${space} vector ids`, ids.length, entry.count);
    seen.clear();
    await stageRows(space, entry.dim, ids, (id) => itemIds[segmentRefs.get(id)! >>> 3]!);
    vectors[space] = ids.length;
  }

  /** Reads a space's rows into vector records, a batch of rows at a time. */
  async function stageRows(space: Space, dim: number, ids: string[], itemOf: (id: string) => string) {
    const rowBytes = dim * 4;
    const expected = ids.length * rowBytes;
    const rowsPerBatch = Math.min(ids.length, BATCH_RECORDS, Math.max(1, Math.floor(BATCH_BYTES / rowBytes)));
    const buffer = new Uint8Array(rowsPerBatch * rowBytes);
    let filled = 0;
    let row = 0;
    let total = 0;
    const flush = async () => {
      const rows = filled / rowBytes;
      const values = fromLittleEndian(new Float32Array(buffer.buffer.slice(0, filled)));
      const batch: VectorRecord[] = [];
      for (let r = 0; r < rows; r++) {
        const segmentId = ids[row + r]!;
        const vector = values.slice(r * dim, (r + 1) * dim);
        checkRow(space, segmentId, vector);
        batch.push({ segmentId, space, itemId: itemOf(segmentId), vector });
      }
      await staging.addVectors(batch);
      row += rows;
      filled = 0;
    };
    await section(sections.vectors(space), async (chunk) => {
      if (total + chunk.length > expected)
        throw malformed(`the ${space} vectors hold more bytes than ${ids.length} × ${dim} numbers`);
      total += chunk.length;
      for (let at = 0; at < chunk.length;) {
        const k = Math.min(chunk.length - at, buffer.length - filled);
        buffer.set(chunk.subarray(at, at + k), filled);
        filled += k;
        at += k;
        if (filled === buffer.length) await flush();
      }
    });
    if (total !== expected) throw malformed(`the ${space} vectors hold ${total} bytes, expected ${expected}`);
    if (filled) await flush();
  }

  const thumbs: ExportedThumbnail[] = [];
  const thumbIds = new Set<string>();
  await jsonSection(sections.thumbnails, (v, i) => {
    if (i >= declared.thumbnails)
      throw malformed(`the manifest says ${declared.thumbnails} thumbnails but the file holds more`);
    const t = checkThumbnail(v, i);
    if (thumbIds.has(t.id)) throw invalid(`thumbnail "${t.id}" appears twice`);
    if (!itemOrdinal.has(t.itemId))
      throw invalid(`thumbnail "${t.id}" belongs to item "${t.itemId}", which the file does not have`);
    thumbIds.add(t.id);
    thumbs.push(t);
  });
  expectCount('thumbnails', thumbs.length, declared.thumbnails);
  for (const [thumbnailId, segmentId] of shown)
    if (!thumbIds.has(thumbnailId))
      throw invalid(`segment "${segmentId}" shows thumbnail "${thumbnailId}", which the file does not have`);
  shown.clear();
  thumbIds.clear();
  segmentRefs.clear();

  let thumbBatch: StoredThumbnail[] = [];
  let thumbBytes = 0;
  for (const [index, meta] of thumbs.entries()) {
    // The record's size is capped (records.ts), so this buffer is too.
    const bytes = new Uint8Array(meta.size);
    let at = 0;
    await section(sections.thumbnail(index), (chunk) => {
      if (at + chunk.length > meta.size)
        throw malformed(`thumbnail "${meta.id}" holds more than the ${meta.size} bytes its record says`);
      bytes.set(chunk, at);
      at += chunk.length;
    });
    if (at !== meta.size)
      throw malformed(`thumbnail "${meta.id}" holds ${at} bytes, its record says ${meta.size}`);
    const checked = checkThumbnailBytes(bytes, meta.type);
    if (!checked.ok)
      throw new BackupError(
        'unsafe-content',
        `The export file holds a thumbnail Trove does not take: thumbnail "${meta.id}" ${checked.why}.`,
      );
    thumbBatch.push({
      id: meta.id,
      itemId: meta.itemId,
      width: meta.width,
      height: meta.height,
      bytes: exactBuffer(checked.bytes),
      type: checked.type,
    });
    thumbBytes += checked.bytes.length;
    if (thumbBatch.length >= BATCH_RECORDS || thumbBytes >= BATCH_BYTES) {
      await staging.addThumbnails(thumbBatch);
      thumbBatch = [];
      thumbBytes = 0;
    }
  }
  await staging.addThumbnails(thumbBatch);

  const dir = declared.originals ? await originalsDir() : undefined;
  const hasher = declared.originals ? await createSHA256() : undefined;
  let last = -1;
  for (let n = 0; n < declared.originals; n++) {
    const start = await next();
    const match = start.type === 'section' ? /^original\/(\d+)$/.exec(start.name) : null;
    if (!match) throw malformed(`expected ${declared.originals} original files but found ${n}`);
    const index = Number(match[1]);
    const id = itemIds[index];
    if (id === undefined || index <= last)
      throw malformed(`original file ${n + 1} points at no item or comes out of order`);
    last = index;
    const item = (await staging.getItem(id))!;
    const key = `import-${crypto.randomUUID()}`;
    const handle = await dir!.getFileHandle(key, { create: true });
    const path = `${ORIGINALS_DIR}/${key}`;
    copies.push(path);
    const writable = await handle.createWritable();
    const head = new Uint8Array(Math.min(SNIFF_BYTES, item.size));
    hasher!.init();
    let size = 0;
    try {
      for (;;) {
        const e = await next();
        if (e.type === 'end') break;
        if (e.type !== 'data') throw malformed(`the original of "${item.name}" is not closed`);
        if (size + e.bytes.length > item.size)
          throw invalid(`the original of "${item.name}" has more bytes than the ${item.size} its item says`);
        if (size < head.length) head.set(e.bytes.subarray(0, head.length - size), size);
        hasher!.update(e.bytes);
        size += e.bytes.length;
        await writable.write(e.bytes as Uint8Array<ArrayBuffer>);
      }
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw error;
    }
    if (size !== item.size)
      throw invalid(`the original of "${item.name}" has ${size} bytes, its item says ${item.size}`);
    if (item.sha256 && hasher!.digest('hex') !== item.sha256)
      throw invalid(`the original of "${item.name}" does not match its content hash`);
    checkOriginalContent(item, head);
    await staging.setSource(id, { kind: 'opfs', path });
  }

  const end = await next();
  if (end.type !== 'finish')
    throw malformed(
      end.type === 'section' ? `unexpected section "${end.name}"` : 'unexpected data after the last section',
    );
  return {
    items,
    segments,
    vectors,
    thumbnails: thumbs.length,
    originals: declared.originals,
    exportedAt: manifest.exportedAt,
  };
}

/**
 * An original is kept only when its bytes are the kind of file its item says, recognised as ingest
 * recognises files (detect-type.ts). The viewer shows an image item's copy through a blob: URL, so an
 * "image" whose bytes are HTML or SVG would be a document of the app's origin when opened on its own.
 */
function checkOriginalContent(item: ItemRecord, head: Uint8Array): void {
  const found = detectType(head, item.name, item.size);
  const refuse = (why: string) => {
    throw new BackupError(
      'unsafe-content',
      `The export file holds an original Trove does not take: the original of "${item.name}" ${why}.`,
    );
  };
  if (!found.ok) refuse(`is not a file Trove reads (${found.message})`);
  else if (found.type.kind !== item.kind || (item.format !== undefined && found.type.format !== item.format))
    refuse(
      `is ${found.type.format} (${found.type.kind}) by its content, but its item says ${item.kind}${item.format ? ` (${item.format})` : ''}`,
    );
}

/** Splits a section's bytes into lines and parses each as JSON, as they are asked for. */
class JsonLines {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private rest = '';
  private line = 0;

  constructor(private readonly name: string) {}

  *push(bytes: Uint8Array): Generator<{ value: unknown; length: number }> {
    let text: string;
    try {
      text = this.rest + this.decoder.decode(bytes, { stream: true });
    } catch {
      throw malformed(`section "${this.name}" is not valid UTF-8 text`);
    }
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    if (this.rest.length > 64 * 1024 * 1024) throw malformed(`section "${this.name}" has a line over 64 MB`);
    for (const line of lines) yield { value: this.parse(line), length: line.length };
  }

  finish(): void {
    if (this.rest.length) throw malformed(`section "${this.name}" does not end with a complete line`);
  }

  private parse(line: string): unknown {
    this.line++;
    try {
      return JSON.parse(line);
    } catch {
      throw malformed(`line ${this.line} of section "${this.name}" is not valid JSON`);
    }
  }
}

/** The bytes as an ArrayBuffer of their own, copied only when they are a view into a larger one. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : bytes.slice().buffer;
}

function spaceBit(space: Space): number {
  return 1 << SPACES.indexOf(space);
}

function checkRow(space: Space, segmentId: string, vector: Float32Array): void {
  let norm = 0;
  for (const v of vector) {
    if (!Number.isFinite(v))
      throw invalid(`the ${space} vector of segment "${segmentId}" holds a number that is not finite`);
    norm += v * v;
  }
  if (norm === 0) throw invalid(`the ${space} vector of segment "${segmentId}" is all zeros`);
}

function fromLittleEndian(values: Float32Array): Float32Array {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return values;
  const view = new DataView(values.buffer);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

function expectCount(what: string, found: number, declared: number): void {
  if (found !== declared)
    throw malformed(`the manifest says ${declared} ${what} but the file holds ${found}`);
}

async function originalsDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ORIGINALS_DIR, { create: true });
}

async function discardCopies(copies: string[]): Promise<void> {
  if (!copies.length) return;
  const dir = await originalsDir();
  for (const path of copies)
    await dir.removeEntry(path.slice(ORIGINALS_DIR.length + 1)).catch(() => undefined);
  copies.length = 0;
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
