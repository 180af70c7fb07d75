// What a queue that starts to run jobs finds in the store, and how it is put right. Jobs persist, and a
// job's results are written in the transaction that marks it done, so a job still marked running was cut
// off (reload, crash, a leader tab closed) and runs again from its stored original; one cut off too often
// is more likely the cause than the victim, and fails instead.
import type { Library } from '../../library/library.ts';
import type { ItemError, JobRecord } from '../../library/records.ts';
import { queuedJobFor } from './job-entry.ts';

/**
 * Requeues interrupted jobs (failing those interrupted `maxAttempts` times), gives a job to every pending
 * item that lacks one, and prunes a finished batch. Returns the jobs of the unfinished batch, oldest first:
 * the queue's entries.
 */
export async function recoverJobs(lib: Library, maxAttempts: number): Promise<JobRecord[]> {
  const jobs = await lib.listJobs();
  const open = new Set<string>();
  for (const job of jobs) {
    if (job.state === 'running') {
      if (job.attempts >= maxAttempts) {
        const error: ItemError = {
          code: 'crashed',
          message: `Trove stopped ${job.attempts} times while ingesting this file (the tab closed or crashed); it may be too large for this device`,
          stage: job.stage,
        };
        await lib.failJob(job.id, error);
        job.state = 'failed';
        job.error = error;
      } else {
        job.state = 'queued';
        await lib.putJob({ ...job, updatedAt: Date.now() });
      }
    }
    if (job.state === 'queued' && job.itemId) open.add(job.itemId);
  }
  // An item whose job was never written (a crash between two steps of an older version) gets one now.
  for (const item of await lib.listItems({ status: 'pending' })) {
    if (open.has(item.id) || !item.source) continue;
    const job = queuedJobFor(item, item.source);
    await lib.putJob(job);
    jobs.push(job);
  }
  const unfinished = jobs.some((j) => j.state === 'queued');
  const kept: JobRecord[] = [];
  for (const job of jobs.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    // The batch the UI counts is the unfinished one; jobs of a finished batch are pruned.
    if (!unfinished && job.state !== 'queued') {
      await lib.deleteJob(job.id);
      continue;
    }
    kept.push(job);
  }
  return kept;
}
