// Whisper's language detection (issue 23): the pure choice of a language token from logits, and the whole
// path through transformers.js's real automatic-speech-recognition pipeline on onnxruntime-node with the
// fixture Whisper, whose decoder after <|startoftranscript|> favours <|fr|> for the French voice note and
// <|en|> for the English recordings. Detection's features and encoder output are reused by the pipeline's
// first chunk, so a recording under 30 s is still featurised and encoded once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@huggingface/transformers';
import { frenchSpeech, podcast, speech } from '../../scripts/fixtures/world';
import { WHISPER_ID } from '../../scripts/fixtures/models/whisper';
import { languageTokens, mostLikelyLanguage } from '../../src/encoders/roles/whisper-language';
import { transcribeSpeech, type WhisperPipeline } from '../../src/encoders/roles/whisper-transcribe';
import { decodeWav, resample } from '../support/decode-wav';
import { MAX_HOOK_TIME } from '../support/time-budgets';

describe('the language token with the highest logit', () => {
  const tokens = languageTokens({ '<|en|>': 2, '<|fr|>': 3, '<|haw|>': 4, '<|notalanguage': 5 });

  it("names Whisper's language tokens by their codes", () => {
    expect([...tokens]).toEqual([
      [2, 'en'],
      [3, 'fr'],
      [4, 'haw'],
    ]);
    expect(languageTokens(undefined).size).toBe(0);
    expect(languageTokens(null).size).toBe(0);
  });

  it('looks only at language tokens, in the last row of the logits', () => {
    // Two rows of a 6-token vocabulary; token 0 is the best overall, and the first row favours English.
    const logits = [0, 0, 9, 1, 0, 0, 50, 0, 1, 2, -1, 0];
    expect(mostLikelyLanguage(logits, 6, tokens)).toBe('fr');
    expect(mostLikelyLanguage(logits.slice(0, 6), 6, tokens)).toBe('en');
  });

  it('says nothing without language tokens or numbers, and never picks NaN or a token past the vocabulary', () => {
    expect(mostLikelyLanguage([1, 2, 3], 3, new Map())).toBeUndefined();
    expect(mostLikelyLanguage([NaN, NaN, NaN, NaN, NaN], 5, tokens)).toBeUndefined();
    expect(mostLikelyLanguage([0, 0, NaN, 1, 0], 5, tokens)).toBe('fr');
    expect(
      mostLikelyLanguage(
        [0, 0, 1, 0],
        4,
        new Map([
          [2, 'en'],
          [7, 'xx'],
        ]),
      ),
    ).toBe('en');
    expect(mostLikelyLanguage([], 4, tokens)).toBeUndefined();
  });
});

const RATE = 16_000;
const fixtures = new URL('../fixtures/', import.meta.url);
const audio = (file: string) =>
  resample(decodeWav(readFileSync(new URL(`media/audio/${file}`, fixtures))), RATE);

let asr: WhisperPipeline;
/** Real work done by the pipeline's feature extractor and encoder session (counted beneath the share). */
const work = { features: 0, encoder: 0 };

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = fileURLToPath(new URL('models/', fixtures));
  const loaded = await pipeline('automatic-speech-recognition', WHISPER_ID, { dtype: 'fp32' });
  const extractor = loaded.processor.feature_extractor!;
  const extract = extractor._call.bind(extractor);
  extractor._call = (...args: Parameters<typeof extract>) => (work.features++, extract(...args));
  const session = (
    loaded.model as unknown as { sessions: Record<string, { run: (...a: unknown[]) => unknown }> }
  ).sessions['model']!;
  const run = session.run.bind(session);
  session.run = (...args: unknown[]) => (work.encoder++, run(...args));
  asr = loaded as unknown as WhisperPipeline;
}, MAX_HOOK_TIME);
afterAll(async () => {
  await (asr as unknown as { dispose(): Promise<void> } | undefined)?.dispose();
});

async function counted(run: () => Promise<unknown>) {
  work.features = work.encoder = 0;
  const result = await run();
  return { result, ...work };
}

// Each transcription computes 30 s log-mel spectrograms in JS; on a busy 2-core machine that takes seconds.
describe('transcribing with the fixture Whisper on onnxruntime-node', { timeout: 60_000 }, () => {
  it(`detects French in ${frenchSpeech.file}, transcribes it in French and records "fr" on its spans`, async () => {
    const { result, features, encoder } = await counted(() =>
      transcribeSpeech(asr, audio(frenchSpeech.file)),
    );
    expect(result).toEqual([
      expect.objectContaining({ text: frenchSpeech.text, language: frenchSpeech.language }),
    ]);
    // Detection and the pipeline share the one 30 s window.
    expect({ features, encoder }).toEqual({ features: 1, encoder: 1 });
  });

  it(`detects English in ${speech.file} and ${podcast.file}`, async () => {
    expect(await transcribeSpeech(asr, audio(speech.file))).toEqual([
      expect.objectContaining({ text: speech.text, language: 'en' }),
    ]);
    const spans = await transcribeSpeech(asr, audio(podcast.file));
    expect(spans.map((s) => [s.text, s.language])).toEqual(podcast.sentences.map((s) => [s, 'en']));
  });

  it('a language chosen in Settings wins: no detection runs, and the chosen language is recorded', async () => {
    const { result, features, encoder } = await counted(() =>
      transcribeSpeech(asr, audio(frenchSpeech.file), 'en'),
    );
    // Told it is English, the fixture says its English script, as a real Whisper would try to.
    expect(result).toEqual([expect.objectContaining({ text: speech.text, language: 'en' })]);
    expect({ features, encoder }).toEqual({ features: 1, encoder: 1 });
  });

  it('a recording over 30 s is detected from its first window, which its first chunk reuses', async () => {
    // The French note, then 40 s of silence: two chunks of the pipeline (30 s windows, 20 s apart).
    const note = audio(frenchSpeech.file);
    const long = new Float32Array(note.length + 40 * RATE);
    long.set(note);
    const { result, features, encoder } = await counted(() => transcribeSpeech(asr, long));
    expect(result).toEqual([expect.objectContaining({ text: frenchSpeech.text, language: 'fr' })]);
    expect(features).toBe(encoder);
    expect(encoder).toBeGreaterThanOrEqual(2);
    // Without the reuse, detection would add one of each.
    const chosen = await counted(() => transcribeSpeech(asr, long, 'fr'));
    expect({ features, encoder }).toEqual({ features: chosen.features, encoder: chosen.encoder });
  });

  it('silence is transcribed to nothing, whatever it is detected as', async () => {
    expect(await transcribeSpeech(asr, new Float32Array(3 * RATE))).toEqual([]);
    expect(await transcribeSpeech(asr, new Float32Array(0))).toEqual([]);
  });
});
