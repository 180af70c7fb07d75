// Video ingestion through the ffmpeg worker: frames every N seconds, in windows so memory stays bounded
// however long the video is, and the audio track as mono PCM for CLAP and Whisper.
import { MediaDecodeError } from '../media-error.ts';
import { mediaLength } from '../media-length.ts';
import type { FfmpegClient, JobControl } from './ffmpeg-client.ts';
import type { ExtractedFrame, MediaProbe } from './ffmpeg-protocol.ts';

export interface VideoOptions {
  /** Seconds between frames (default 2). */
  intervalS?: number;
  /** At most this many frames per video; a longer video gets a wider interval (default 600). */
  maxFrames?: number;
  /**
   * Longer videos are refused with 'too-long' (default 4 h), whether their container states it or a scan
   * finds it.
   */
  maxDurationS?: number;
  /** Frames are extracted this many seconds of video at a time (default 120), to bound memory. */
  windowS?: number;
  size?: number;
  thumbSize?: number;
}

export interface FramePlan {
  intervalS: number;
  /** Frames at 0, intervalS, 2·intervalS, …, each at least min(0.5 s, intervalS/2) before the end. */
  count: number;
  /** Extraction windows [start, end) in seconds, each a whole number of intervals long. */
  windows: [number, number][];
}

const defaults = { intervalS: 2, maxFrames: 600, maxDurationS: 4 * 3600, windowS: 120 };

/** Where frames fall for a video of known length; widens the interval when the cap would be exceeded. */
export function planFrames(durationS: number, options: VideoOptions = {}): FramePlan {
  const { intervalS: wanted, maxFrames, windowS } = { ...defaults, ...options };
  if (!(wanted > 0 && maxFrames >= 1 && windowS > 0))
    throw new RangeError('intervalS, maxFrames and windowS must be positive');
  if (!(durationS > 0)) return { intervalS: wanted, count: 0, windows: [] };
  // A frame at k·interval is taken while it falls at least `tail` before the end: a frame in the last
  // instant of a video (whose container often runs a few ms past the last frame) adds nothing.
  const framesAt = (interval: number) => {
    const tail = Math.min(0.5, interval / 2);
    return Math.max(1, Math.ceil((durationS - tail) / interval - 1e-9));
  };
  let intervalS = wanted;
  if (framesAt(intervalS) > maxFrames) {
    // The smallest interval (to 1 ms) that keeps within the cap.
    intervalS = Math.ceil((durationS / maxFrames) * 1000) / 1000;
    while (framesAt(intervalS) > maxFrames) intervalS += 0.001;
  }
  const count = framesAt(intervalS);
  const perWindow = Math.max(1, Math.floor(windowS / intervalS));
  const windows: [number, number][] = [];
  for (let first = 0; first < count; first += perWindow) {
    const last = Math.min(count, first + perWindow);
    windows.push([round3(first * intervalS), round3(last * intervalS)]);
  }
  return { intervalS, count, windows };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A probed video whose length is known: stated by its container, or measured by reading it (scan). */
export type VideoProbe = MediaProbe & { durationS: number };

/**
 * Probes a video and refuses what cannot be ingested (no video stream, excessive length). A container that
 * states no length (a MediaRecorder WebM, a stream cut from a live recording) is read through once, packet by
 * packet and up to the limit, to find it: the caps on length and frames then hold for it as for any other.
 */
export async function probeVideo(
  ffmpeg: FfmpegClient,
  file: File,
  options: VideoOptions = {},
  control: JobControl = {},
): Promise<VideoProbe> {
  const { maxDurationS } = { ...defaults, ...options };
  const probe = await ffmpeg.probe(file, control);
  if (!probe.video)
    throw new MediaDecodeError('no-video-stream', 'The file has no video stream (it may be an audio file)');
  const durationS = await mediaLength(ffmpeg, file, probe, maxDurationS, 'video', control);
  return { ...probe, durationS };
}

/**
 * Frames every intervalS seconds, yielded one window at a time, so a caller can encode and drop each batch
 * before the next is decoded. Each window's request is capped in time and frame count by the worker too.
 */
export async function* videoFrames(
  ffmpeg: FfmpegClient,
  file: File,
  probe: VideoProbe,
  options: VideoOptions = {},
  control: JobControl = {},
  /** Run the cheap text test on each frame (only worth it when text is read). */
  textTest = false,
): AsyncGenerator<ExtractedFrame[]> {
  const { size, thumbSize } = options;
  const frameRate = probe.video?.frameRate ?? null;
  const plan = planFrames(probe.durationS, options);
  let produced = 0;
  for (const [startS, endS] of plan.windows) {
    const frames = await ffmpeg.frames(
      file,
      {
        intervalS: plan.intervalS,
        startS,
        endS,
        size,
        thumbSize,
        frameRate,
        maxFrames: plan.count - produced,
        ...(textTest ? { textTest } : {}),
      },
      { ...control, video: probe.video },
    );
    const batch = frames.slice(0, plan.count - produced);
    produced += batch.length;
    if (batch.length) yield batch;
  }
}

/** The audio track as mono PCM at 48 kHz and 16 kHz, or null when the video has none. */
export async function videoAudioTrack(
  ffmpeg: FfmpegClient,
  file: File,
  probe: VideoProbe,
  range: { startS?: number; durationS?: number } = {},
  control: JobControl = {},
): Promise<{ pcm48k: Float32Array; pcm16k: Float32Array } | null> {
  if (!probe.audio) return null;
  const { startS = 0, durationS = probe.durationS - startS } = range;
  const { tracks } = await ffmpeg.audio(file, { rates: [48_000, 16_000], startS, durationS }, control);
  const [pcm48k, pcm16k] = tracks.map((t) => t.samples);
  if (!pcm48k || !pcm16k) return null;
  return { pcm48k, pcm16k };
}
