// The first step of ingesting a file: recognise it, hash it, keep its original, and record it as an item
// (status 'pending', or 'unsupported'/'error' with the reason). The same content added again returns the
// item that already has it. Decoding and encoding come after, from the pipeline.
import { detectFileType, type Detection } from '../ingest/detect-type.ts';
import { sha256OfBlob } from '../ingest/content-hash.ts';
import type { Library } from './library.ts';
import { freshOriginals } from './fresh-originals.ts';
import { deleteOriginal, settleTaken, takeOriginal } from './originals.ts';
import type { ItemRecord, JobRecord, OriginalSource } from './records.ts';

export interface AddResult {
  item: ItemRecord;
  /** True when the library already had this content; nothing new was stored. */
  existing: boolean;
}

export interface AddOptions {
  folderId?: string;
  /** Directory of the file inside its imported folder (or the path a dropped folder gave it). */
  folderPath?: string;
  signal?: AbortSignal;
  /**
   * The job that will ingest the file, stored with its item in one transaction (only for files detection
   * accepted; a refused file needs no job).
   */
  job?: Omit<JobRecord, 'itemId' | 'input'>;
}

/**
 * A picked or dropped file: recognised, hashed and copied into OPFS in one read, off the page. Files that
 * cannot be ingested are recorded without a copy, so their entry can say why.
 */
export async function addPickedFile(lib: Library, file: File, options: AddOptions = {}): Promise<AddResult> {
  const id = crypto.randomUUID();
  const saved = await takeOriginal(file, id, options.signal);
  try {
    return await recordTaken(lib, id, file, saved, options);
  } finally {
    settleTaken(saved.source);
  }
}

async function recordTaken(
  lib: Library,
  id: string,
  file: File,
  saved: Awaited<ReturnType<typeof takeOriginal>>,
  options: AddOptions,
): Promise<AddResult> {
  const { detection, source } = saved;
  if (!detection.ok || !source) {
    return lib.addItem(itemFor(id, file, detection, saved.sha256, undefined, options));
  }
  // With a job, the add itself looks the content up (in its transaction), so no separate lookup is needed.
  const known = options.job ? undefined : await lib.findBySha256(saved.sha256);
  if (known) {
    await deleteOriginal(source);
    return { item: known, existing: true };
  }
  // Held before the item is stored: the queue may start on it as soon as its job is written.
  if (saved.content) freshOriginals.keep(id, saved.content);
  let result: AddResult;
  try {
    result = await store(lib, itemFor(id, file, detection, saved.sha256, source, options), options);
  } catch (error) {
    // Storage full (or any failure) while recording the item: the copy must not outlive it. The store's
    // error is the one to throw; a copy that cannot go now is an orphan, for sweepOrphanOriginals.
    freshOriginals.take(id);
    await deleteOriginal(source).catch(() => undefined);
    throw error;
  }
  // Another tab may have added the same content between the lookup and the add.
  if (result.existing) {
    freshOriginals.take(id);
    await deleteOriginal(source);
  }
  return result;
}

/** A file of an imported folder: the handle is kept instead of a copy. */
export async function addFolderFile(
  lib: Library,
  handle: FileSystemFileHandle,
  options: AddOptions = {},
): Promise<AddResult> {
  const file = await handle.getFile();
  const detection = await detectFileType(file);
  const sha256 = await sha256OfBlob(file, options.signal);
  const known = file.size === 0 ? undefined : await lib.findBySha256(sha256);
  if (known) return { item: known, existing: true };
  const source: OriginalSource | undefined = detection.ok ? { kind: 'handle', handle } : undefined;
  const item = itemFor(crypto.randomUUID(), file, detection, sha256, source, options);
  return detection.ok ? store(lib, item, options) : lib.addItem(item);
}

async function store(lib: Library, item: ItemRecord, options: AddOptions): Promise<AddResult> {
  if (!options.job || !item.source) return lib.addItem(item);
  const input = {
    name: item.name,
    folderPath: item.folderPath,
    folderId: item.folderId,
    source: item.source,
  };
  try {
    return await lib.addItemWithJob(item, { ...options.job, input, kind: item.kind, size: item.size });
  } catch (error) {
    // Another tab added the same content between the lookup and the add.
    if (error instanceof DOMException && error.name === 'ConstraintError' && item.sha256) {
      const found = await lib.findBySha256(item.sha256);
      if (found) return { item: found, existing: true };
    }
    throw error;
  }
}

function itemFor(
  id: string,
  file: File,
  detection: Detection,
  sha256: string,
  source: OriginalSource | undefined,
  options: AddOptions,
): ItemRecord {
  const now = Date.now();
  const base = {
    id,
    name: file.name,
    folderId: options.folderId,
    folderPath: options.folderPath ?? '',
    size: file.size,
    mtime: file.lastModified,
    // An empty file has no content to be "the same" as another's: each is refused as itself, with its own
    // name in the reason, instead of being called a duplicate of the first empty file added.
    sha256: file.size === 0 ? undefined : sha256,
    source,
    addedAt: now,
    updatedAt: now,
  };
  if (detection.ok) {
    const { kind, format, mime } = detection.type;
    return { ...base, kind, format, mime, status: 'pending' };
  }
  return {
    ...base,
    kind: 'unknown',
    mime: file.type || 'application/octet-stream',
    status: detection.code === 'unsupported-type' ? 'unsupported' : 'error',
    error: { code: detection.code, message: detection.message, stage: 'detect' },
  };
}
