// A recording to transcript spans with transformers.js's Whisper pipeline, in the language chosen in
// Settings or, without one, the language Whisper detects in the first 30 s (whisper-language.ts). Every
// span records that language (ISO 639-1, Whisper's code). Detection's features and encoder output are
// reused by the pipeline's first chunk (whisper-first-window.ts), so detecting costs one decoder step.
import type { Tensor } from '@huggingface/transformers';
import type { TranscriptSpan } from './types';
import { detectLanguage, type WhisperModel } from './whisper-language';
import { firstWindowShare, type ShareablePipeline } from './whisper-first-window';

const RATE = 16_000;
/** Whisper detects the language from its first window, 30 s. */
const DETECTION_WINDOW = 30 * RATE;

interface AsrChunk {
  text: string;
  timestamp: [number, number | null];
}

/** What is used of transformers.js's AutomaticSpeechRecognitionPipeline. */
export type WhisperPipeline = ShareablePipeline & {
  (audio: Float32Array, options: Record<string, unknown>): Promise<unknown>;
  model: unknown;
};

/** The language spoken in `audio` (mono 16 kHz), by its first 30 s; undefined if it cannot be told. */
async function spokenLanguage(asr: WhisperPipeline, audio: Float32Array): Promise<string | undefined> {
  const share = firstWindowShare(asr);
  if (!share || audio.length === 0) return undefined;
  const features = (processed: unknown) => (processed as { input_features?: Tensor }).input_features;
  return share.detect(
    audio.subarray(0, DETECTION_WINDOW),
    (processed) => features(processed)?.data as Float32Array | undefined,
    async (processed) => {
      const f = features(processed);
      return f ? detectLanguage(asr.model as WhisperModel, f) : undefined;
    },
  );
}

/**
 * `audio` is mono 16 kHz. Long audio is processed in 30 s chunks with overlap by the pipeline. `chosen`
 * (ISO 639-1) is the language chosen in Settings; it wins over detection, which then does not run.
 */
export async function transcribeSpeech(
  asr: WhisperPipeline,
  audio: Float32Array,
  chosen?: string,
): Promise<TranscriptSpan[]> {
  try {
    const language = chosen ?? (await spokenLanguage(asr, audio));
    const duration = audio.length / RATE;
    const out = (await asr(audio, {
      return_timestamps: true,
      chunk_length_s: 30,
      stride_length_s: 5,
      ...(language ? { language, task: 'transcribe' } : {}),
    })) as { text: string; chunks?: AsrChunk[] };
    const spans: TranscriptSpan[] = (out.chunks ?? []).map((c) => ({
      text: c.text.trim(),
      start: Math.max(0, c.timestamp[0] ?? 0),
      // Whisper leaves the last end open when the audio stops mid-sentence.
      end: Math.min(duration, c.timestamp[1] ?? duration),
      ...(language ? { language } : {}),
    }));
    return spans.filter((s) => s.text.length > 0);
  } finally {
    firstWindowShare(asr)?.clear();
  }
}
