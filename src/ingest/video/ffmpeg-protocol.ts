// What the ffmpeg worker (workers/ffmpeg.worker.ts) and its callers exchange. Kept apart from both so the
// page imports types only, never the worker's code.
import type { MediaErrorCode } from '../media-error.ts';

export interface MediaProbe {
  /** Container duration in seconds, when the container states it. */
  durationS: number | null;
  /** Demuxer name(s) as ffmpeg reports them, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  video: { codec: string; width: number; height: number; frameRate: number | null } | null;
  audio: { codec: string; sampleRate: number; channels: number } | null;
}

export interface FramesRequest {
  /** Seconds between frames. */
  intervalS: number;
  /** Window to extract, in seconds; frames fall at startS, startS + intervalS, … before endS. */
  startS?: number;
  endS?: number;
  /** The shorter side of the frames handed to the image encoder (CLIP resizes its shortest edge to 224). */
  size?: number;
  /** The longer side of the thumbnails. */
  thumbSize?: number;
  /** The video's frame rate (from the probe), so each time gets the frame nearest to it. */
  frameRate?: number | null;
  /** JPEG quality scale of thumbnails, 2 (best) to 31. */
  thumbQuality?: number;
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
}

export interface AudioRequest {
  /** Output sample rates; each output is mono float32 PCM. */
  rates: number[];
  startS?: number;
  durationS?: number;
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
  frames(file: File, request: FramesRequest): Promise<Outcome<ExtractedFrame[]>>;
  audio(file: File, request: AudioRequest): Promise<Outcome<ExtractedAudio>>;
}
