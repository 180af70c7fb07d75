// The fixture models through the real transformers.js + onnxruntime-web in Chromium, on WASM and on WebGPU
// (SwiftShader): the fixture world gives their vectors meaning, so the tests assert rankings, that both
// devices agree, and that nothing was fetched from anywhere but the page's own origin.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  ClapAudioModelWithProjection,
  ClapTextModelWithProjection,
  RawImage,
  env,
  pipeline,
  read_audio,
  type Tensor,
} from '@huggingface/transformers';
import { configureRuntime, useModelHost } from '../../src/encoders/runtime';
import {
  colours,
  documents,
  fixtureModels,
  formatImages,
  images,
  tones,
  type Colour,
  type Sound,
} from '../../scripts/fixtures/world';

// Vite's own module requests fill the default 250-entry buffer; the model and WASM fetches must not be dropped.
performance.setResourceTimingBufferSize(100_000);

type Device = 'wasm' | 'webgpu';
const devices: Device[] = ['wasm', 'webgpu'];
const load = (device: Device) => ({ device, dtype: 'fp32' as const });

const mediaUrl = (path: string) => `/test/fixtures/media/${path}`;
const allImages = [...images, ...formatImages];
const colourQueries = Object.keys(colours) as Colour[];
const soundQueries: Record<Sound, string> = { low: 'low hum', high: 'high beep', noise: 'noise' };
const topicQueries = {
  valve: 'plumbing-notes.md',
  kite: 'kite-diary.txt',
  flour: 'bread-recipe.pdf',
} as const;

/** Named vectors (unit length) for the queries and the items of one embedding space. */
interface Space {
  queries: Map<string, Float32Array>;
  items: Map<string, Float32Array>;
  /** What transformers.js created each ONNX session with. */
  sessions: Array<{ device: string; dtype: string }>;
}
type World = Record<'clip' | 'clap' | 'text', Space>;
const worlds = new Map<Device, World>();

/** Rows of a [n, d] tensor, L2-normalised (transformers.js returns CLIP/CLAP embeddings unnormalised). */
function unitRows(t: Tensor): Float32Array[] {
  const [n, d] = [t.dims[0] ?? 0, t.dims.at(-1) ?? 0];
  const data = t.data as Float32Array;
  return Array.from({ length: n }, (_, i) => {
    const row = data.slice(i * d, (i + 1) * d);
    const len = Math.hypot(...row);
    return row.map((v) => v / len);
  });
}

function named(names: readonly string[], rows: Float32Array[]): Map<string, Float32Array> {
  expect(rows).toHaveLength(names.length);
  return new Map(names.map((n, i) => [n, rows[i] as Float32Array]));
}

type Model = { sessions: Record<string, { config: { device: string; dtype: string } }> };
const sessionConfigs = (...models: Model[]) =>
  models.flatMap((m) => Object.values(m.sessions).map((s) => s.config));

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] ?? NaN), 0);

/** Item names from most to least similar to the query. */
function ranking(space: Space, query: string): string[] {
  const q = space.queries.get(query);
  if (!q) throw new Error(`no query "${query}"`);
  return [...space.items].sort(([, a], [, b]) => dot(q, b) - dot(q, a)).map(([name]) => name);
}

function cosines(space: Space, query: string): Record<string, number> {
  const q = space.queries.get(query) as Float32Array;
  return Object.fromEntries([...space.items].map(([name, v]) => [name, dot(q, v)]));
}

async function embedClip(device: Device): Promise<Space> {
  const id = fixtureModels.clip.id;
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  const processor = await AutoProcessor.from_pretrained(id);
  const textModel = await CLIPTextModelWithProjection.from_pretrained(id, load(device));
  const visionModel = await CLIPVisionModelWithProjection.from_pretrained(id, load(device));
  try {
    const { text_embeds } = await textModel(tokenizer(colourQueries, { padding: true, truncation: true }));
    const raws = await Promise.all(allImages.map((i) => RawImage.fromURL(mediaUrl(`image/${i.file}`))));
    const { image_embeds } = await visionModel(await processor(raws));
    return {
      sessions: sessionConfigs(textModel, visionModel),
      queries: named(colourQueries, unitRows(text_embeds)),
      items: named(
        allImages.map((i) => i.file),
        unitRows(image_embeds),
      ),
    };
  } finally {
    await Promise.all([textModel.dispose(), visionModel.dispose()]);
  }
}

