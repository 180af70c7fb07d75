// The fixture Whisper through transformers.js's real automatic-speech-recognition pipeline on
// onnxruntime-node: it must hear the fixture speech (the expected word, at the times the media manifest
// measured), follow the audio (move with it, split the podcast by sentence), and stay quiet for silence,
// tones and noise. The committed model files must be what the generator writes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import { podcast, speech, tones } from '../../scripts/fixtures/world';
import { WHISPER_ID, whisperModel, whisperScript } from '../../scripts/fixtures/models/whisper';
import { whisperVocabulary } from '../../scripts/fixtures/models/whisper-tokenizer';
import { decodeWav, resample } from '../support/decode-wav';

const RATE = 16_000;
/** Whisper's time step is 0.02 s; the manifest measures spans by sample amplitude, the model by mel energy. */
const TOLERANCE_S = 0.1;
const fixtures = new URL('../fixtures/', import.meta.url);
const modelDir = new URL(`models/${WHISPER_ID}/`, fixtures);

interface Span {
  start: number;
  end: number;
  text: string;
}
interface Transcript {
  text: string;
  chunks?: Array<{ text: string; timestamp: [number, number | null] }>;
}

const manifest = JSON.parse(readFileSync(new URL('media/MANIFEST.json', fixtures), 'utf8')) as {
  files: Array<{ file: string; facts: { durationS: number; timeline?: Span[] } }>;
};
function facts(file: string) {
  const entry = manifest.files.find((f) => f.file === file);
  if (!entry) throw new Error(`${file} is not in the media manifest`);
  return entry.facts;
}

function audio(file: string): Float32Array {
  return resample(decodeWav(readFileSync(new URL(`media/audio/${file}`, fixtures))), RATE);
}

function spans(t: Transcript): Span[] {
  return (t.chunks ?? []).map(({ text, timestamp: [start, end] }) => ({
    start,
    end: end ?? NaN,
    text: text.trim(),
  }));
}

let asr: AutomaticSpeechRecognitionPipeline;
const transcribe = async (pcm: Float32Array, options: Record<string, unknown> = {}) =>
  (await asr(pcm, { return_timestamps: true, language: 'en', task: 'transcribe', ...options })) as Transcript;

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = fileURLToPath(new URL('models/', fixtures));
  asr = await pipeline('automatic-speech-recognition', WHISPER_ID, { dtype: 'fp32' });
}, 60_000);
afterAll(async () => {
  await asr?.dispose();
});

// Each transcription computes a 30 s log-mel spectrogram in JS; on a busy 2-core machine that takes seconds.
describe('fixture Whisper on onnxruntime-node', { timeout: 60_000 }, () => {
  it(`hears "${speech.expectedWord}" in ${speech.file}, timed inside the clip where it is spoken`, async () => {
    const pcm = audio(speech.file);
    const { durationS, timeline } = facts(speech.file);
    expect(pcm.length / RATE).toBeCloseTo(durationS, 1);

    const out = await transcribe(pcm);
    expect(out.text).toContain(speech.expectedWord);
    const [chunk, ...rest] = spans(out);
    expect(rest).toEqual([]);
    expect(chunk?.text).toBe(speech.text);
    expect(chunk!.start).toBeGreaterThanOrEqual(0);
    expect(chunk!.end).toBeGreaterThan(chunk!.start);
    expect(chunk!.end).toBeLessThanOrEqual(durationS);
    const spoken = timeline![0]!;
    expect(Math.abs(chunk!.start - spoken.start)).toBeLessThanOrEqual(TOLERANCE_S);
    expect(Math.abs(chunk!.end - spoken.end)).toBeLessThanOrEqual(TOLERANCE_S);
  });

  it('moves its timestamps with the audio: 1.5 s of leading silence moves the chunk by 1.5 s', async () => {
    const pcm = audio(speech.file);
    const delayed = new Float32Array(1.5 * RATE + pcm.length);
    delayed.set(pcm, 1.5 * RATE);
    const [before] = spans(await transcribe(pcm));
    const [after] = spans(await transcribe(delayed));
    expect(after?.text).toBe(speech.text);
    expect(after!.start - before!.start).toBeCloseTo(1.5, 1);
    expect(after!.end - before!.end).toBeCloseTo(1.5, 1);
  });

  it(`splits ${podcast.file} into its sentences, each at the time it is spoken`, async () => {
    const { timeline } = facts(podcast.file);
    const out = await transcribe(audio(podcast.file));
    const heard = spans(out);
    expect(heard.map((s) => s.text)).toEqual(podcast.sentences);
    heard.forEach((span, i) => {
      const spoken = timeline![i]!;
      expect(Math.abs(span.start - spoken.start), `start of "${span.text}"`).toBeLessThanOrEqual(TOLERANCE_S);
      expect(Math.abs(span.end - spoken.end), `end of "${span.text}"`).toBeLessThanOrEqual(TOLERANCE_S);
    });
    for (const word of podcast.expectedWords) expect(out.text).toContain(word);
    expect(heard[0]!.start).toBeGreaterThanOrEqual(podcast.leadingSilenceS);
  });

  it('says nothing for silence, the tones or steady noise', async () => {
    const quiet: Record<string, Float32Array> = { silence: new Float32Array(3 * RATE) };
    for (const tone of tones) quiet[tone.file] = audio(tone.file);
    for (const [name, pcm] of Object.entries(quiet)) {
      const out = await transcribe(pcm);
      expect(out, name).toEqual({ text: '', chunks: [] });
    }
  });

  it('without timestamps (and with no language given) it says the same words and returns no chunks', async () => {
    const out = (await asr(audio(speech.file))) as Transcript;
    expect(out).toEqual({ text: ` ${speech.text}` });
  });

  it('has a real byte-level BPE tokenizer: each sentence encodes to exactly the tokens the decoder says', () => {
    const { sentenceIds } = whisperVocabulary(whisperScript());
    podcast.sentences.forEach((sentence, i) => {
      const ids = asr.tokenizer.encode(` ${sentence}`, { add_special_tokens: false });
      expect(ids).toEqual(sentenceIds[i]);
      expect(asr.tokenizer.decode(ids)).toBe(` ${sentence}`);
    });
    // Words outside the script still round-trip, byte by byte.
    const other = asr.tokenizer.encode(' Hello, world!', { add_special_tokens: false });
    expect(asr.tokenizer.decode(other)).toBe(' Hello, world!');
  });

  it('refuses word-level timestamps loudly: the graphs have no cross-attentions to align words with', async () => {
    await expect(transcribe(audio(speech.file), { return_timestamps: 'word' })).rejects.toThrow(
      /alignment_heads/,
    );
  });
});

describe('fixture Whisper files', () => {
  it('are what scripts/fixtures/models/whisper.ts generates (run `npm run fixtures models` after changing it)', () => {
    const model = whisperModel();
    for (const [name, json] of Object.entries(model.json)) {
      expect(JSON.parse(readFileSync(new URL(name, modelDir), 'utf8')), name).toEqual(json);
    }
    for (const [name, bytes] of Object.entries(model.onnx)) {
      expect(Buffer.compare(readFileSync(new URL(`onnx/${name}`, modelDir)), bytes), name).toBe(0);
    }
  });
});
