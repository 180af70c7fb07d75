// Taking a file into the library: the step before ingest. A picked or dropped file is copied into OPFS while
// it is hashed; a folder file is hashed and kept by handle. The item and its job are stored together; the
// same content again is the existing item; a file detection refuses becomes an item with the reason and a
// failed job, so the batch lists it.
import { addFolderFile, addPickedFile } from '../library/add-file.ts';
import type { Library } from '../library/library.ts';
import type { JobRecord } from '../library/records.ts';
import type { IntakeEntry, IntakeOutcome } from './queue/queue-types.ts';

export async function intakeFile(
  library: Library,
  entry: IntakeEntry,
  job: Omit<JobRecord, 'itemId' | 'input'>,
): Promise<IntakeOutcome> {
  const result =
    entry.kind === 'file'
      ? await addPickedFile(library, entry.file, { folderPath: entry.folderPath, job })
      : await addFolderFile(library, entry.handle, {
          folderId: entry.folderId,
          folderPath: entry.folderPath,
          job,
        });
  const { item } = result;
  if (result.existing) return { outcome: 'duplicate', item };
  if (item.status === 'pending') {
    // As add-file stored it, with its item.
    const input = {
      name: item.name,
      folderPath: item.folderPath,
      folderId: item.folderId,
      source: item.source!,
    };
    return {
      outcome: 'queued',
      item,
      job: { ...job, itemId: item.id, input, kind: item.kind, size: item.size },
    };
  }
  const failed: JobRecord = {
    ...job,
    itemId: item.id,
    state: 'failed',
    error: item.error,
    name: item.name,
    kind: item.kind,
    size: item.size,
  };
  await library.putJob(failed);
  return { outcome: 'refused', item, job: failed };
}
