// The ffmpeg and ffprobe command lines the worker (workers/ffmpeg-api.ts) runs, and the windows they are
// bounded by. Every decode is bounded by time (-t), frame count (-frames:v) or bytes (-fs) here, whatever
// the container claims. Pure, so Node tests reach them, and the frames benchmark runs the same arguments
// with native ffmpeg.
import {
  MAX_AUDIO_REQUEST_S,
  MAX_FRAMES_PER_REQUEST,
  type AudioRequest,
  type FramesRequest,
} from './ffmpeg-protocol.ts';

/** ffprobe's report on `input` (format and streams), as JSON written to `outFile`. */
export function probeArgs(input: string, outFile: string): string[] {
  return ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', '-o', outFile, input];
}

/**
 * Reads the packets of the first video and audio stream up to a second past `limitS`, copied to nowhere
 * (nothing is decoded), with a progress report in `progressFile`: its last out_time is where the last
 * packet ends.
 */
export function scanArgs(input: string, limitS: number, progressFile: string): string[] {
  if (!(limitS > 0)) throw new RangeError('limitS must be positive');
  return [
    '-t',
    String(limitS + 1),
    '-i',
    input,
    '-map',
    '0:v:0?',
    '-map',
    '0:a:0?',
    '-c',
    'copy',
    '-progress',
    progressFile,
    '-f',
    'null',
    '-',
  ];
}

/** A frames request with its defaults filled in and its bounds worked out. */
export interface FrameWindow {
  intervalS: number;
  startS: number;
  endS: number | undefined;
  /** Seconds read from startS. */
  spanS: number;
  /** Frames written at most. */
  maxFrames: number;
  size: number;
  thumbSize: number;
  thumbQuality: number;
  frameRate: number | null | undefined;
}

export function frameWindow(request: FramesRequest): FrameWindow {
  const { intervalS, startS = 0, endS, size = 224, thumbSize = 160, thumbQuality = 5 } = request;
  if (!(intervalS > 0)) throw new RangeError('intervalS must be positive');
  if (endS !== undefined && !(endS > startS)) throw new RangeError('endS must be after startS');
  // The window's frames, and never more than the per-request cap; a window without an end is as many
  // intervals long as that.
  const inWindow = endS !== undefined ? Math.ceil((endS - startS) / intervalS - 1e-9) : Infinity;
  const maxFrames = Math.max(1, Math.min(request.maxFrames ?? inWindow, inWindow, MAX_FRAMES_PER_REQUEST));
  const spanS = endS !== undefined ? endS - startS : maxFrames * intervalS;
  return {
    intervalS,
    startS,
    endS,
    spanS,
    maxFrames,
    size,
    thumbSize,
    thumbQuality,
    frameRate: request.frameRate,
  };
}

/**
 * The filter graph: one frame per interval, split into the encoder's frame (`[fo]`, shortest side `size`)
 * and the thumbnail (`[to]`, longest side `thumbSize`).
 */
export function frameFilter(w: Pick<FrameWindow, 'intervalS' | 'size' | 'thumbSize' | 'frameRate'>): string {
  // The frame for time k·interval is the one nearest to it: the last frame that starts no later than
  // half a frame period after it (round=up, with timestamps moved back by that half period). fps's
  // default rounding would hand over a frame from almost a whole interval later, and containers often
  // start the video a few ms late (WebM after Opus pre-skip), which would miss frames starting exactly
  // on a boundary.
  const half = 0.5 / (w.frameRate && w.frameRate > 0 ? w.frameRate : 60);
  return (
    `[0:v:0]setpts=PTS-${half.toFixed(6)}/TB,fps=1/${w.intervalS}:start_time=0:round=up,split=2[f][t];` +
    // Shortest side to `size`, as CLIP's processor would resize it, so no detail is lost or invented.
    `[f]scale=${w.size}:${w.size}:force_original_aspect_ratio=increase:force_divisible_by=2:flags=area[fo];` +
    `[t]scale=${w.thumbSize}:${w.thumbSize}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=area[to]`
  );
}

/** Extracts a window's frames as `outDir`/f_00001.bmp… and their thumbnails as `outDir`/t_00001.jpg…. */
export function frameArgs(input: string, outDir: string, w: FrameWindow): string[] {
  // -t bounds what is read by time, -frames:v what is written by count: timestamps that jump (which
  // fps fills with copies) or a stated length that lies cannot make either grow past the window.
  return [
    ...(w.startS > 0 ? ['-ss', String(w.startS)] : []),
    '-t',
    String(w.spanS),
    '-i',
    input,
    '-filter_complex',
    frameFilter(w),
    '-map',
    '[fo]',
    '-frames:v',
    String(w.maxFrames),
    '-f',
    'image2',
    // BMP: no compression to pay for, and every image decoder (createImageBitmap included) reads it.
    '-c:v',
    'bmp',
    `${outDir}/f_%05d.bmp`,
    '-map',
    '[to]',
    '-frames:v',
    String(w.maxFrames),
    '-f',
    'image2',
    '-c:v',
    'mjpeg',
    '-q:v',
    String(w.thumbQuality),
    `${outDir}/t_%05d.jpg`,
  ];
}

/** An audio request with its defaults filled in and its bounds worked out. */
export interface AudioWindow {
  rates: number[];
  startS: number;
  durationS: number | undefined;
  /** Seconds decoded at most. */
  spanS: number;
}

export function audioWindow(request: AudioRequest): AudioWindow {
  const { rates, startS = 0, durationS } = request;
  if (rates.length === 0 || rates.some((r) => !(r >= 1000 && r <= 384000)))
    throw new RangeError('rates must be sample rates in Hz');
  if (durationS !== undefined && !(durationS > 0 && durationS <= MAX_AUDIO_REQUEST_S))
    throw new RangeError(`durationS must be positive and at most ${MAX_AUDIO_REQUEST_S} s`);
  return { rates, startS, durationS, spanS: Math.min(durationS ?? MAX_AUDIO_REQUEST_S, MAX_AUDIO_REQUEST_S) };
}

/**
 * Decodes the first audio stream once into mono float32 PCM at each rate, as `outDir`/a_0.pcm, a_1.pcm….
 */
export function audioArgs(input: string, outDir: string, w: AudioWindow): string[] {
  // Bytes of each output at most: -t stops reading by timestamps, -fs stops writing by size, so samples
  // that a broken stream stamps wrongly still cannot pile up.
  const maxBytes = (rate: number) => (Math.ceil(w.spanS * rate) + rate) * 4;
  const outputs = w.rates.flatMap((rate, i) => [
    '-map',
    '0:a:0',
    '-ac',
    '1',
    '-ar',
    String(rate),
    '-c:a',
    'pcm_f32le',
    '-fs',
    String(maxBytes(rate)),
    '-f',
    'f32le',
    `${outDir}/a_${i}.pcm`,
  ]);
  // Without a duration, read a little past the cap, so a track longer than it is told from one that
  // ends exactly there.
  return [
    ...(w.startS > 0 ? ['-ss', String(w.startS)] : []),
    '-t',
    String(w.durationS === undefined ? w.spanS + 1 : w.spanS),
    '-i',
    input,
    '-vn',
    '-sn',
    '-dn',
    ...outputs,
  ];
}
