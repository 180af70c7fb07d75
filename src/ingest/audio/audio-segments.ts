// Sound into segments: CLAP windows (10 s every 5 s by default) in the clap space, and Whisper transcript
// spans embedded by the text embedder in the text space. Works chunk by chunk over a PcmSource, so memory
// stays bounded however long the audio is.
import type { EncoderClient } from '../../encoders/encoder-client.ts';
import type { ResultsBuilder } from '../item-results.ts';
import type { IngestStage } from '../queue-events.ts';
import { CLAP_RATE } from './decode-audio.ts';
import type { PcmChunk, PcmSource } from './pcm-chunks.ts';
import { planAudioWindows, type WindowOptions } from './windows.ts';

export interface AudioSegmentDeps {
  clap: Pick<EncoderClient, 'embedAudio'>;
  speech: Pick<EncoderClient, 'transcribe'>;
  text: Pick<EncoderClient, 'embedTexts'>;
}

export interface AudioSegmentOptions {
  windows?: WindowOptions;
  transcribe?: boolean;
  onProgress?: (stage: IngestStage, fraction: number) => void;
  signal?: AbortSignal;
}

/** Adds the windows and transcript spans of `source` to `builder`; returns the audio's length in seconds. */
export async function addAudioSegments(
  source: PcmSource,
  deps: AudioSegmentDeps,
  builder: ResultsBuilder,
  options: AudioSegmentOptions = {},
): Promise<number> {
  const { windows: windowOptions = {}, transcribe = true, onProgress, signal } = options;
  let endS = 0;
  for await (const chunk of source.chunks()) {
    signal?.throwIfAborted();
    const total = source.durationS ?? chunk.startS + chunk.spanS;
    const reached = Math.min(1, (chunk.startS + chunk.spanS) / total);
    onProgress?.('audio', Math.min(1, chunk.startS / total));
    const windows = chunkWindows(chunk, windowOptions);
    const vectors = await deps.clap.embedAudio(
      windows.map(([t0, t1]) => chunk.pcm48k.slice(Math.round(t0 * CLAP_RATE), Math.round(t1 * CLAP_RATE))),
    );
    windows.forEach(([t0, t1], i) =>
      builder.add(
        { kind: 'audio-window', t0: round3(chunk.startS + t0), t1: round3(chunk.startS + t1) },
        'clap',
        vectors[i]!,
      ),
    );
    onProgress?.('audio', reached);
    signal?.throwIfAborted();
    if (transcribe) {
      onProgress?.('transcribing', Math.min(1, chunk.startS / total));
      const spans = await deps.speech.transcribe(ownCopy(chunk.pcm16k));
      const texts = spans.map((s) => s.text);
      const textVectors = await deps.text.embedTexts(texts, 'passage');
      spans.forEach((span, i) =>
        builder.add(
          {
            kind: 'transcript',
            t0: round3(chunk.startS + span.start),
            t1: round3(chunk.startS + span.end),
            text: span.text,
            ...(span.language ? { language: span.language } : {}),
          },
          'text',
          textVectors[i]!,
        ),
      );
      onProgress?.('transcribing', reached);
    }
    endS = chunk.startS + chunk.pcm48k.length / CLAP_RATE;
    if (chunk.last) break;
  }
  return endS;
}

/**
 * Windows of one chunk, relative to its start. Inside a long recording a chunk takes the windows that start
 * in its span; the last chunk takes windows until one reaches the end, as planAudioWindows does for a whole
 * recording (so chunking never changes where windows fall).
 */
export function chunkWindows(
  chunk: Pick<PcmChunk, 'pcm48k' | 'spanS' | 'last'>,
  options: WindowOptions = {},
): [number, number][] {
  const lengthS = chunk.pcm48k.length / CLAP_RATE;
  if (chunk.last) return planAudioWindows(lengthS, options);
  const { windowS = 10, hopS = 5 } = options;
  const out: [number, number][] = [];
  for (let t0 = 0; t0 < chunk.spanS - 1e-9; t0 += hopS)
    out.push([round3(t0), round3(Math.min(lengthS, t0 + windowS))]);
  return out;
}

/** A typed array that owns its buffer: posting a view to a worker would copy the whole buffer behind it. */
function ownCopy(samples: Float32Array): Float32Array {
  return samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength
    ? samples
    : samples.slice();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
