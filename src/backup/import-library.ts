// Reads an export file and replaces the library with it. The file is read as a stream and every record is
// checked as it comes, a reader per section in the order the file has them (import-records.ts,
// import-vectors.ts, import-files.ts); checked records go into the library's staging stores a batch at a
// time (batches.ts), and only when all of the file has passed does the library swap them in, in one
// transaction. Until that transaction commits the current library is untouched: a foreign, damaged,
// truncated or newer file, a record that fails its check, a vector of the wrong size, a thumbnail or
// original that is not what it says, or a full disk all end the import with a BackupError and leave
// everything as it was.
//
// Original files (when the export has them) are streamed into OPFS under new names while the file is read,
// and verified against their item's size, SHA-256 and kind; they are deleted again if the import fails, and
// the replaced library's copies are deleted once the new records are committed.
import { isQuotaError } from '../ingest/quota-error.ts';
import type { ImportStaging, Library } from '../library/library.ts';
import { removeStoredFile } from '../library/originals.ts';
import type { Space } from '../library/records.ts';
import { BackupError } from './errors.ts';
import { readOriginals, readThumbnailBytes } from './import-files.ts';
import { withImportLock } from './import-lock.ts';
import { SectionReader } from './import-reader.ts';
import { readItems, readManifest, readSegments, readThumbnailRecords, References } from './import-records.ts';
import { readVectors } from './import-vectors.ts';

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
    const staging = library.importStaging();
    /** Paths of the original copies written so far, to remove if the import fails. */
    const copies: string[] = [];
    try {
      await staging.clear();
      const staged = await stage(file, staging, copies, { ...options, schemaVersion: library.schemaVersion });
      const { replacedItems, oldCopies } = await staging.replaceLibrary();
      // The replaced library's stored copies, now referenced by nothing. Only those: a general sweep could
      // take a copy another tab has just saved and not yet recorded.
      const kept = new Set(copies);
      for (const path of oldCopies)
        if (!kept.has(path))
          await removeStoredFile(path, { force: true }).catch((error: unknown) =>
            // The import is done; a copy left behind only takes room until sweepOrphanOriginals.
            console.warn(`Trove: removing the replaced copy ${path} failed`, error),
          );
      return { ...staged, replacedItems };
    } catch (error) {
      // The import's error is the one to throw. Staged records left behind are cleared by the next import;
      // copies, by sweepOrphanOriginals.
      await staging.clear().catch(() => undefined);
      for (const path of copies.splice(0))
        await removeStoredFile(path, { force: true }).catch(() => undefined);
      throw asBackupError(error);
    }
  });
}

/** Reads, checks and stages the whole file; the staging stores then hold it, ready to swap in. */
async function stage(
  file: Blob,
  staging: ImportStaging,
  copies: string[],
  options: ImportOptions & { schemaVersion: number },
): Promise<Staged> {
  const reader = new SectionReader(file, options.signal, options.onProgress);
  const manifest = await readManifest(reader, options.schemaVersion);
  const declared = manifest.counts;
  const refs = new References();
  const items = await readItems(reader, declared.items, refs, staging);
  const segments = await readSegments(reader, declared.segments, refs, staging);
  const vectors = await readVectors(reader, manifest, refs, staging, {
    expectedDims: options.expectedDims,
    fileSize: file.size,
  });
  const thumbs = await readThumbnailRecords(reader, declared.thumbnails, refs);
  await readThumbnailBytes(reader, thumbs, staging);
  await readOriginals(reader, declared.originals, refs.itemIds, staging, copies);
  await reader.finish();
  return {
    items,
    segments,
    vectors,
    thumbnails: thumbs.length,
    originals: declared.originals,
    exportedAt: manifest.exportedAt,
  };
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

function storageFull(cause: unknown): BackupError {
  return new BackupError(
    'storage-full',
    'There is not enough storage space to import this library. Nothing was changed; free some space (or import without original files) and try again.',
    { cause },
  );
}
