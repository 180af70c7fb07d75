/** Why an export file was refused, as a code for the program and a sentence for the user. */
export type BackupErrorCode =
  | 'not-a-trove-file'
  | 'newer-format'
  | 'bad-format'
  | 'truncated'
  | 'corrupt'
  | 'malformed'
  | 'invalid-record'
  | 'wrong-dimension'
  | 'newer-schema'
  | 'storage-full'
  /** A thumbnail or original whose content could become a document of the app's origin, or is not what it says. */
  | 'unsafe-content'
  /** Another import holds the staging stores. */
  | 'busy'
  | 'export-failed';

export class BackupError extends Error {
  override name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file whose structure is not what an export writes (sections, lines, counts, sizes). */
export function malformed(why: string): BackupError {
  return new BackupError('malformed', `The export file is malformed: ${why}.`);
}

/** A file whose records are well formed but wrong (twice, or pointing at what the file lacks). */
export function invalid(why: string): BackupError {
  return new BackupError('invalid-record', `The export file is malformed: ${why}.`);
}
