// Reads a batch's jobs in one request instead of one each. Job ids sort in the order the jobs were made
// (newJobId), and a batch is made of jobs queued together, so its ids lie close together in the store and
// a key-range read of the span between the first and the last returns them with few others in between.
import type { JobRecord } from './records.ts';

/** The jobs store of any transaction that has it. */
interface JobStore {
  get(id: string): Promise<JobRecord | undefined>;
  getAll(query: IDBKeyRange, count?: number): Promise<JobRecord[]>;
}

/** How many records the span may hold per wanted job before the rest are read one by one. */
const spanAllowance = 4;

/** The stored jobs among `ids` (an id without a job is absent from the map). */
export async function jobsById(store: JobStore, ids: readonly string[]): Promise<Map<string, JobRecord>> {
  const out = new Map<string, JobRecord>();
  if (!ids.length) return out;
  const wanted = new Set(ids);
  const sorted = [...wanted].sort();
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const limit = sorted.length * spanAllowance;
  const span = await store.getAll(IDBKeyRange.bound(first, last), limit);
  for (const job of span) if (wanted.has(job.id)) out.set(job.id, job);
  // A full read may have stopped short of the span's end (other jobs in between): the rest one by one.
  const readTo = span.length === limit ? span[span.length - 1]!.id : last;
  const rest = sorted.filter((id) => id > readTo);
  const more = await Promise.all(rest.map((id) => store.get(id)));
  for (const job of more) if (job) out.set(job.id, job);
  return out;
}
