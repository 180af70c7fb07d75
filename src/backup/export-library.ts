// Writes the whole library as one export file (see format.ts): a manifest, the items, segments, vectors
// per space (segment ids, then raw float32 rows), thumbnails, and optionally the original files. The output
// is a stream, written piece by piece to wherever the caller sends it.
//
// The library is never read whole into memory. One read-only transaction first decides what the file will
// hold (the ids of finished items and of their segments, vectors and thumbnails, which also give the
// manifest's counts); the records are then read a batch at a time (batches.ts), each batch in its own
// short transaction, as the reader of the stream asks for them. Other tabs may write meanwhile: an item
// that is removed or rewritten before the export ends (its updatedAt changes) fails the export with a
// clear reason, so a file that completes is a consistent snapshot.
import type { Library } from '../library/library.ts';
import { openOriginal } from '../library/originals.ts';
import type { ItemRecord, OriginalSource, SegmentRecord, Space } from '../library/records.ts';
import { BATCH_BYTES, BATCH_RECORDS } from './batches.ts';
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
/** JSON lines are encoded and written about this many bytes at a time. */
const OUTPUT_BYTES = 1 << 20;
const EXPORTED = new Set(['ready', 'error', 'unsupported']);
/** A guess of a thumbnail's size for the progress total, before the thumbnails are read. */
const THUMBNAIL_GUESS = 16 * 1024;

/** What the export will hold, decided in one transaction: ids, not records. */
interface Selection {
  /** Finished items in key order, with the updatedAt each had, to notice a change before the export ends. */
  items: { id: string; updatedAt: number; name: string; source?: OriginalSource }[];
  itemIds: Set<string>;
  unfinished: number;
  segments: number;
  textChars: number;
  /** Segment ids with a vector, by space, in key order, and the size of the first vector of each space. */
  vectors: Map<Space, { ids: string[]; dim: number }>;
  thumbnailIds: string[];
}

