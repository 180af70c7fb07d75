// The ingest panel's jobs, kept from the queue's per-job events rather than read again: a job that
// finished or was cancelled leaves the list (the panel shows the ones still running and the failures).
import type { JobView } from '../../trove.ts';

/** The list with `view` applied: replaced in place, added at the end, or taken out once it is done. */
export function applyJob(jobs: readonly JobView[], view: JobView): JobView[] {
  const gone = view.state === 'done' || view.state === 'cancelled';
  const at = jobs.findIndex((j) => j.id === view.id);
  if (at < 0) return gone ? [...jobs] : [...jobs, view];
  return gone ? jobs.filter((j) => j.id !== view.id) : jobs.map((j, i) => (i === at ? view : j));
}

/** The list without the jobs of items that were removed. */
export function withoutItem(jobs: readonly JobView[], itemId: string): JobView[] {
  return jobs.filter((j) => j.itemId !== itemId);
}
