// Writes the whole library as one export file (see format.ts): a manifest, the items, segments, vectors
// per space (segment ids, then raw float32 rows), thumbnails, and optionally the original files. The
// records are read in one read-only transaction, so the file is a consistent snapshot even while another
// tab is adding files; the output is a stream, written piece by piece to wherever the caller sends it.
import type { Library } from '../library/library.ts';
import { openOriginal } from '../library/originals.ts';
import type { ItemRecord, SegmentRecord, Space, ThumbnailRecord, VectorRecord } from '../library/records.ts';
import { thumbnailFromStore } from '../library/thumbnail-bytes.ts';
import { BackupError } from './errors.ts';
import { FORMAT_VERSION, FrameWriter, header } from './format.ts';
import {
  FORMAT_NAME,
  SPACES,
  sections,
  type ExportManifest,
  type ExportedItem,
  type ExportedSegment,
  type ExportedThumbnail,
} from './records.ts';

export interface ExportOptions {
  /** Include the original files (stored copies, and folder files the page may still read). Default false. */
  includeOriginals?: boolean;
  signal?: AbortSignal;
  /** Bytes written so far and the expected total (an estimate until the end). */
  onProgress?: (written: number, total: number) => void;
}

export interface ExportPlan {
  manifest: ExportManifest;
  /** Items left out because they were still being added, and originals that could not be read. */
  skipped: { unfinished: number; originalsUnreadable: string[] };
  /** The file's contents; read it once. */
  stream: ReadableStream<Uint8Array>;
}

const encoder = new TextEncoder();
/** NDJSON is encoded and written in batches of about this many bytes. */
const BATCH_BYTES = 1 << 20;
const EXPORTED = new Set(['ready', 'error', 'unsupported']);

/** Reads the library and returns the export's manifest and its byte stream. */
export async function exportLibrary(library: Library, options: ExportOptions = {}): Promise<ExportPlan> {
  const snapshot = await readSnapshot(library);
  const items = snapshot.items.filter((i) => EXPORTED.has(i.status));
  const itemIds = new Set(items.map((i) => i.id));
  const segments = snapshot.segments.filter((s) => itemIds.has(s.itemId));
  const segmentIds = new Set(segments.map((s) => s.id));
  const thumbnails = snapshot.thumbnails.filter((t) => itemIds.has(t.itemId));
  const vectors = new Map<Space, VectorRecord[]>();
  for (const v of snapshot.vectors) {
    if (!segmentIds.has(v.segmentId)) continue;
    const list = vectors.get(v.space) ?? [];
    list.push(v);
    vectors.set(v.space, list);
  }

  const originals: { index: number; file: File }[] = [];
  const unreadable: string[] = [];
  if (options.includeOriginals) {
    for (const [index, item] of items.entries()) {
      if (!item.source) continue;
      try {
        // A File is a snapshot; reading it later fails if it changed or vanished, which ends the export.
        originals.push({ index, file: await openOriginal(item.source) });
      } catch {
        unreadable.push(item.name);
      }
    }
  }

  const spaces: ExportManifest['spaces'] = {};
  for (const space of SPACES) {
    const list = vectors.get(space);
    if (!list?.length) continue;
    const dim = list[0]!.vector.length;
    const odd = list.find((v) => v.vector.length !== dim);
    if (odd)
      throw new BackupError(
        'export-failed',
        `The library holds ${space} vectors of two sizes (${dim} and ${odd.vector.length}); re-add the files of one model before exporting.`,
      );
    spaces[space] = { dim, count: list.length };
  }
  const manifest: ExportManifest = {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    schemaVersion: library.db.version,
    exportedAt: new Date().toISOString(),
    counts: {
      items: items.length,
      segments: segments.length,
      thumbnails: thumbnails.length,
      originals: originals.length,
    },
    spaces,
  };

  const total =
    [...vectors.values()].reduce((n, l) => n + l.length * (l[0]?.vector.length ?? 0) * 4, 0) +
    thumbnails.reduce((n, t) => n + t.blob.size, 0) +
    originals.reduce((n, o) => n + o.file.size, 0) +
    segments.reduce((n, s) => n + (s.text?.length ?? 0) + 200, 0) +
    items.length * 400;

  const writer = await FrameWriter.create();
  const chunks = generate(writer, manifest, items, segments, vectors, thumbnails, originals, options.signal);
  let written = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) {
            options.onProgress?.(written, written);
            controller.close();
            return;
          }
          written += next.value.length;
          options.onProgress?.(written, Math.max(total, written));
          controller.enqueue(next.value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    // Back-pressure by bytes: the reader's pace decides how much of the library is in memory as output.
    new ByteLengthQueuingStrategy({ highWaterMark: 4 << 20 }),
  );
  return {
    manifest,
    skipped: { unfinished: snapshot.items.length - items.length, originalsUnreadable: unreadable },
    stream,
  };
}

