// How long one ffmpeg job may run before the watchdog stops it (src/ingest/video/ffmpeg-client.ts). A job
// that runs past its budget is taken as hung: the worker is terminated and started again, and that file
// fails with 'timed-out'. The budget grows with the work a job really has (bytes read, seconds and pixels
// decoded), so a large but healthy file is never cut off, and has a floor, so a small one on a busy machine
// is not either. Cancel never waits for it: it stops the worker at once.

export interface WatchdogLimits {
  /** Every job gets at least this long (default 20 s; a probe takes well under 1 s). */
  floorMs: number;
  /** Per MB of the input file, which a job may read whole (default 50 ms: reading at 20 MB/s or better). */
  msPerMB: number;
  /** Per second of audio decoded to PCM at both rates (default 100 ms: 10× faster than real time or better). */
  msPerAudioS: number;
  /**
   * Per megapixel of video decoded (default 100 ms: 10 Mpx/s or better; ffmpeg.wasm decodes 1080p H.264 at
   * several times that on one core). A video of unknown size or frame rate counts as 3840×2160 at 60 fps.
   */
  msPerMegapixel: number;
  /** Per second of media a length scan (stream copy, nothing decoded) reads (default 10 ms). */
  msPerScannedS: number;
  /** Loading the ffmpeg core into a fresh worker (default 5 min: 31 MB, over a slow network at worst). */
  loadMs: number;
}

export const defaultWatchdog: WatchdogLimits = {
  floorMs: 20_000,
  msPerMB: 50,
  msPerAudioS: 100,
  msPerMegapixel: 100,
  msPerScannedS: 10,
  loadMs: 300_000,
};

/** What a job is about to do, as far as its budget is concerned. */
export type FfmpegJob =
  | { kind: 'probe'; bytes: number }
  | { kind: 'scan'; bytes: number; seconds: number }
  | { kind: 'audio'; bytes: number; seconds: number }
  | {
      kind: 'frames';
      bytes: number;
      seconds: number;
      width?: number;
      height?: number;
      frameRate?: number | null;
    };

const unknownPixels = 3840 * 2160;
const unknownFrameRate = 60;

export function jobBudgetMs(job: FfmpegJob, limits: WatchdogLimits = defaultWatchdog): number {
  const reading = (job.bytes / 1_048_576) * limits.msPerMB;
  let work = 0;
  switch (job.kind) {
    case 'probe':
      break;
    case 'scan':
      work = job.seconds * limits.msPerScannedS;
      break;
    case 'audio':
      work = job.seconds * limits.msPerAudioS;
      break;
    case 'frames': {
      const pixels = job.width && job.height ? job.width * job.height : unknownPixels;
      const rate = job.frameRate && job.frameRate > 0 ? job.frameRate : unknownFrameRate;
      work = ((job.seconds * rate * pixels) / 1e6) * limits.msPerMegapixel;
      break;
    }
  }
  return Math.ceil(limits.floorMs + reading + work);
}
