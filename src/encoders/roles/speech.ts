import { pipeline } from '@huggingface/transformers';
import {
  disposeAll,
  once,
  pretrainedOptions,
  type RoleEncoder,
  type RoleLoadOptions,
  type TranscriptSpan,
} from './types';

interface AsrChunk {
  text: string;
  timestamp: [number, number | null];
}

/**
 * Speech to text with Whisper. A language chosen in Settings (o.language) is passed to Whisper and recorded
 * on every span. Without one, transformers.js (4.3) does not detect the language: it transcribes as English
 * and says so in a warning. So no language is recorded then, and Settings asks for a language for
 * recordings that are not in English.
 */
export function loadSpeech(o: RoleLoadOptions): RoleEncoder {
  const asr = once(() => pipeline('automatic-speech-recognition', o.model, pretrainedOptions(o)));
  return {
    /** `audio` is mono 16 kHz. Long audio is processed in 30 s chunks with overlap by the pipeline. */
    async transcribe(audio) {
      const run = await asr();
      const duration = audio.length / 16_000;
      const out = (await run(audio, {
        return_timestamps: true,
        chunk_length_s: 30,
        stride_length_s: 5,
        ...(o.language ? { language: o.language, task: 'transcribe' } : {}),
      })) as { text: string; chunks?: AsrChunk[] };
      const spans: TranscriptSpan[] = (out.chunks ?? []).map((c) => ({
        text: c.text.trim(),
        start: Math.max(0, c.timestamp[0] ?? 0),
        // Whisper leaves the last end open when the audio stops mid-sentence.
        end: Math.min(duration, c.timestamp[1] ?? duration),
        ...(o.language ? { language: o.language } : {}),
      }));
      return spans.filter((s) => s.text.length > 0);
    },
    dispose: () => disposeAll([asr]),
  };
}
