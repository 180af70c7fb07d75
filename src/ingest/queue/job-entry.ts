// A job as the queue holds it in memory (its row in the batch list), and the job records it makes. Every
// job the queue creates for an existing item is made by queuedJobFor, so a requeued file and one recovered
// after a crash carry the same fields.
import type { ItemError, ItemRecord, JobRecord, JobState, OriginalSource } from '../../library/records.ts';
import type { MediaKind } from '../detect-type.ts';
import type { JobView } from '../queue-events.ts';

export type Kind = MediaKind | 'unknown';

export interface Entry {
  id: string;
  itemId?: string;
  name: string;
  kind: Kind;
  size: number;
  state: JobState;
  attempts: number;
  stage?: string;
  error?: ItemError;
  retryable: boolean;
  /** The item as intake stored it, until the job starts (saves reading it back). */
  item?: ItemRecord;
}

/** Video and audio: at most one of them runs at a time (each holds ffmpeg and a large decode). */
export const heavyKinds: ReadonlySet<Kind> = new Set<Kind>(['video', 'audio']);

let sequence = 0;
/** Job ids sort in the order jobs were made, so the queue keeps its order across reloads. */
export function newJobId(): string {
  sequence = (sequence + 1) % 1e6;
  return `${Date.now().toString(36).padStart(9, '0')}-${String(sequence).padStart(6, '0')}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A new queued job that ingests `item` (again) from its stored original, `source`. */
export function queuedJobFor(item: ItemRecord, source: OriginalSource): JobRecord {
  const now = Date.now();
  return {
    id: newJobId(),
    itemId: item.id,
    state: 'queued',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    input: { name: item.name, folderPath: item.folderPath, folderId: item.folderId, source },
    kind: item.kind,
    size: item.size,
  };
}

export function entryOf(job: JobRecord): Entry {
  return {
    id: job.id,
    itemId: job.itemId,
    name: job.input?.name ?? job.name ?? job.itemId ?? job.id,
    kind: job.kind ?? 'unknown',
    size: job.size ?? 0,
    state: job.state,
    attempts: job.attempts,
    stage: job.stage,
    error: job.error,
    retryable: job.input !== undefined,
  };
}

export function viewOf(e: Entry): JobView {
  return {
    id: e.id,
    itemId: e.itemId,
    name: e.name,
    state: e.state,
    stage: e.stage,
    attempts: e.attempts,
    error: e.error,
    retryable: e.retryable,
  };
}

/** Queued or running: not finished yet. */
export function isUnfinished(e: { state: JobState }): boolean {
  return e.state === 'queued' || e.state === 'running';
}
