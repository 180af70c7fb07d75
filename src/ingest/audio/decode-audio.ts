// Audio decoding for ingestion: mono float PCM at 48 kHz (CLAP) and 16 kHz (Whisper). The browser's own
// decoder (decodeAudioData, page only: workers have no AudioContext) goes first; ffmpeg.wasm takes what it
// cannot decode. decodeAudioData resamples to its context's rate with a proper sinc resampler, so each rate
// gets its own decode rather than a cheaper linear resampling of the other.
import { MediaDecodeError } from '../media-error.ts';
import type { FfmpegClient } from '../video/ffmpeg-client.ts';
import { MAX_AUDIO_REQUEST_S } from '../video/ffmpeg-protocol.ts';
import { formatDuration, mediaLength } from '../media-length.ts';

export { formatDuration };

export const CLAP_RATE = 48_000;
export const WHISPER_RATE = 16_000;

/** The lowest bitrate a speech codec is used at (Opus goes down to 6 kbit/s): the most audio per byte. */
export const LOWEST_BITRATE_BPS = 6_000;

/**
 * Float32 PCM at both rates that `bytes` of audio can hold at most: what decoding the whole file at once
 * (decodeAudioData) may cost, since the browser decodes before the length can be checked.
 */
export function worstCaseDecodedBytes(bytes: number): number {
  const seconds = (bytes * 8) / LOWEST_BITRATE_BPS;
  return seconds * (CLAP_RATE + WHISPER_RATE) * 4;
}

/**
 * Audio files up to this size are decoded whole by the browser at ingest; larger ones go through ffmpeg
 * in chunks, with the length measured first. 1 MB holds at most about 23 minutes (6 kbit/s), which decode
 * to about 350 MB: the bound a small hostile file can cost, where 16 MB once meant hours and gigabytes.
 */
export const MAX_WHOLE_AUDIO_BYTES = 1024 * 1024;

export interface DecodedAudio {
  durationS: number;
  pcm48k: Float32Array;
  pcm16k: Float32Array;
  decodedBy: 'web-audio' | 'ffmpeg';
}

export interface AudioDecodeOptions {
  /** The ffmpeg fallback; omitted, a file the browser cannot decode is an error. */
  ffmpeg?: FfmpegClient;
  /**
   * Files above this size skip decodeAudioData, which needs the whole file and its decoded PCM in memory,
   * and go to ffmpeg. 0 sends everything to ffmpeg.
   */
  maxWebAudioBytes?: number;
  /**
   * Longest audio accepted, in seconds (default 4 h). ffmpeg decodes in one piece at most
   * MAX_AUDIO_REQUEST_S (30 min); longer audio goes through pcm-chunks.ts instead.
   */
  maxDurationS?: number;
  /** Stops an ffmpeg decode at once. */
  signal?: AbortSignal;
}

export async function decodeAudioFile(file: File, options: AudioDecodeOptions = {}): Promise<DecodedAudio> {
  const { ffmpeg, maxWebAudioBytes = 256 * 1024 * 1024, maxDurationS = 4 * 3600, signal } = options;
  let webAudioError: unknown = null;
  if (typeof OfflineAudioContext !== 'undefined' && file.size <= maxWebAudioBytes) {
    try {
      const decoded = await decodeWithWebAudio(file);
      checkDuration(decoded.durationS, maxDurationS);
      return decoded;
    } catch (error) {
      if (error instanceof MediaDecodeError) throw error;
      webAudioError = error;
    }
  }
  if (!ffmpeg) {
    throw new MediaDecodeError(
      'corrupt-data',
      `The browser could not decode the audio: ${describe(webAudioError)}`,
    );
  }
  const probe = await ffmpeg.probe(file, { signal });
  if (!probe.audio) throw new MediaDecodeError('corrupt-data', 'The file holds no audio stream');
  // The length as stated, or measured when the file states none: never more is decoded than that.
  const limitS = Math.min(maxDurationS, MAX_AUDIO_REQUEST_S);
  const lengthS = await mediaLength(ffmpeg, file, probe, limitS, 'audio', { signal });
  const { tracks } = await ffmpeg.audio(
    file,
    { rates: [CLAP_RATE, WHISPER_RATE], durationS: lengthS },
    { signal },
  );
  const [pcm48k, pcm16k] = tracks.map((t) => t.samples);
  if (!pcm48k || !pcm16k || pcm48k.length === 0)
    throw new MediaDecodeError('corrupt-data', 'The audio stream decoded to nothing');
  return { durationS: pcm48k.length / CLAP_RATE, pcm48k, pcm16k, decodedBy: 'ffmpeg' };
}

async function decodeWithWebAudio(file: Blob): Promise<DecodedAudio> {
  const bytes = await file.arrayBuffer();
  // decodeAudioData detaches the buffer it is given, so the second decode gets a copy.
  const [at48k, at16k] = await Promise.all([
    new OfflineAudioContext(1, 1, CLAP_RATE).decodeAudioData(bytes.slice(0)),
    new OfflineAudioContext(1, 1, WHISPER_RATE).decodeAudioData(bytes),
  ]);
  if (at48k.length === 0) throw new Error('no samples');
  return {
    durationS: at48k.duration,
    pcm48k: downmix(at48k),
    pcm16k: downmix(at16k),
    decodedBy: 'web-audio',
  };
}

/** The mean of all channels (mono as the models expect it). */
export function downmix(buffer: AudioBuffer): Float32Array {
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0).slice();
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i]! += data[i]!;
  }
  const scale = 1 / buffer.numberOfChannels;
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

function checkDuration(durationS: number, maxDurationS: number): void {
  if (durationS > maxDurationS) {
    throw new MediaDecodeError(
      'too-long',
      `The audio is ${formatDuration(durationS)} long; the limit is ${formatDuration(maxDurationS)}`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error ?? 'not attempted');
}
