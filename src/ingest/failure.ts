// Sorts what went wrong while ingesting a file: trouble with this file alone (it fails with a reason, and
// nothing else is touched), or trouble with the whole queue (storage full, permission needed) that pauses
// it without losing anything.
import { EncoderError } from '../encoders/protocol.ts';
import { ItemGoneError } from '../library/library.ts';
import type { ItemError } from '../library/records.ts';
import { MediaDecodeError } from './media-error.ts';
import { isQuotaError } from './quota-error.ts';

export type Failure =
  /** Storage is full: pause the queue, keep the job queued. */
  | { kind: 'quota'; message: string }
  /** A folder file needs read permission again (only a user gesture can grant it): pause the queue. */
  | { kind: 'permission'; message: string }
  /** The item was deleted while it was being ingested: drop the job quietly. */
  | { kind: 'gone' }
  /** This file cannot be ingested: record why on its item and job. */
  | { kind: 'file'; error: ItemError };

/** What to do about an error thrown while ingesting (the caller checks its own cancellation first). */
export function classifyFailure(error: unknown, stage: string): Failure {
  if (isQuotaError(error)) {
    return {
      kind: 'quota',
      message:
        'Storage is full, so Trove paused adding files. Nothing was lost: free some space (or delete items ' +
        'from the library) and resume.',
    };
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof ItemGoneError) return { kind: 'gone' };
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return {
      kind: 'permission',
      message: 'Trove needs permission to read your folder again. Allow access, then resume.',
    };
  }
  if (error instanceof MediaDecodeError)
    return { kind: 'file', error: { code: error.code, message: error.message, stage } };
  if (error instanceof EncoderError)
    return { kind: 'file', error: { code: 'encoder-failed', message: error.message, stage } };
  if (name === 'NotFoundError') {
    return {
      kind: 'file',
      error: { code: 'missing-original', message: 'The file is gone: it was moved or deleted', stage },
    };
  }
  if (name === 'NotReadableError') {
    return {
      kind: 'file',
      error: {
        code: 'unreadable',
        message: 'The file could not be read (it may have changed or moved)',
        stage,
      },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'file',
    error: { code: 'ingest-failed', message: message || 'Ingesting the file failed', stage },
  };
}
