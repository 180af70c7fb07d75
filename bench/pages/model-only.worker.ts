// Runs one model alone, as the app's encoder worker would (configureRuntime, the role's dtype for WASM, the
// same host), and times it on inputs made before the clock starts. Each task is a fresh worker, so models
// never share a worker's threads with another.
import {
  AutoConfig,
  AutoProcessor,
  AutoTokenizer,
  Florence2ForConditionalGeneration,
  RawImage,
  ClapAudioModelWithProjection,
  ClapTextModelWithProjection,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  SiglipTextModel,
  SiglipVisionModel,
  AutoModel,
  Tensor,
  pipeline,
} from '@huggingface/transformers';
import { configureRuntime, useModelHost } from '../../src/encoders/runtime.ts';
import { compactUnigramTries } from '../../src/encoders/unigram-trie.ts';
import { resolveHost, type Dtype, type ModelsConfig, type Role } from '../../src/models/config.ts';

export type ModelOnlyTask = (
  | { kind: 'clip-vision'; batch: number; images: number; /** 224 unless set */ imageSize?: number }
  | { kind: 'clap-audio'; batch: number; windows: number }
  | { kind: 'text-query'; role: 'clip' | 'clap' | 'text'; queries: string[] }
  /**
   * `tones` (Hz): transcribe those steady tones (as the app's benchmark recordings are, media-files.ts), one
   * call each; else low noise. A random-weight Whisper generates up to its token limit or stops early
   * depending on the sound, so the app and the model alone must hear the same sound to be compared.
   */
  | {
      kind: 'speech';
      seconds: number;
      tones?: number[];
      amplitude?: number;
      /** Mono 16 kHz sounds to transcribe instead (a video's soundtrack); `seconds` is their total length. */
      pcm?: Float32Array[];
    }
  /** Florence-2's <OCR> on one 640×480 picture, generating exactly `newTokens` (random weights never end). */
  | { kind: 'florence-ocr'; newTokens: number; runs: number }
) & {
  /** WASM unless set; WebGPU takes whatever adapter the browser offers (here a software one). */
  device?: 'wasm' | 'webgpu';
  /** The role's dtype for the device unless set: to compare dtypes by measurement. */
  dtype?: Dtype;
  /** ORT's intra-op threads block instead of spinning when they wait (session.intra_op.allow_spinning 0). */
  noSpin?: boolean;
};

export interface ModelOnlyResult {
  kind: ModelOnlyTask['kind'];
  role: Role | 'caption';
  dtype: string;
  threads: number;
  loadMs: number;
  /** Per unit (image, 10 s window, query, audio second) after one warm-up call. */
  msPerUnit: number;
  unitsPerSecond: number;
  /** Every timed call, ms. */
  calls: number[];
}

function tone(hz: number, amplitude: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, t) => amplitude * Math.sin((2 * Math.PI * hz * t) / 16_000));
}

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/**
 * Times `n` calls after a warm-up. V8 first runs onnxruntime-web's WASM from its baseline compiler and swaps in
 * optimized code compiled in the background over the next seconds; the warm-up goes on until two calls in a
 * row take about the same time (or `warmMs` has passed), so the timed calls measure the model, not the tier-up.
 */
async function timeCalls(
  n: number,
  call: (i: number) => Promise<unknown>,
  warmMs = 20_000,
): Promise<number[]> {
  const warmUntil = performance.now() + warmMs;
  let previous = Infinity;
  for (let k = 0; ; k++) {
    const t = performance.now();
    await call(-1);
    const took = performance.now() - t;
    if ((k >= 1 && took > 0.9 * previous && took < 1.1 * previous) || performance.now() > warmUntil) break;
    previous = took;
  }
  const calls: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    calls.push(performance.now() - t);
  }
  return calls;
}

/** A loaded model with its inputs, ready to be timed (again and again, in the same worker). */
interface Prepared {
  time(): Promise<ModelOnlyResult>;
}