/** The export as a Blob (for a download link); use the stream with a file picker for very large libraries. */
export async function exportLibraryBlob(library: Library, options: ExportOptions = {}) {
  const plan = await exportLibrary(library, options);
  const blob = await new Response(plan.stream).blob();
  return { ...plan, blob };
}

/** A file name like "trove-library-2026-11-26.trove". */
export function exportFileName(date = new Date()): string {
  return `trove-library-${date.toISOString().slice(0, 10)}.trove`;
}

async function readSnapshot(library: Library) {
  const tx = library.db.transaction(['items', 'segments', 'vectors', 'thumbnails'], 'readonly');
  const [items, segments, vectors, thumbnails] = await Promise.all([
    tx.objectStore('items').getAll(),
    tx.objectStore('segments').getAll(),
    tx.objectStore('vectors').getAll(),
    tx.objectStore('thumbnails').getAll(),
  ]);
  await tx.done;
  return { items, segments, vectors, thumbnails: thumbnails.map(thumbnailFromStore) };
}

async function* generate(
  w: FrameWriter,
  manifest: ExportManifest,
  items: ItemRecord[],
  segments: SegmentRecord[],
  vectors: Map<Space, VectorRecord[]>,
  thumbnails: ThumbnailRecord[],
  originals: { index: number; file: File }[],
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  yield header();
  yield* jsonSection(w, sections.manifest, [manifest], signal);
  yield* jsonSection(w, sections.items, items.map(exportedItem), signal);
  yield* jsonSection(w, sections.segments, segments.map(exportedSegment), signal);

  for (const space of SPACES) {
    const list = vectors.get(space);
    if (!list?.length) continue;
    yield* jsonSection(
      w,
      sections.vectorIds(space),
      list.map((v) => v.segmentId),
      signal,
    );
    yield w.section(sections.vectors(space));
    const dim = list[0]!.vector.length;
    const rowsPerBatch = Math.max(1, Math.floor(BATCH_BYTES / (dim * 4)));
    for (let at = 0; at < list.length; at += rowsPerBatch) {
      signal?.throwIfAborted();
      const rows = list.slice(at, at + rowsPerBatch);
      const batch = new Float32Array(rows.length * dim);
      rows.forEach((v, i) => batch.set(v.vector, i * dim));
      yield* w.data(littleEndian(batch));
    }
    yield w.end();
  }

  const thumbMeta: ExportedThumbnail[] = thumbnails.map((t) => ({
    id: t.id,
    itemId: t.itemId,
    width: t.width,
    height: t.height,
    type: t.blob.type,
    size: t.blob.size,
  }));
  yield* jsonSection(w, sections.thumbnails, thumbMeta, signal);
  for (const [index, t] of thumbnails.entries()) {
    signal?.throwIfAborted();
    yield w.section(sections.thumbnail(index));
    yield* w.data(new Uint8Array(await t.blob.arrayBuffer()));
    yield w.end();
  }

  for (const { index, file } of originals) {
    yield w.section(sections.original(index));
    const reader = file.stream().getReader();
    try {
      for (;;) {
        signal?.throwIfAborted();
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          throw new BackupError(
            'export-failed',
            `Could not read the original of "${items[index]!.name}" (it changed or was removed during the export); export again.`,
            { cause: error },
          );
        }
        if (read.done) break;
        yield* w.data(read.value);
      }
    } finally {
      reader.releaseLock();
    }
    yield w.end();
  }
  yield w.finish();
}

/** A section of JSON lines, one value per line, encoded in batches. */
function* jsonSection(
  w: FrameWriter,
  name: string,
  values: unknown[],
  signal?: AbortSignal,
): Generator<Uint8Array> {
  yield w.section(name);
  let batch: string[] = [];
  let size = 0;
  for (const value of values) {
    const line = `${JSON.stringify(value)}\n`;
    batch.push(line);
    size += line.length;
    if (size >= BATCH_BYTES) {
      signal?.throwIfAborted();
      yield* w.data(encoder.encode(batch.join('')));
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield* w.data(encoder.encode(batch.join('')));
  yield w.end();
}

function exportedItem(item: ItemRecord): ExportedItem {
  const { source: _source, folderId: _folderId, ...rest } = item;
  return rest;
}

function exportedSegment(segment: SegmentRecord): ExportedSegment {
  const { key: _key, ...rest } = segment as SegmentRecord & { key?: number };
  return rest;
}

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The bytes of a Float32Array in little-endian order (the file's order), whatever the host's. */
export function littleEndian(values: Float32Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