async function embedClap(device: Device): Promise<Space> {
  const id = fixtureModels.clap.id;
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  const processor = await AutoProcessor.from_pretrained(id);
  const textModel = await ClapTextModelWithProjection.from_pretrained(id, load(device));
  const audioModel = await ClapAudioModelWithProjection.from_pretrained(id, load(device));
  try {
    const queries = Object.values(soundQueries);
    const { text_embeds } = await textModel(tokenizer(queries, { padding: true, truncation: true }));
    const rate = processor.feature_extractor?.config.sampling_rate;
    if (!rate) throw new Error('the CLAP processor has no feature extractor');
    const audioRows: Float32Array[] = [];
    for (const tone of tones) {
      // The tones are 3 s, under CLAP's 10 s window, so `rand_trunc` never crops at random here.
      const pcm = await read_audio(mediaUrl(`audio/${tone.file}`), rate);
      const { audio_embeds } = await audioModel(await processor(pcm));
      audioRows.push(...unitRows(audio_embeds));
    }
    return {
      sessions: sessionConfigs(textModel, audioModel),
      queries: named(queries, unitRows(text_embeds)),
      items: named(
        tones.map((t) => t.file),
        audioRows,
      ),
    };
  } finally {
    await Promise.all([textModel.dispose(), audioModel.dispose()]);
  }
}

async function embedText(device: Device): Promise<Space> {
  const extractor = await pipeline('feature-extraction', fixtureModels.textEmbedder.id, load(device));
  try {
    const options = { pooling: 'mean', normalize: true } as const;
    const queries = Object.keys(topicQueries);
    const q = await extractor(queries, options);
    // The documents' text as world.ts states it (the PDF's text layer is the ingest tier's business).
    const d = await extractor(
      documents.map((doc) => doc.text),
      options,
    );
    return {
      sessions: sessionConfigs(extractor.model),
      queries: named(queries, unitRows(q)),
      items: named(
        documents.map((doc) => doc.file),
        unitRows(d),
      ),
    };
  } finally {
    await extractor.dispose();
  }
}

/**
 * Pairs that `decided` orders clearly (cosines more than float noise apart) but `other` orders the other
 * way. Items a model scores as equal (two images with no trace of the colour) may swap between devices.
 */
function disagreements(decided: Space, other: Space, query: string, margin = 1e-3): string[] {
  const c = Object.entries(cosines(decided, query));
  const o = cosines(other, query);
  return c.flatMap(([x, cx]) =>
    c.filter(([y, cy]) => cx - cy > margin && !((o[x] ?? NaN) > (o[y] ?? NaN))).map(([y]) => `${x} > ${y}`),
  );
}

/** Every URL transformers.js fetched (model files, and the ORT .wasm/.mjs it pre-loads for ORT). */
const fetched: string[] = [];

beforeAll(async () => {
  // Files cached by an earlier test file would hide this file's fetches from the origin checks below.
  await caches.delete(env.cacheKey);
  const realFetch = env.fetch;
  env.fetch = (input, init) => {
    fetched.push(new URL(String(input), location.href).href);
    return realFetch(input, init);
  };
  // Both devices run in this one context: the build that carries WebGPU runs WASM too.
  configureRuntime('webgpu');
  useModelHost({ remoteHost: '/test/fixtures/models/', remotePathTemplate: '{model}/' });
});