async function prepareTask(config: ModelsConfig, task: ModelOnlyTask, appUrl: string): Promise<Prepared> {
  const { wasmThreads } = configureRuntime(task.device ?? 'wasm');
  // As the app's encoder worker does, so loading costs the same.
  compactUnigramTries();
  const role: Role | 'caption' =
    task.kind === 'clip-vision'
      ? 'clip'
      : task.kind === 'clap-audio'
        ? 'clap'
        : task.kind === 'speech'
          ? 'speech'
          : task.kind === 'florence-ocr'
            ? 'caption'
            : task.role;
  const rc = config.roles[role];
  if (!rc) throw new Error(`models.json has no "${role}" role`);
  useModelHost(resolveHost(config, role, appUrl));
  const device = task.device ?? 'wasm';
  const dtype = task.dtype ?? rc.dtype?.[device] ?? 'q8';
  const opts = {
    revision: rc.revision ?? 'main',
    device,
    dtype,
    ...(task.noSpin
      ? { session_options: { extra: { session: { intra_op: { allow_spinning: '0' } } } } }
      : {}),
  };
  const label = device === 'webgpu' ? `${dtype}, WebGPU` : dtype;
  // SigLIP (a preset's candidate) loads through its own classes; its text tower takes 64 tokens, padded.
  // Read before the clock starts, so a CLIP load times as it did before.
  const siglip =
    role === 'clip' &&
    ((await AutoConfig.from_pretrained(rc.model, opts)) as { model_type?: string }).model_type === 'siglip';
  const pad = siglip ? { padding: 'max_length' as const, max_length: 64 } : { padding: true };
  const loadStart = performance.now();
  const timed = (
    loadMs: number,
    n: number,
    call: (i: number) => Promise<unknown>,
    units: (calls: number[]) => number,
  ) => ({
    time: async () => {
      const calls = await timeCalls(n, call);
      return result(task, role, label, wasmThreads, loadMs, calls, units(calls));
    },
  });
  switch (task.kind) {
    case 'clip-vision': {
      const model = await (siglip ? SiglipVisionModel : CLIPVisionModelWithProjection).from_pretrained(
        rc.model,
        opts,
      );
      const loadMs = performance.now() - loadStart;
      const side = task.imageSize ?? 224;
      const pixels = new Tensor('float32', random(task.batch * 3 * side * side, 1), [
        task.batch,
        3,
        side,
        side,
      ]);
      return timed(
        loadMs,
        Math.ceil(task.images / task.batch),
        () => model({ pixel_values: pixels }),
        (calls) => calls.length * task.batch,
      );
    }
    case 'clap-audio': {
      const model = await ClapAudioModelWithProjection.from_pretrained(rc.model, opts);
      const loadMs = performance.now() - loadStart;
      // ClapFeatureExtractor's output for a 10 s window: [batch, 1, 1001, 64] log-mel frames.
      const features = new Tensor('float32', random(task.batch * 1001 * 64, 2), [task.batch, 1, 1001, 64]);
      return timed(
        loadMs,
        Math.ceil(task.windows / task.batch),
        () => model({ input_features: features }),
        (calls) => calls.length * task.batch,
      );
    }
    case 'text-query': {
      const tokenizer = await AutoTokenizer.from_pretrained(rc.model, opts);
      const model =
        role === 'clip'
          ? await (siglip ? SiglipTextModel : CLIPTextModelWithProjection).from_pretrained(rc.model, opts)
          : role === 'clap'
            ? await ClapTextModelWithProjection.from_pretrained(rc.model, opts)
            : await AutoModel.from_pretrained(rc.model, opts);
      const loadMs = performance.now() - loadStart;
      const prefix = rc.prefixes?.query ?? '';
      return timed(
        loadMs,
        task.queries.length,
        (i) => model(tokenizer([prefix + task.queries[Math.max(0, i)]!], { ...pad, truncation: true })),
        (calls) => calls.length,
      );
    }
    case 'speech': {
      const asr = await pipeline('automatic-speech-recognition', rc.model, opts);
      const loadMs = performance.now() - loadStart;
      const inputs =
        task.pcm ??
        (task.tones
          ? task.tones.map((hz) => tone(hz, task.amplitude ?? 0.1, 16_000 * task.seconds))
          : [random(16_000 * task.seconds, 3).map((x) => x * 0.1)]);
      const seconds = task.pcm ? task.seconds : task.seconds * inputs.length;
      return timed(
        loadMs,
        inputs.length,
        (i) => asr(inputs[Math.max(0, i)]!, { return_timestamps: true, chunk_length_s: 30 }),
        () => seconds,
      );
    }
    case 'florence-ocr': {
      // As src/encoders/roles/caption.ts runs it: the processor's task prompt, then generate.
      const [processor, model] = await Promise.all([
        AutoProcessor.from_pretrained(rc.model, opts),
        Florence2ForConditionalGeneration.from_pretrained(rc.model, opts),
      ]);
      const loadMs = performance.now() - loadStart;
      const pixels = Uint8ClampedArray.from(random(640 * 480 * 3, 4), (v) => (v + 0.5) * 255);
      const inputs = (await processor(new RawImage(pixels, 640, 480, 3), '<OCR>')) as Record<string, Tensor>;
      return timed(
        loadMs,
        task.runs,
        async () => {
          const ids = (await model.generate({ ...inputs, max_new_tokens: task.newTokens })) as Tensor;
          if (ids.dims.at(-1) !== task.newTokens + 1)
            throw new Error(`Florence-2 generated ${(ids.dims.at(-1) ?? 1) - 1} of ${task.newTokens} tokens`);
        },
        (calls) => calls.length,
      );
    }
  }
}

function result(
  task: ModelOnlyTask,
  role: Role | 'caption',
  dtype: string,
  threads: number,
  loadMs: number,
  calls: number[],
  units: number,
): ModelOnlyResult {
  const total = calls.reduce((a, b) => a + b, 0);
  return {
    kind: task.kind,
    role,
    dtype,
    threads,
    loadMs,
    msPerUnit: total / units,
    unitsPerSecond: (units * 1000) / total,
    calls,
  };
}

/** The model of the first message, loaded once; each message times it (again). */
let prepared: Promise<Prepared> | undefined;

self.onmessage = async (e: MessageEvent<{ config: ModelsConfig; task: ModelOnlyTask; appUrl: string }>) => {
  try {
    prepared ??= prepareTask(e.data.config, e.data.task, e.data.appUrl);
    self.postMessage(await (await prepared).time());
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
};
