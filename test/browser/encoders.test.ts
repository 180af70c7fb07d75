// The encoder workers on the fixture models, through the real transformers.js, ORT, Workers, WASM and
// WebGPU (SwiftShader). The fixture world gives the vectors meaning, so the tests assert rankings.
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoders, type Encoders } from '../../src/encoders/encoders';
import type { Device } from '../../src/models/config';
import { fixtureModelsConfig } from '../support/fixture-models';
import { cosine, decodeAudio, fetchBlob, rank } from '../support/browser-media';

const config = fixtureModelsConfig('/test/fixtures/models/');
const images = [
  'image/red-square.png',
  'image/green-field.jpg',
  'image/blue-sky.webp',
  'image/yellow-sun.png',
];
const colourWords = ['red', 'green', 'blue', 'yellow'];
const tones = ['audio/low-hum.wav', 'audio/high-beep.wav', 'audio/white-noise.wav'];
const documents = [
  'The plumber said the valve under the kitchen sink is worn and the pipe has a slow leak.',
  'Saw a red kite flying low over the field, a hawk circled the nest and a feather drifted down.',
  'Mix flour, water and yeast into a dough, then bake the bread in a hot oven.',
];

const opened: Encoders[] = [];
afterAll(() => opened.forEach((e) => e.terminate()));
function encoders(prefer: Device | 'auto', cfg = config) {
  const e = createEncoders(cfg, { prefer });
  opened.push(e);
  return e;
}

/** Ranking with equal scores (to 1e-4) in index order: devices may order exact ties differently. */
function distinctRank(query: Float32Array, candidates: Float32Array[]): number[] {
  return candidates
    .map((c, i) => [Math.round(cosine(query, c) * 1e4), i] as const)
    .sort((x, y) => y[0] - x[0] || x[1] - y[1])
    .map(([, i]) => i);
}

const rankings: Record<string, Record<Device, number[][]>> = {
  clip: {} as never,
  clap: {} as never,
  text: {} as never,
};

describe.each(['wasm', 'webgpu'] as const)('encoders on %s', (device) => {
  const enc = encoders(device);

  it('runs each role on the requested device with the configured dtype', async () => {
    for (const role of ['clip', 'clap', 'text', 'speech'] as const) {
      const info = await enc[role].start();
      expect(info).toMatchObject({ role, device, dtype: 'fp32' });
    }
  });

  it('clip: a colour word ranks the image of that colour first', async () => {
    const imageVecs = await enc.clip.embedImages(await Promise.all(images.map(fetchBlob)));
    const textVecs = await enc.clip.embedTexts(colourWords);
    expect(imageVecs.every((v) => v.length === 32 && Math.abs(Math.hypot(...v) - 1) < 1e-4)).toBe(true);
    const ranks = textVecs.map((q) => rank(q, imageVecs));
    ranks.forEach((r, i) => expect(r[0], `"${colourWords[i]}"`).toBe(i));
    // The fixture CLIP scores other colours at exactly 0, so only distinct scores have an order to compare.
    rankings.clip![device] = textVecs.map((q) => distinctRank(q, imageVecs));
  });

  it('clip: bitmaps give the vectors their files give; on WASM they are moved to the worker, on WebGPU copied', async () => {
    const blobs = await Promise.all(images.map(fetchBlob));
    const fromFiles = await enc.clip.embedImages(blobs);
    const bitmaps = await Promise.all(blobs.map((b) => createImageBitmap(b)));
    const fromBitmaps = await enc.clip.embedImages(bitmaps);
    fromBitmaps.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(fromFiles[i]![j]!, 4)));
    // A transferred bitmap is left detached, 0 × 0; a copied one keeps its size (a WebGPU job retried on
    // WASM sends it again).
    expect(bitmaps.map((b) => b.width === 0)).toEqual(bitmaps.map(() => device === 'wasm'));
    bitmaps.forEach((b) => b.close());
  });

  it('clip: an image query finds the most similar image', async () => {
    const imageVecs = await enc.clip.embedImages(await Promise.all(images.map(fetchBlob)));
    // The animated GIF's first frame is red; it is not one of the candidates.
    const [query] = await enc.clip.embedImages([await fetchBlob('image/two-frames.gif')]);
    expect(rank(query!, imageVecs)[0]).toBe(0);
  });

  it('clap: "low hum", "high beep" and "noise" find their sounds', async () => {
    const audio = await Promise.all(tones.map((t) => decodeAudio(t, 48_000)));
    const audioVecs = await enc.clap.embedAudio(audio);
    const ranks = (await enc.clap.embedTexts(['low hum', 'high beep', 'noise'])).map((q) =>
      rank(q, audioVecs),
    );
    expect(ranks.map((r) => r[0])).toEqual([0, 1, 2]);
    rankings.clap![device] = ranks;
  });

  it('text: a topic word ranks the document about it first', async () => {
    const docVecs = await enc.text.embedTexts(documents);
    const ranks = (await enc.text.embedTexts(['valve', 'kite', 'flour'])).map((q) => rank(q, docVecs));
    expect(ranks.map((r) => r[0])).toEqual([0, 1, 2]);
    rankings.text![device] = ranks;
  });

  it('speech: the transcript has the spoken word, with times inside the clip', async () => {
    const audio = await decodeAudio('audio/speech-plumber.wav', 16_000);
    const spans = await enc.speech.transcribe(audio);
    expect(spans.map((s) => s.text).join(' ')).toMatch(/\bvalve\b/);
    for (const s of spans) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.end).toBeLessThanOrEqual(audio.length / 16_000);
    }
  });

  it('speech: silence gives no words', async () => {
    expect(await enc.speech.transcribe(new Float32Array(16_000 * 3))).toEqual([]);
  });
});

