// Audio as a sequence of PCM chunks (mono, 48 kHz for CLAP and 16 kHz for Whisper), so a long recording or
// a film's sound track is never held whole in memory: each chunk is decoded, windowed, transcribed and
// dropped before the next. Short files decoded by the browser in one piece are a single chunk.
import type { FfmpegClient } from '../video/ffmpeg-client.ts';
import { CLAP_RATE, WHISPER_RATE } from './decode-audio.ts';

export interface PcmChunk {
  /** Where the chunk starts in the file, in seconds. */
  startS: number;
  /** Samples from startS, at 48 kHz; a chunk that is not the last runs `leadS` past the next chunk's start. */
  pcm48k: Float32Array;
  /** Samples of [startS, next chunk's start) at 16 kHz (the whole rest for the last chunk). */
  pcm16k: Float32Array;
  /** Seconds this chunk owns: the next one starts at startS + spanS. */
  spanS: number;
  /** True for the chunk that reaches the end of the audio. */
  last: boolean;
}

export interface PcmSource {
  /** Length in seconds when known in advance (for progress), else null. */
  durationS: number | null;
  /** The chunks in order; `for await` reads both kinds (audio decoded in one piece needs no waiting). */
  chunks(): AsyncIterable<PcmChunk> | Iterable<PcmChunk>;
}

/** Audio already decoded in one piece. */
export function wholePcm(pcm48k: Float32Array, pcm16k: Float32Array): PcmSource {
  const durationS = pcm48k.length / CLAP_RATE;
  return {
    durationS,
    *chunks() {
      yield { startS: 0, pcm48k, pcm16k, spanS: durationS, last: true };
    },
  };
}

/**
 * A file's audio track decoded by ffmpeg `chunkS` seconds at a time, up to `durationS` (stated by the
 * container or measured by a scan, and already checked against the length limit): no request decodes more
 * than a chunk, whatever the file holds past that. Each chunk's 48 kHz part runs `leadS` further (a CLAP
 * window starting near the chunk's end needs samples past it).
 */
export function ffmpegPcm(
  ffmpeg: FfmpegClient,
  file: File,
  durationS: number,
  options: { chunkS: number; leadS: number; signal?: AbortSignal },
): PcmSource {
  const { chunkS, leadS, signal } = options;
  return {
    durationS,
    async *chunks() {
      for (let startS = 0; startS < durationS; startS += chunkS) {
        const { tracks } = await ffmpeg.audio(
          file,
          { rates: [CLAP_RATE, WHISPER_RATE], startS, durationS: chunkS + leadS },
          { signal },
        );
        const [pcm48k, pcm16k] = tracks.map((t) => t.samples);
        if (!pcm48k?.length || !pcm16k) return;
        const gotS = pcm48k.length / CLAP_RATE;
        // Less than asked for means the audio ended inside this chunk (containers' durations are estimates).
        const last = startS + chunkS >= durationS - 1e-3 || gotS < chunkS + leadS - 0.05;
        yield {
          startS,
          pcm48k,
          pcm16k: last ? pcm16k : pcm16k.subarray(0, Math.round(chunkS * WHISPER_RATE)),
          spanS: last ? gotS : chunkS,
          last,
        };
        if (last) return;
      }
    },
  };
}
