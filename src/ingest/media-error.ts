// The one error type every decoder and extractor throws, with a reason code the item record keeps.

export type MediaErrorCode =
  | 'corrupt-data'
  | 'truncated'
  | 'unsupported-codec'
  | 'no-video-stream'
  | 'decode-failed'
  | 'too-long'
  | 'too-large'
  | 'encrypted'
  /** ffmpeg ran past the watchdog's budget for the file, and was stopped. */
  | 'timed-out';

export class MediaDecodeError extends Error {
  override name = 'MediaDecodeError';
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    /** ffmpeg's last log lines, when ffmpeg was involved. */
    readonly log: string[] = [],
  ) {
    super(message);
  }
}
