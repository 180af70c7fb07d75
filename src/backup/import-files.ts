// The import's readers of the byte sections: each thumbnail (its bytes must be the picture its record
// says: thumbnail-check.ts) and each original file, streamed into a stored copy and kept only when its
// size, content hash and kind are what its item says.
import { createSHA256 } from 'hash-wasm';
import { detectType, SNIFF_BYTES } from '../ingest/detect-type.ts';
import type { ImportStaging } from '../library/library.ts';
import { newStoredCopy } from '../library/originals.ts';
import type { ItemRecord, StoredThumbnail } from '../library/records.ts';
import { BATCH_BYTES, BATCH_RECORDS } from './batches.ts';
import { BackupError, invalid, malformed } from './errors.ts';
import type { SectionReader } from './import-reader.ts';
import { sections, type ExportedThumbnail } from './records.ts';
import { checkThumbnailBytes } from './thumbnail-check.ts';

/** Reads each thumbnail's bytes, checks them against its record and stages them a batch at a time. */
export async function readThumbnailBytes(
  reader: SectionReader,
  thumbs: ExportedThumbnail[],
  staging: ImportStaging,
): Promise<void> {
  let batch: StoredThumbnail[] = [];
  let batchBytes = 0;
  for (const [index, meta] of thumbs.entries()) {
    // The record's size is capped (records.ts), so this buffer is too.
    const bytes = new Uint8Array(meta.size);
    let at = 0;
    await reader.section(sections.thumbnail(index), (chunk) => {
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
    batch.push({
      id: meta.id,
      itemId: meta.itemId,
      width: meta.width,
      height: meta.height,
      bytes: exactBuffer(checked.bytes),
      type: checked.type,
    });
    batchBytes += checked.bytes.length;
    if (batch.length >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) {
      await staging.addThumbnails(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  await staging.addThumbnails(batch);
}

/**
 * Reads the `count` original files into stored copies and points their staged items at them. The path of
 * every copy made goes into `copies` at once, so the caller can remove them all if the import fails.
 */
export async function readOriginals(
  reader: SectionReader,
  count: number,
  itemIds: string[],
  staging: ImportStaging,
  copies: string[],
): Promise<void> {
  const hasher = count ? await createSHA256() : undefined;
  let last = -1;
  for (let n = 0; n < count; n++) {
    const start = await reader.next();
    const match = start.type === 'section' ? /^original\/(\d+)$/.exec(start.name) : null;
    if (!match) throw malformed(`expected ${count} original files but found ${n}`);
    const index = Number(match[1]);
    const id = itemIds[index];
    if (id === undefined || index <= last)
      throw malformed(`original file ${n + 1} points at no item or comes out of order`);
    last = index;
    const item = (await staging.getItem(id))!;
    const { path, handle } = await newStoredCopy('import');
    copies.push(path);
    const writable = await handle.createWritable();
    const head = new Uint8Array(Math.min(SNIFF_BYTES, item.size));
    hasher!.init();
    let size = 0;
    try {
      await reader.rest(
        async (bytes) => {
          if (size + bytes.length > item.size)
            throw invalid(
              `the original of "${item.name}" has more bytes than the ${item.size} its item says`,
            );
          if (size < head.length) head.set(bytes.subarray(0, head.length - size), size);
          hasher!.update(bytes);
          size += bytes.length;
          await writable.write(bytes as Uint8Array<ArrayBuffer>);
        },
        () => malformed(`the original of "${item.name}" is not closed`),
      );
      await writable.close();
    } catch (error) {
      // The copy's error is the one to throw; the import then removes what it wrote (import-library.ts).
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

/** The bytes as an ArrayBuffer of their own, copied only when they are a view into a larger one. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : bytes.slice().buffer;
}