describe('both devices', () => {
  it('give the same rankings for every role', () => {
    for (const role of ['clip', 'clap', 'text']) {
      expect(rankings[role]!.wasm, role).toBeDefined();
      expect(rankings[role]!.webgpu, role).toEqual(rankings[role]!.wasm);
    }
  });
});

describe('WebGPU failure', () => {
  it('falls back to WASM when the GPU device is lost mid-session, with the same results', async () => {
    const enc = encoders('webgpu');
    const before = await enc.clip.embedTexts(colourWords);
    expect(enc.clip.runtimeInfo?.device).toBe('webgpu');
    expect(await enc.clip.loseWebGPUDevice()).toBe(true);
    const after = await enc.clip.embedTexts(colourWords);
    expect(enc.clip.runtimeInfo).toMatchObject({ device: 'wasm' });
    expect(enc.clip.runtimeInfo?.note).toMatch(/WebGPU failed/);
    after.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(before[i]![j]!, 4)));
  });
});

describe('failures get clear errors', () => {
  const broken = (patch: (c: typeof config) => void) => {
    const c = structuredClone(config);
    patch(c);
    return encoders('wasm', c);
  };

  it('a missing model names the model and the URL', async () => {
    const enc = broken((c) => (c.roles.clip.model = 'trove-fixtures/no-such-model'));
    await expect(enc.clip.embedTexts(['red'])).rejects.toThrow(
      /clip model "trove-fixtures\/no-such-model".*\/test\/fixtures\/models\/trove-fixtures\/no-such-model\/\S+/,
    );
  });

  it('a missing ONNX file (404) names the file URL', async () => {
    const enc = broken((c) => (c.roles.text.dtype.wasm = 'q4'));
    await expect(enc.text.embedTexts(['valve'])).rejects.toThrow(
      /text model "trove-fixtures\/text-embedder".*text-embedder\/onnx\/model_q4\.onnx/,
    );
  });

  it('HTML served in place of JSON is named as such', async () => {
    const enc = broken((c) => (c.roles.clip.model = 'broken/html-config'));
    await expect(enc.clip.embedTexts(['red'])).rejects.toThrow(
      /broken\/html-config.*broken\/html-config\/\S+\.json answered with an HTML page instead of the model file/,
    );
  });

  it('a wrong-dimension output names the model and both sizes', async () => {
    const enc = broken((c) => (c.roles.clip.dim = 64));
    await expect(enc.clip.embedTexts(['red'])).rejects.toThrow(
      /clip model "trove-fixtures\/clip".*returned 32-dimensional vectors; the configuration says 64/,
    );
  });

  it('a crashed worker restarts, and only the job in flight fails', async () => {
    const enc = encoders('wasm');
    await enc.text.embedTexts(['warm up']);
    const restarts: string[] = [];
    enc.text.addEventListener('restart', (e) => restarts.push((e as CustomEvent).detail.reason));
    const inFlight = enc.text.crash();
    const queuedBehind = enc.text.embedTexts(['valve']);
    await expect(inFlight).rejects.toThrow(
      /text encoder worker crashed .*simulated encoder worker crash.*restarted/,
    );
    const [v] = await queuedBehind;
    expect(v).toHaveLength(16);
    expect(restarts).toHaveLength(1);
  });

  it("no request left the origin, and ORT's wasm was served by the app", async () => {
    const enc = encoders('wasm');
    await enc.clip.embedTexts(['red']);
    const urls = [
      ...(performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => e.name),
      ...(await enc.clip.fetchedUrls()),
    ];
    expect(urls.filter((u) => new URL(u).origin !== location.origin)).toEqual([]);
    expect(urls.some((u) => /ort-wasm-simd-threaded/.test(u))).toBe(true);
  });

  it("a worker on WASM loads ORT's WASM-only build; one on WebGPU the build that carries WebGPU", async () => {
    const ortBuilds = async (enc: ReturnType<typeof encoders>) => {
      await enc.clip.embedTexts(['red']);
      const build = enc.clip.runtimeInfo?.build;
      const urls = await enc.clip.fetchedUrls();
      // transformers.js keeps the .wasm in its cache after a first load; the loader script is imported anew.
      const loaded = urls.filter((u) => /ort-wasm-simd-threaded[^/]*\.(wasm|mjs)$/.test(u));
      return { build, loaded: [...new Set(loaded.map((u) => (/\.asyncify/.test(u) ? 'webgpu' : 'wasm')))] };
    };
    const onWasm = await ortBuilds(encoders('wasm'));
    expect(onWasm.build).toBe('wasm');
    expect(onWasm.loaded.filter((b) => b !== 'wasm')).toEqual([]);
    const onWebgpu = await ortBuilds(encoders('webgpu'));
    expect(onWebgpu.build).toBe('webgpu');
    expect(onWebgpu.loaded.filter((b) => b !== 'webgpu')).toEqual([]);
  });
});
