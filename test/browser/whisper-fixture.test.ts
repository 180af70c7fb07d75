// The fixture Whisper through transformers.js's real automatic-speech-recognition pipeline in Chromium,
// on WASM and on WebGPU (SwiftShader), with audio decoded by the page at 16 kHz: the speech fixture's
// transcript holds the expected word, timed inside the clip where the media manifest says it is spoken;
// the podcast splits by sentence; silence says nothing; both devices say exactly the same. Language
// detection (whisper-transcribe.ts) hears the French voice note as French on both, and the pipeline's first
// chunk reuses detection's features and encoder output there too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import { configureRuntime, useModelHost } from '../../src/encoders/runtime';
import { frenchSpeech, podcast, speech } from '../../scripts/fixtures/world';
import { transcribeSpeech, type WhisperPipeline } from '../../src/encoders/roles/whisper-transcribe';
import { decodeAudio, mediaUrl } from '../support/browser-media';

// Vite's own module requests fill the default 250-entry buffer; the model and WASM fetches must not be dropped.
performance.setResourceTimingBufferSize(100_000);

const WHISPER_ID = 'trove-fixtures/whisper';
const RATE = 16_000;
/** Whisper's time step is 0.02 s; the manifest measures spans by sample amplitude, the model by mel energy. */
const TOLERANCE_S = 0.1;

type Device = 'wasm' | 'webgpu';
const devices: Device[] = ['wasm', 'webgpu'];

interface Span {
  start: number;
  end: number;
  text: string;
}
interface Transcript {
  text: string;
  chunks?: Array<{ text: string; timestamp: [number, number | null] }>;
}
type Facts = { durationS: number; timeline?: Span[] };

let manifest: Array<{ file: string; facts: Facts }> = [];
function facts(file: string): Facts {
  const entry = manifest.find((f) => f.file === file);
  if (!entry) throw new Error(`${file} is not in the media manifest`);
  return entry.facts;
}
const spans = (t: Transcript): Span[] =>
  (t.chunks ?? []).map(({ text, timestamp: [start, end] }) => ({
    start,
    end: end ?? NaN,
    text: text.trim(),
  }));

/** Every transcript, by device and clip, for the cross-device comparison. */
const heard = new Map<Device, Map<string, Transcript>>();
const clips = new Map<string, Float32Array>();

beforeAll(async () => {
  // Both devices run in this one context: the build that carries WebGPU runs WASM too.
  configureRuntime('webgpu');
  useModelHost({ remoteHost: '/test/fixtures/models/', remotePathTemplate: '{model}/' });
  const res = await fetch(mediaUrl('MANIFEST.json'));
  manifest = ((await res.json()) as { files: typeof manifest }).files;
  clips.set(speech.file, await decodeAudio(`audio/${speech.file}`, RATE));
  clips.set(podcast.file, await decodeAudio(`audio/${podcast.file}`, RATE));
  clips.set('silence', new Float32Array(3 * RATE));
  clips.set(frenchSpeech.file, await decodeAudio(`audio/${frenchSpeech.file}`, RATE));
});

