// What the ingest queue is given (its work, as functions, and its options) and what taking a file in gives
// back. The queue itself (job-queue.ts) and its lanes share these; trove.ts supplies the functions.
import type { Library } from '../../library/library.ts';
import type { ItemError, ItemRecord, JobRecord } from '../../library/records.ts';
import type { IngestStage } from '../queue-events.ts';

/** A file waiting to be taken into the library (in memory only: a dropped File cannot outlive the page). */
export type IntakeEntry =
  | { kind: 'file'; file: File; folderPath: string }
  | { kind: 'folder-file'; handle: FileSystemFileHandle; name: string; folderId: string; folderPath: string };

export type IntakeOutcome =
  | { outcome: 'queued'; item: ItemRecord; job: JobRecord }
  /** Detection refused the file; its item records why, and `job` is a failed job for the batch list. */
  | { outcome: 'refused'; item: ItemRecord; job: JobRecord }
  | { outcome: 'duplicate'; item: ItemRecord };

export interface IntakeResult {
  name: string;
  outcome: 'queued' | 'refused' | 'duplicate' | 'cancelled' | 'failed';
  itemId?: string;
  jobId: string;
  error?: ItemError;
}

/** Progress of one file, as the pipeline reports it. */
export type OnProgress = (stage: IngestStage, fraction: number) => void;

export interface QueueDeps {
  library: Library;
  /** Records a file as an item (with the job `job` when it is accepted). */
  intake(entry: IntakeEntry, job: Omit<JobRecord, 'itemId' | 'input'>): Promise<IntakeOutcome>;
  /** Ingests a job's item: decode, encode, write (marking the job done), index. */
  ingest(
    job: JobRecord,
    item: ItemRecord,
    run: { onProgress: OnProgress; signal: AbortSignal },
  ): Promise<void>;
  /**
   * Ingests several image items together (see image-batch.ts); one outcome per entry, in order. Without it,
   * images run one by one through `ingest`.
   */
  ingestImages?(
    entries: { job: JobRecord; item: ItemRecord; signal: AbortSignal; onProgress: OnProgress }[],
  ): Promise<{ ok: boolean; error?: unknown }[]>;
  /** Removes a cancelled file's item everywhere (store, index, stored copy). */
  discard(itemId: string): Promise<void>;
}

export interface QueueOptions {
  /** Images ingested together as one slot (default 16; 1 runs them one by one). */
  imageBatch?: number;
  /**
   * Files taken in at once (default 8). Taking a file in is mostly waiting (its copy into OPFS, its item's
   * commit), so several overlap well.
   */
  intakeConcurrency?: number;
  /** Files ingested at once (default 2; at most one of them a video or audio file). */
  concurrency?: number;
  /** A job interrupted by a crash this many times is failed instead of re-run (default 3). */
  maxAttempts?: number;
  /** Minimum time between 'change' events (default 100 ms). */
  changeIntervalMs?: number;
  /**
   * false in a tab that does not hold the library lock (src/library/tab-sync.ts): files are taken in (items
   * and jobs stored) but the leader tab runs the jobs, until takeOver(). Default true.
   */
  runsJobs?: boolean;
}
