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
