// What the ingest queue reports to the UI: a snapshot of the whole queue (a Svelte-store-compatible value)
// and per-file updates. Kept apart from the queue so the UI imports types only.
import type { ItemError, JobState } from '../library/records.ts';
import type { MediaKind } from './detect-type.ts';
import type { TypedEventTarget } from '../typed-event-target.ts';

/**
 * Stages of one file, in the order they run. 'intake' is the copy into the library (hash, OPFS copy);
 * the others are the pipeline's. Not every kind passes every stage.
 */
export type IngestStage =
  | 'queued'
  | 'intake'
  | 'reading'
  | 'decoding'
  | 'frames'
  | 'audio'
  | 'transcribing'
  | 'embedding'
  | 'writing'
  | 'indexing';

/** Progress of one file being worked on. */
export interface FileProgress {
  jobId: string;
  itemId?: string;
  name: string;
  kind: MediaKind | 'unknown';
  stage: IngestStage;
  /** 0…1 within the stage. */
  stageFraction: number;
  /** 0…1 for the whole file (stages weighted by their typical cost for this kind). */
  fraction: number;
}

/** One file of the queue, as a list row. */
export interface JobView {
  id: string;
  itemId?: string;
  name: string;
  state: JobState;
  stage?: string;
  attempts: number;
  error?: ItemError;
  /** False when there is nothing to retry with (the file was refused before a copy was kept). */
  retryable: boolean;
}

export type PauseReason =
  /** Storage is full (QuotaExceededError from IndexedDB or OPFS). Nothing was lost; resume() retries. */
  | { code: 'quota'; message: string }
  /** pause() was called. */
  | { code: 'user'; message: string }
  /** A file needs read permission on its folder again, which only a user gesture can grant. */
  | { code: 'permission'; message: string };

export interface QueueSnapshot {
  state: 'idle' | 'running' | 'paused';
  pause?: PauseReason;
  /** Files of the current batch (every file added since the queue was last idle, across reloads). */
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Files not finished yet: waiting for intake, queued or running. */
  remaining: number;
  /** The files being worked on now. */
  active: FileProgress[];
  /** 0…1 over the batch (finished files count whole, active files by their own fraction). */
  fraction: number;
  /** Seconds until the batch is done, from the throughput so far; null until there is enough to tell. */
  etaS: number | null;
}

/** Events of the queue (an EventTarget); each is a CustomEvent with this detail. */
export interface QueueEventMap {
  /** Anything changed; detail is the new snapshot. */
  change: QueueSnapshot;
  /** One file changed state (queued, running, done, failed, cancelled). */
  job: JobView;
  /** A file's item is ready and searchable: its segments are stored and indexed. */
  'item-ready': { itemId: string; jobId: string };
  /** The queue paused (quota, permission or user). */
  paused: PauseReason;
  /** Every file of the batch is finished. */
  idle: QueueSnapshot;
}

/** The queue as the UI sees it. */
export interface IngestQueue extends TypedEventTarget<QueueEventMap> {
  snapshot(): QueueSnapshot;
  /** Svelte store contract: `run` is called at once and on every change. */
  subscribe(run: (snapshot: QueueSnapshot) => void): () => void;
  /** Every job (queued, running, failed, cancelled, and done ones not yet pruned), oldest first. */
  jobs(): Promise<JobView[]>;
  cancel(jobId: string): Promise<void>;
  cancelAll(): Promise<void>;
  retry(jobId: string): Promise<void>;
  pause(): void;
  /** Resumes after pause() or a quota/permission pause; the file that hit it is tried again. */
  resume(): void;
  /** Resolves when nothing is queued or running (or the queue is paused). */
  whenIdle(): Promise<QueueSnapshot>;
}
