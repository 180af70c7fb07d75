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
