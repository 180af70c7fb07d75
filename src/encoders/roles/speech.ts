import { pipeline } from '@huggingface/transformers';
import { disposeAll, once, pretrainedOptions, type RoleEncoder, type RoleLoadOptions } from './types';
import { transcribeSpeech, type WhisperPipeline } from './whisper-transcribe';

/**
 * Speech to text with Whisper, in the language chosen in Settings (o.language) or, without one, the
 * language Whisper detects in the recording's first 30 s (whisper-transcribe.ts). Either is recorded on
 * every span.
 */
export function loadSpeech(o: RoleLoadOptions): RoleEncoder {
  const asr = once(() => pipeline('automatic-speech-recognition', o.model, pretrainedOptions(o)));
  return {
    /** `audio` is mono 16 kHz. Long audio is processed in 30 s chunks with overlap by the pipeline. */
    async transcribe(audio) {
      return transcribeSpeech((await asr()) as unknown as WhisperPipeline, audio, o.language);
    },
    dispose: () => disposeAll([asr]),
  };
}
