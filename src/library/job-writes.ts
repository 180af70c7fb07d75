// The job changes that touch a job's item too (a job exists only while its item does), each in one
// transaction over both, so a job and its item never tell different stories.
import type { IDBPDatabase } from 'idb';
import { CountChanges, stamped } from './item-counts.ts';
import { jobsById } from './jobs-by-id.ts';
import type { ItemError, ItemRecord, JobRecord, LibrarySchema } from './records.ts';
import { inWriteTransaction } from './write-tx.ts';

/**
 * Marks several jobs running (one more attempt each) and returns them as they were before, with their
 * items. A job whose item is gone is deleted and left out. `knownItems` are item records the caller
 * already holds (by item id), which are then not read again: a job exists only while its item does
 * (removeItem deletes both in one transaction), so finding the job is enough to know the item is there.
 */
export async function startJobs(
  db: IDBPDatabase<LibrarySchema>,
  jobIds: string[],
  stage: string,
  knownItems: ReadonlyMap<string, ItemRecord> = new Map(),
): Promise<Map<string, { job: JobRecord; item: ItemRecord }>> {
  return inWriteTransaction(db, ['jobs', 'items'], async (tx, track) => {
    const jobs = tx.objectStore('jobs');
    const out = new Map<string, { job: JobRecord; item: ItemRecord }>();
    // Reads first (the jobs in one range read, then the items not already known), then the writes.
    const stored = await jobsById(jobs, jobIds);
    const found = await Promise.all(
      jobIds.map(async (id) => {
        const job = stored.get(id);
        const itemId = job?.itemId;
        const item = itemId
          ? (knownItems.get(itemId) ?? (await tx.objectStore('items').get(itemId)))
          : undefined;
        return { id, job, item };
      }),
    );
    for (const { id, job, item } of found) {
      if (job && item) {
        track(
          jobs.put({ ...job, state: 'running', attempts: job.attempts + 1, stage, updatedAt: Date.now() }),
        );
        out.set(id, { job, item });
      } else if (job) {
        track(jobs.delete(id));
      }
    }
    return out;
  });
}

/** Marks a job failed and its item in error with the same reason. */
export async function failJob(
  db: IDBPDatabase<LibrarySchema>,
  jobId: string,
  error: ItemError,
): Promise<void> {
  const tx = db.transaction(['jobs', 'items', 'item-counts'], 'readwrite');
  const job = await tx.objectStore('jobs').get(jobId);
  if (job) {
    await tx.objectStore('jobs').put({ ...job, state: 'failed', error, updatedAt: Date.now() });
    const item = job.itemId ? await tx.objectStore('items').get(job.itemId) : undefined;
    if (item)
      await putItem(tx.objectStore('items'), tx.objectStore('item-counts'), item, {
        status: 'error',
        error,
      });
  }
  await tx.done;
}

/** Puts a failed job back in the queue and its item back to pending. */
export async function requeueJob(
  db: IDBPDatabase<LibrarySchema>,
  jobId: string,
): Promise<JobRecord | undefined> {
  const tx = db.transaction(['jobs', 'items', 'item-counts'], 'readwrite');
  const job = await tx.objectStore('jobs').get(jobId);
  if (!job) {
    await tx.done;
    return undefined;
  }
  const next: JobRecord = { ...job, state: 'queued', error: undefined, updatedAt: Date.now() };
  await tx.objectStore('jobs').put(next);
  const item = job.itemId ? await tx.objectStore('items').get(job.itemId) : undefined;
  if (item)
    await putItem(tx.objectStore('items'), tx.objectStore('item-counts'), item, {
      status: 'pending',
      error: undefined,
    });
  await tx.done;
  return next;
}

/** Writes a changed item and its change to the timeline counts (the caller's transaction has both stores). */
async function putItem(
  items: { put(value: ItemRecord): Promise<unknown> },
  counts: Parameters<CountChanges['apply']>[0],
  item: ItemRecord,
  patch: Partial<ItemRecord>,
): Promise<void> {
  const next = stamped({ ...item, ...patch, updatedAt: Date.now() });
  await items.put(next);
  const changes = new CountChanges();
  changes.change(item, next);
  await changes.apply(counts);
}
