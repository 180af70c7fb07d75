// What the ffmpeg worker (workers/ffmpeg-api.ts) and its callers exchange. Kept apart from both so the
// page imports types only, never the worker's code.
import type { MediaErrorCode } from '../media-error.ts';

/**
 * Hard caps the worker applies to every request, whatever the file's container says about itself: callers
 * ask for a window or a chunk at a time, so these only stop a request that would run away.
 */
/** Frames one request returns at most. */
export const MAX_FRAMES_PER_REQUEST = 600;
/** Seconds of audio one request decodes at most (30 min: 460 MB of PCM at 48 + 16 kHz). */
export const MAX_AUDIO_REQUEST_S = 30 * 60;

export interface MediaProbe {
  /** Container duration in seconds, when the container states it. */
  durationS: number | null;
  /** Demuxer name(s) as ffmpeg reports them, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  video: { codec: string; width: number; height: number; frameRate: number | null } | null;
  audio: { codec: string; sampleRate: number; channels: number } | null;
  /** Where it was recorded: the container's ISO 6709 location tag (phones write one), in degrees. */
  gps?: { lat: number; lon: number };
}

export interface FramesRequest {
  /** Seconds between frames. */
  intervalS: number;
  /** Window to extract, in seconds; frames fall at startS, startS + intervalS, … before endS. */
  startS?: number;
  endS?: number;
  /** Run the cheap text test on each frame (src/ingest/image/text-test.ts); default false. */
  textTest?: boolean;
  /** The shorter side of the frames handed to the image encoder (CLIP resizes its shortest edge to 224). */
  size?: number;
  /** The longer side of the thumbnails. */
  thumbSize?: number;
  /** The video's frame rate (from the probe), so each time gets the frame nearest to it. */
  frameRate?: number | null;
  /** JPEG quality scale of thumbnails, 2 (best) to 31. */
  thumbQuality?: number;
  /**
   * At most this many frames (default: as many as the window holds, and never more than
   * MAX_FRAMES_PER_REQUEST); without endS, the window is this many intervals long.
   */
  maxFrames?: number;
}

export interface ExtractedFrame {
  /** Time of the frame in seconds from the start of the file. */
  t: number;
  /** The frame for the image encoder, shortest side `size`, as a lossless BMP. */
  image: Blob;
  width: number;
  height: number;
  /** A small JPEG for the results view. */
  thumbnail: { blob: Blob; width: number; height: number };
  /** The cheap text test's verdict (src/ingest/image/text-test.ts): false skips reading text in it. */
  mayHaveText?: boolean;
}

export interface AudioRequest {
  /** Output sample rates; each output is mono float32 PCM. */
  rates: number[];
  startS?: number;
  /**
   * Seconds to decode from startS, at most MAX_AUDIO_REQUEST_S. Without it, a track longer than that is
   * refused ('too-long') rather than decoded whole.
   */
  durationS?: number;
}

export interface ScanRequest {
  /** Stop reading this many seconds into the file; a longer file reports a bit more than limitS. */
  limitS: number;
}

export interface ScannedLength {
  /** Seconds of media in the file, read packet by packet (nothing is decoded), up to a little past limitS. */
  durationS: number;
}

export interface ExtractedAudio {
  /** One entry per requested rate, in the same order. Empty when the file has no audio track. */
  tracks: { rate: number; samples: Float32Array }[];
}

export interface MediaErrorInfo {
  code: MediaErrorCode;
  message: string;
  /** The last lines ffmpeg logged, for a details view. */
  log?: string[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: MediaErrorInfo };

export interface FfmpegWorkerApi {
  /** Loads the ffmpeg core (idempotent); returns the ffmpeg version line. */
  load(): Promise<string>;
  probe(file: File): Promise<Outcome<MediaProbe>>;
  /** The real length of a file whose container states none (a MediaRecorder WebM, say). */
  scan(file: File, request: ScanRequest): Promise<Outcome<ScannedLength>>;
  frames(file: File, request: FramesRequest): Promise<Outcome<ExtractedFrame[]>>;
  audio(file: File, request: AudioRequest): Promise<Outcome<ExtractedAudio>>;
}