describe.each(devices)('fixture models on %s', (device) => {
  beforeAll(async () => {
    worlds.set(device, {
      clip: await embedClip(device),
      clap: await embedClap(device),
      text: await embedText(device),
    });
  });
  const world = () => worlds.get(device) as World;

  it(`creates every session on ${device}, in fp32`, async () => {
    for (const space of Object.values(world())) {
      expect(space.sessions.length).toBeGreaterThan(0);
      for (const config of space.sessions) expect(config).toEqual({ device, dtype: 'fp32' });
    }
    if (device === 'webgpu') {
      // ORT hands out the GPUDevice it created; it only exists if the WebGPU EP really started.
      const gpu = await Promise.race([
        env.backends.onnx.webgpu?.device,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no WebGPU device')), 5000)),
      ]);
      expect(gpu).toBeInstanceOf(GPUDevice);
    }
  });

  it('clip: "red" ranks the red image first, and every colour word its own image', () => {
    expect(ranking(world().clip, 'red')[0]).toBe('red-square.png');
    for (const image of images) {
      const primary = ranking(world().clip, image.colour).filter((f) => images.some((i) => i.file === f));
      expect(primary[0], `"${image.colour}": ${JSON.stringify(cosines(world().clip, image.colour))}`).toBe(
        image.file,
      );
    }
  });

  it('clip: over every fixture image, a colour word ranks an image of that colour first', () => {
    for (const colour of new Set(allImages.map((i) => i.colour))) {
      const top = ranking(world().clip, colour)[0];
      expect(allImages.find((i) => i.file === top)?.colour, `"${colour}" → ${top}`).toBe(colour);
    }
  });

  it('clap: "low hum", "high beep" and "noise" rank their own sound first', () => {
    for (const tone of tones) {
      const query = soundQueries[tone.sound];
      const order = ranking(world().clap, query);
      expect(order[0], `"${query}": ${JSON.stringify(cosines(world().clap, query))}`).toBe(tone.file);
    }
    // A tone beats noise for its words, and noise beats both tones for "noise": the spaces are not just "loud".
    const low = cosines(world().clap, soundQueries.low);
    expect(low['low-hum.wav']).toBeGreaterThan((low['white-noise.wav'] ?? 0) + 0.3);
    const noise = cosines(world().clap, soundQueries.noise);
    expect(noise['white-noise.wav']).toBeGreaterThan(
      Math.max(noise['low-hum.wav'] ?? 0, noise['high-beep.wav'] ?? 0) + 0.3,
    );
  });

  it('text embedder: "valve", "kite" and "flour" rank the right document first', () => {
    for (const [query, file] of Object.entries(topicQueries)) {
      expect(
        ranking(world().text, query)[0],
        `"${query}": ${JSON.stringify(cosines(world().text, query))}`,
      ).toBe(file);
    }
  });
});

describe('wasm and webgpu', () => {
  it('give the same rankings and nearly the same vectors', () => {
    const [a, b] = devices.map((d) => worlds.get(d) as World);
    if (!a || !b) throw new Error('a device run is missing');
    for (const key of ['clip', 'clap', 'text'] as const) {
      for (const query of a[key].queries.keys()) {
        expect(ranking(b[key], query)[0], `${key} "${query}"`).toBe(ranking(a[key], query)[0]);
        expect(disagreements(a[key], b[key], query), `${key} "${query}"`).toEqual([]);
        expect(disagreements(b[key], a[key], query), `${key} "${query}"`).toEqual([]);
      }
      for (const kind of ['queries', 'items'] as const) {
        for (const [name, v] of a[key][kind]) {
          const w = b[key][kind].get(name) as Float32Array;
          expect(dot(v, w), `${key} ${name}`).toBeGreaterThan(0.9999);
        }
      }
    }
  });
});

describe('network', () => {
  it('fetched nothing from outside the page origin, and the ORT .wasm from the app itself', () => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const foreign = entries.map((e) => e.name).filter((url) => new URL(url).origin !== location.origin);
    expect(foreign).toEqual([]);
    expect(fetched.filter((url) => new URL(url).origin !== location.origin)).toEqual([]);

    const ortWasm = entries.filter((e) =>
      /\/ort-wasm-simd-threaded[^/]*\.wasm$/.test(new URL(e.name).pathname),
    );
    expect(ortWasm.length, 'an ORT .wasm request on the page origin').toBeGreaterThan(0);
    expect(fetched.some((url) => /\/ort-wasm-simd-threaded\.asyncify\.wasm$/.test(url))).toBe(true);
    const onnxFiles = entries.filter((e) =>
      /\/test\/fixtures\/models\/trove-fixtures\/.+\.onnx$/.test(e.name),
    );
    expect(onnxFiles.length, 'model files from the fixture host').toBeGreaterThan(0);
  });

  it('lets ORT WASM use every core (up to 4), as the page is crossOriginIsolated', () => {
    expect(crossOriginIsolated).toBe(true);
    expect(env.backends.onnx.wasm?.numThreads).toBe(Math.min(4, navigator.hardwareConcurrency));
  });
});