/** Reads the library and returns the export's manifest and its byte stream. */
export async function exportLibrary(library: Library, options: ExportOptions = {}): Promise<ExportPlan> {
  const chosen = await select(library);

  const originals: { index: number; file: File }[] = [];
  const unreadable: string[] = [];
  if (options.includeOriginals) {
    for (const [index, item] of chosen.items.entries()) {
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
    const v = chosen.vectors.get(space);
    if (v?.ids.length) spaces[space] = { dim: v.dim, count: v.ids.length };
  }
  const manifest: ExportManifest = {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    schemaVersion: library.schemaVersion,
    exportedAt: new Date().toISOString(),
    counts: {
      items: chosen.items.length,
      segments: chosen.segments,
      thumbnails: chosen.thumbnailIds.length,
      originals: originals.length,
    },
    spaces,
  };

  const total =
    Object.values(spaces).reduce((n, s) => n + s.count * s.dim * 4, 0) +
    chosen.thumbnailIds.length * THUMBNAIL_GUESS +
    originals.reduce((n, o) => n + o.file.size, 0) +
    chosen.textChars +
    chosen.segments * 200 +
    chosen.items.length * 400;

  const writer = await FrameWriter.create();
  const chunks = generate(library, writer, manifest, chosen, originals, options.signal);
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
    skipped: { unfinished: chosen.unfinished, originalsUnreadable: unreadable },
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

/**
 * Decides what the export holds, in one read-only transaction so its ids and counts agree with each other.
 * Records are read a page at a time, and only IndexedDB requests are awaited, so the transaction stays open.
 */
async function select(library: Library): Promise<Selection> {
  return library.snapshot.view(async (view) => {
    const chosen: Selection = {
      items: [],
      itemIds: new Set(),
      unfinished: 0,
      segments: 0,
      textChars: 0,
      vectors: new Map(),
      thumbnailIds: [],
    };
    await view.eachItem((item) => {
      if (!EXPORTED.has(item.status)) {
        chosen.unfinished++;
        return;
      }
      chosen.items.push({ id: item.id, updatedAt: item.updatedAt, name: item.name, source: item.source });
      chosen.itemIds.add(item.id);
    });
    const segmentIds = new Set<string>();
    await view.eachSegment((segment) => {
      if (!chosen.itemIds.has(segment.itemId)) return;
      segmentIds.add(segment.id);
      chosen.segments++;
      chosen.textChars += segment.text?.length ?? 0;
    });
    // Vectors by key only: their numbers are read when they are written out, but for one of each space,
    // whose size the manifest gives.
    await view.eachVectorKey((segmentId, space) => {
      if (!segmentIds.has(segmentId)) return;
      let list = chosen.vectors.get(space);
      if (!list) chosen.vectors.set(space, (list = { ids: [], dim: 0 }));
      list.ids.push(segmentId);
    });
    for (const [space, list] of chosen.vectors) list.dim = (await view.vectorLength(list.ids[0]!, space))!;
    chosen.thumbnailIds = await view.thumbnailIdsOf(chosen.items.map((i) => i.id));
    // In store (code unit) order, as the earlier export wrote them.
    chosen.thumbnailIds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return chosen;
  });
}

function changed(what: string): BackupError {
  return new BackupError(
    'export-failed',
    `The library changed while it was being exported (${what}); export again once files have finished being added or removed.`,
  );
}

async function* generate(
  library: Library,
  w: FrameWriter,
  manifest: ExportManifest,
  chosen: Selection,
  originals: { index: number; file: File }[],
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  /** The items of `batch` as they are now, which must be as they were chosen. */
  const currentItems = async (batch: Selection['items']) => {
    const found = await library.snapshot.items(batch.map((i) => i.id));
    return found.map((item, n) => {
      if (!item || item.updatedAt !== batch[n]!.updatedAt) throw changed(`"${batch[n]!.name}" changed`);
      return item;
    });
  };

  yield header();
  yield* jsonSection(w, sections.manifest, [[manifest]], signal);
  yield* jsonSection(
    w,
    sections.items,
    batches(chosen.items, BATCH_RECORDS, async (batch) => (await currentItems(batch)).map(exportedItem)),
    signal,
  );

  let segments = 0;
  yield* jsonSection(
    w,
    sections.segments,
    mapPages(library.snapshot.segmentPages(BATCH_RECORDS), (page) => {
      const kept = page.filter((s) => chosen.itemIds.has(s.itemId)).map(exportedSegment);
      segments += kept.length;
      return kept;
    }),
    signal,
  );
  if (segments !== manifest.counts.segments) throw changed('segments were added or removed');

  for (const space of SPACES) {
    const entry = chosen.vectors.get(space);
    if (!entry?.ids.length) continue;
    const { ids, dim } = entry;
    yield* jsonSection(
      w,
      sections.vectorIds(space),
      batches(ids, BATCH_RECORDS, (b) => Promise.resolve(b)),
      signal,
    );
    yield w.section(sections.vectors(space));
    const rowsPerBatch = Math.max(1, Math.min(BATCH_RECORDS, Math.floor(BATCH_BYTES / (dim * 4))));
    for (let at = 0; at < ids.length; at += rowsPerBatch) {
      signal?.throwIfAborted();
      const batch = ids.slice(at, at + rowsPerBatch);
      const rows = await library.snapshot.vectors(space, batch);
      const out = new Float32Array(batch.length * dim);
      rows.forEach((v, i) => {
        if (!v) throw changed(`a ${space} vector was removed`);
        if (v.vector.length !== dim)
          throw new BackupError(
            'export-failed',
            `The library holds ${space} vectors of two sizes (${dim} and ${v.vector.length}); re-add the files of one model before exporting.`,
          );
        out.set(v.vector, i * dim);
      });
      yield* w.data(littleEndian(out));
    }
    yield w.end();
  }

  const thumbs = chosen.thumbnailIds;
  const sizes = new Float64Array(thumbs.length);
  // Stored records as they are: their bytes are written straight out, without a Blob to make and read
  // back for each (what thumbnailFromStore would give costs a round trip through the blob store).
  const readThumbnails = async (ids: string[]) => {
    const found = await library.snapshot.storedThumbnails(ids);
    return found.map((t) => {
      if (!t) throw changed('a thumbnail was removed');
      return t.bytes ? { ...t, size: t.bytes.byteLength } : { ...t, type: t.blob.type, size: t.blob.size };
    });
  };
  let index = 0;
  yield* jsonSection(
    w,
    sections.thumbnails,
    batches(thumbs, BATCH_RECORDS, async (batch) =>
      (await readThumbnails(batch)).map((t): ExportedThumbnail => {
        sizes[index++] = t.size;
        return { id: t.id, itemId: t.itemId, width: t.width, height: t.height, type: t.type, size: t.size };
      }),
    ),
    signal,
  );
  for (let at = 0; at < thumbs.length;) {
    signal?.throwIfAborted();
    // As many thumbnails as make about BATCH_BYTES, by the sizes their records gave.
    let end = at + 1;
    for (let bytes = sizes[at]!; end < thumbs.length && bytes + sizes[end]! <= BATCH_BYTES; end++)
      bytes += sizes[end]!;
    const batch = await readThumbnails(thumbs.slice(at, end));
    for (const [n, t] of batch.entries()) {
      if (t.size !== sizes[at + n]) throw changed('a thumbnail was rewritten');
      yield w.section(sections.thumbnail(at + n));
      yield* w.data(new Uint8Array(t.bytes ?? (await t.blob!.arrayBuffer())));
      yield w.end();
    }
    at = end;
  }

  for (const { index: at, file } of originals) {
    yield w.section(sections.original(at));
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
            `Could not read the original of "${chosen.items[at]!.name}" (it changed or was removed during the export); export again.`,
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

  // Whatever rewrites an item's segments, vectors or thumbnails rewrites the item too (its updatedAt), so
  // items unchanged at the end mean everything above is one consistent snapshot.
  for (let at = 0; at < chosen.items.length; at += BATCH_RECORDS)
    await currentItems(chosen.items.slice(at, at + BATCH_RECORDS));
  yield w.finish();
}

/** `list` in slices of `size`, each turned into values by `read`. */
async function* batches<T, U>(
  list: T[],
  size: number,
  read: (batch: T[]) => Promise<U[]>,
): AsyncGenerator<U[]> {
  for (let at = 0; at < list.length; at += size) yield await read(list.slice(at, at + size));
}

/** Each page of `pages` turned into values by `keep`. */
async function* mapPages<T>(
  pages: AsyncIterable<T[]>,
  keep: (page: T[]) => unknown[],
): AsyncGenerator<unknown[]> {
  for await (const page of pages) yield keep(page);
}

/** A section of JSON lines, one value per line, from batches of values, encoded about 1 MiB at a time. */
async function* jsonSection(
  w: FrameWriter,
  name: string,
  values: Iterable<unknown[]> | AsyncIterable<unknown[]>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  yield w.section(name);
  let lines: string[] = [];
  let size = 0;
  for await (const batch of values) {
    for (const value of batch) {
      const line = `${JSON.stringify(value)}\n`;
      lines.push(line);
      size += line.length;
      if (size >= OUTPUT_BYTES) {
        signal?.throwIfAborted();
        yield* w.data(encoder.encode(lines.join('')));
        lines = [];
        size = 0;
      }
    }
  }
  if (lines.length) yield* w.data(encoder.encode(lines.join('')));
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
