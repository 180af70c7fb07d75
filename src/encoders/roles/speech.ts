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
      })) as { text: string; chunks?: AsrChunk[] };
      const spans: TranscriptSpan[] = (out.chunks ?? []).map((c) => ({
        text: c.text.trim(),
        start: Math.max(0, c.timestamp[0] ?? 0),
        // Whisper leaves the last end open when the audio stops mid-sentence.
        end: Math.min(duration, c.timestamp[1] ?? duration),
      }));
      return spans.filter((s) => s.text.length > 0);
    },
    dispose: () => disposeAll([asr]),
  };
}