describe.each(devices)('fixture Whisper on %s', (device) => {
  let asr: AutomaticSpeechRecognitionPipeline;
  const transcripts = new Map<string, Transcript>();
  heard.set(device, transcripts);
  const transcribe = async (clip: string) => {
    const pcm = clips.get(clip);
    if (!pcm) throw new Error(`clip ${clip} was not decoded`);
    const out = (await asr(pcm, {
      return_timestamps: true,
      language: 'en',
      task: 'transcribe',
    })) as Transcript;
    transcripts.set(clip, out);
    console.log(`[${device}] ${clip}: ${JSON.stringify(out)}`);
    return out;
  };

  beforeAll(async () => {
    asr = await pipeline('automatic-speech-recognition', WHISPER_ID, { device, dtype: 'fp32' });
  });
  afterAll(async () => {
    await asr?.dispose();
  });

  it(`runs both sessions on ${device} in fp32`, async () => {
    const sessions = Object.values(asr.model.sessions as Record<string, { config: object }>);
    expect(sessions).toHaveLength(2);
    for (const s of sessions) expect(s.config).toEqual({ device, dtype: 'fp32' });
    if (device === 'webgpu') {
      // ORT hands out the GPUDevice it created; it only exists if the WebGPU EP really started.
      const gpu = await Promise.race([
        env.backends.onnx.webgpu?.device,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no WebGPU device')), 5000)),
      ]);
      expect(gpu).toBeInstanceOf(GPUDevice);
    }
  });

  it(`hears "${speech.expectedWord}" in ${speech.file}, timed inside the clip where it is spoken`, async () => {
    const { durationS, timeline } = facts(speech.file);
    expect(clips.get(speech.file)!.length / RATE).toBeCloseTo(durationS, 1);
    const out = await transcribe(speech.file);
    expect(out.text).toContain(speech.expectedWord);
    const [chunk, ...rest] = spans(out);
    expect(rest).toEqual([]);
    expect(chunk?.text).toBe(speech.text);
    expect(chunk!.start).toBeGreaterThanOrEqual(0);
    expect(chunk!.end).toBeGreaterThan(chunk!.start);
    expect(chunk!.end).toBeLessThanOrEqual(durationS);
    expect(Math.abs(chunk!.start - timeline![0]!.start)).toBeLessThanOrEqual(TOLERANCE_S);
    expect(Math.abs(chunk!.end - timeline![0]!.end)).toBeLessThanOrEqual(TOLERANCE_S);
  });

  it(`splits ${podcast.file} into its sentences, each at the time it is spoken`, async () => {
    const { timeline } = facts(podcast.file);
    const out = await transcribe(podcast.file);
    const got = spans(out);
    expect(got.map((s) => s.text)).toEqual(podcast.sentences);
    got.forEach((span, i) => {
      expect(Math.abs(span.start - timeline![i]!.start), `start of "${span.text}"`).toBeLessThanOrEqual(
        TOLERANCE_S,
      );
      expect(Math.abs(span.end - timeline![i]!.end), `end of "${span.text}"`).toBeLessThanOrEqual(
        TOLERANCE_S,
      );
    });
    for (const word of podcast.expectedWords) expect(out.text).toContain(word);
  });

  it('says nothing for silence', async () => {
    expect(await transcribe('silence')).toEqual({ text: '', chunks: [] });
  });

  it(`detects French in ${frenchSpeech.file}, featurising and encoding its one window once`, async () => {
    // Count the real work beneath the hooks detection installs on its first use of this pipeline.
    const work = { features: 0, encoder: 0 };
    const extractor = asr.processor.feature_extractor!;
    const extract = extractor._call.bind(extractor);
    extractor._call = (...args: Parameters<typeof extract>) => (work.features++, extract(...args));
    const session = (
      asr.model as unknown as { sessions: Record<string, { run: (...a: unknown[]) => unknown }> }
    ).sessions['model']!;
    const run = session.run.bind(session);
    session.run = (...args: unknown[]) => (work.encoder++, run(...args));

    const got = await transcribeSpeech(asr as unknown as WhisperPipeline, clips.get(frenchSpeech.file)!);
    expect(got.map((s) => [s.text, s.language])).toEqual([[frenchSpeech.text, frenchSpeech.language]]);
    expect(work).toEqual({ features: 1, encoder: 1 });
    const english = await transcribeSpeech(asr as unknown as WhisperPipeline, clips.get(speech.file)!);
    expect(english.map((s) => [s.text, s.language])).toEqual([[speech.text, 'en']]);
  });
});

describe('wasm and webgpu', () => {
  it('give exactly the same transcripts and timestamps', () => {
    const [a, b] = devices.map((d) => heard.get(d));
    // Every clip but the French note, which is transcribed through transcribeSpeech.
    expect(a?.size).toBe(clips.size - 1);
    expect(b && Object.fromEntries(b)).toEqual(a && Object.fromEntries(a));
  });

  it('fetched nothing from outside the page origin', () => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    expect(entries.map((e) => e.name).filter((url) => new URL(url).origin !== location.origin)).toEqual([]);
  });
});
