// Loads each role of a real-size model world through the transformers.js classes the app uses (here on
// onnxruntime-node), checks the output shapes, and times loading and inference. The folder may be the
// generated world or real downloads in the same layout (npm run realsize:verify -- --models DIR).
//   --models DIR   the folder (default .cache/realsize-models); DIR/models.json if present, else public/models.json
//   --dtype D      the dtype to load: "wasm" (default: what models.json gives WASM users), "webgpu", or a dtype
//   --roles a,b    only these roles
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AutoProcessor,
  AutoTokenizer,
  ClapAudioModelWithProjection,
  ClapTextModelWithProjection,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  Florence2ForConditionalGeneration,
  RawImage,
  cat,
  env,
  pipeline,
  type Florence2Processor,
  type Tensor,
} from '@huggingface/transformers';
import { maxNewTokens } from '../../src/models/caption-config.ts';
import { taskPostProcessing, taskPrompts, taskPromptsWithInput } from '../fixtures/models/florence-script.ts';
import { configuredRoles, validateModelsConfig, type AnyRole, type Dtype } from '../../src/models/config.ts';
import type { HubManifestLike } from '../../src/models/required-files.ts';
import hub from '../../src/models/hub-manifest.json' with { type: 'json' };
import { realsizePlan, sizeReport } from './plan.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: path.join(repo, '.cache/realsize-models') },
    dtype: { type: 'string', default: 'wasm' },
    roles: { type: 'string' },
  },
});
const root = path.resolve(values.models);
const configPath = existsSync(path.join(root, 'models.json'))
  ? path.join(root, 'models.json')
  : path.join(repo, 'public/models.json');
const config = validateModelsConfig(JSON.parse(readFileSync(configPath, 'utf8')), configPath);
const wanted = (values.roles?.split(',') as AnyRole[] | undefined) ?? configuredRoles(config);
const roles = wanted.filter((r) => existsSync(path.join(root, config.roles[r]?.model ?? '', 'config.json')));
for (const r of wanted.filter((x) => !roles.includes(x))) console.log(`${r}: not in ${root}; skipped`);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root + path.sep;

class VerifyError extends Error {
  override name = 'VerifyError';
}

function expectDims(what: string, t: Tensor, dims: number[]): void {
  if (t.dims.join('x') !== dims.join('x'))
    throw new VerifyError(`${what}: got dims ${t.dims.join('x')}, expected ${dims.join('x')}`);
  const data = t.data as Float32Array;
  if (!data.every(Number.isFinite)) throw new VerifyError(`${what}: non-finite values`);
}

const ms = (t0: number) => Math.round(performance.now() - t0);
const noise = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from(
    { length: n },
    () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2,
  );
};

interface Timing {
  load: number;
  first: number;
  warm: number;
  note?: string;
}
type Check = (model: string, dtype: Dtype, dim: number | undefined) => Promise<Record<string, Timing>>;

/** Texts of different lengths, so a trace that baked one sequence length fails here. */
const TEXTS = ['a dog', 'a photo of a dog running on a sunny beach next to the sea'];

async function timed<T>(run: () => Promise<T>): Promise<{ first: number; warm: number; out: T }> {
  let t0 = performance.now();
  const out = await run();
  const first = ms(t0);
  t0 = performance.now();
  await run();
  return { first, warm: ms(t0), out };
}

async function textTower(
  cls: typeof CLIPTextModelWithProjection | typeof ClapTextModelWithProjection,
  model: string,
  dtype: Dtype,
  dim: number,
): Promise<Timing> {
  const t0 = performance.now();
  const [tok, m] = await Promise.all([
    AutoTokenizer.from_pretrained(model),
    cls.from_pretrained(model, { dtype, device: 'cpu' }),
  ]);
  const load = ms(t0);
  const { first, warm } = await timed(async () => {
    const { text_embeds } = (await m(tok(TEXTS, { padding: true, truncation: true }))) as {
      text_embeds: Tensor;
    };
    expectDims(`${model} text_embeds`, text_embeds, [TEXTS.length, dim]);
    const one = (await m(tok([TEXTS[0]!], { padding: true, truncation: true }))) as { text_embeds: Tensor };
    expectDims(`${model} text_embeds (one short text)`, one.text_embeds, [1, dim]);
  });
  await m.dispose();
  return { load, first, warm, note: `${TEXTS.length} texts + 1 text` };
}

const checks: Record<string, Check> = {
  async clip(model, dtype, dim) {
    const text = await textTower(CLIPTextModelWithProjection, model, dtype, dim!);
    const t0 = performance.now();
    const [proc, m] = await Promise.all([
      AutoProcessor.from_pretrained(model),
      CLIPVisionModelWithProjection.from_pretrained(model, { dtype, device: 'cpu' }),
    ]);
    const load = ms(t0);
    const image = (seed: number) =>
      new RawImage(
        Uint8ClampedArray.from(noise(640 * 480 * 3, seed), (v) => (v + 0.5) * 255),
        640,
        480,
        3,
      );
    const { first, warm } = await timed(async () => {
      const { image_embeds } = (await m(await proc([image(1), image(2)]))) as { image_embeds: Tensor };
      expectDims(`${model} image_embeds`, image_embeds, [2, dim!]);
    });
    await m.dispose();
    return { text, vision: { load, first, warm, note: '2 images 640×480' } };
  },

  async clap(model, dtype, dim) {
    const text = await textTower(ClapTextModelWithProjection, model, dtype, dim!);
    const t0 = performance.now();
    const [proc, m] = await Promise.all([
      AutoProcessor.from_pretrained(model),
      ClapAudioModelWithProjection.from_pretrained(model, { dtype, device: 'cpu' }),
    ]);
    const load = ms(t0);
    const windows = [noise(480_000, 3), noise(480_000, 4)];
    const { first, warm } = await timed(async () => {
      const feats = await Promise.all(windows.map((w) => proc(w) as Promise<{ input_features: Tensor }>));
      const { audio_embeds } = (await m({
        input_features: cat(
          feats.map((f) => f.input_features),
          0,
        ),
      })) as {
        audio_embeds: Tensor;
      };
      expectDims(`${model} audio_embeds`, audio_embeds, [2, dim!]);
    });
    await m.dispose();
    return { text, audio: { load, first, warm, note: '2 windows of 10 s at 48 kHz' } };
  },

  async text(model, dtype, dim) {
    const t0 = performance.now();
    const extractor = await pipeline('feature-extraction', model, { dtype, device: 'cpu' });
    const load = ms(t0);
    const { first, warm } = await timed(async () => {
      const out = await extractor(
        TEXTS.map((t) => `query: ${t}`),
        { pooling: 'mean', normalize: true },
      );
      expectDims(`${model} embeddings`, out, [TEXTS.length, dim!]);
      const one = await extractor([`query: ${TEXTS[0]}`], { pooling: 'mean', normalize: true });
      expectDims(`${model} embeddings (one short text)`, one, [1, dim!]);
    });
    await extractor.dispose();
    return { model: { load, first, warm, note: `${TEXTS.length} queries + 1 query` } };
  },

  async speech(model, dtype) {
    const t0 = performance.now();
    const asr = await pipeline('automatic-speech-recognition', model, { dtype, device: 'cpu' });
    const load = ms(t0);
    const audio = noise(16_000 * 5, 5);
    // The app's call (src/encoders/roles/speech.ts), once; then the decoder's own token count.
    let t1 = performance.now();
    const out = (await asr(audio, { return_timestamps: true, chunk_length_s: 30, stride_length_s: 5 })) as {
      text: string;
    };
    const first = ms(t1);
    const { input_features } = (await asr.processor(audio)) as { input_features: Tensor };
    t1 = performance.now();
    // What the pipeline runs per 30 s window: greedy decoding with timestamps until end-of-text.
    const ids = (await asr.model.generate({
      inputs: input_features,
      return_timestamps: true,
      language: 'en',
      task: 'transcribe',
    } as Parameters<typeof asr.model.generate>[0])) as Tensor;
    const warm = ms(t1);
    const produced = (ids.dims.at(-1) ?? 0) - 3;
    if (produced < 2) throw new VerifyError(`${model}: generate produced ${produced} tokens`);
    await asr.dispose();
    return {
      pipeline: { load, first, warm: NaN, note: `5 s of noise: ${JSON.stringify(out.text.slice(0, 40))}…` },
      generate: {
        load: NaN,
        first: warm,
        warm: NaN,
        note: `one 30 s window: ${produced} tokens, ${(warm / produced).toFixed(1)} ms each`,
      },
    };
  },
};

/** Florence-2's <OCR> as the app runs it (src/encoders/roles/caption.ts), on one 640×480 picture. */
async function caption(model: string, dtype: Dtype): Promise<Record<string, Timing>> {
  const t0 = performance.now();
  const [proc, m] = await Promise.all([
    AutoProcessor.from_pretrained(model) as Promise<Florence2Processor>,
    Florence2ForConditionalGeneration.from_pretrained(model, { dtype, device: 'cpu' }),
  ]);
  const load = ms(t0);
  // The processor's task tables are what the fixture's are (both copied from Florence-2's processor).
  const pc = (proc.image_processor?.config ?? {}) as unknown as Record<string, unknown>;
  for (const [key, want] of [
    ['task_prompts_without_inputs', taskPrompts],
    ['task_prompts_with_input', taskPromptsWithInput],
    ['tasks_answer_post_processing_type', taskPostProcessing],
  ] as const)
    if (JSON.stringify(pc[key]) !== JSON.stringify(want))
      throw new VerifyError(`${model}: preprocessor_config.json's ${key} differ from Florence-2's`);
  const image = new RawImage(
    Uint8ClampedArray.from(noise(640 * 480 * 3, 7), (v) => (v + 0.5) * 255),
    640,
    480,
    3,
  );
  const task = '<OCR>';
  const inputs = (await proc(image, task)) as { pixel_values: Tensor; input_ids: Tensor };
  // The image tokens: Florence-2-base's vision encoder gives 577 of 768 values for a 768 × 768 picture.
  const features = (await (
    m as unknown as { encode_image(x: { pixel_values: Tensor }): Promise<Tensor> }
  ).encode_image({ pixel_values: inputs.pixel_values })) as Tensor;
  expectDims(`${model} image_features`, features, [1, 577, 768]);
  const run = async (maxNew: number) => {
    const t = performance.now();
    const ids = (await m.generate({ ...inputs, max_new_tokens: maxNew } as Parameters<
      typeof m.generate
    >[0])) as Tensor;
    return { ms: performance.now() - t, ids };
  };
  // One new token: the vision encoder, the encoder and one decoder step; then the app's cap for <OCR>.
  await run(1);
  const fixed = await run(1);
  const cap = maxNewTokens[task];
  const full = await run(cap);
  const produced = (full.ids.dims.at(-1) ?? 0) - 1;
  if (produced < 2) throw new VerifyError(`${model}: generate produced ${produced} tokens`);
  const text = proc.batch_decode(full.ids.tolist() as bigint[][] as unknown as number[][], {
    skip_special_tokens: false,
  })[0]!;
  const answer = proc.post_process_generation(text, task, [image.height, image.width])[task];
  if (typeof answer !== 'string') throw new VerifyError(`${model}: <OCR> answered ${JSON.stringify(answer)}`);
  const perToken = (full.ms - fixed.ms) / Math.max(1, produced - 1);
  await m.dispose();
  return {
    ocr: {
      load,
      first: Math.round(full.ms),
      warm: NaN,
      note:
        `<OCR> on 640×480 noise: ${produced} tokens (cap ${cap}); picture + encoder + 1 token ` +
        `${fixed.ms.toFixed(0)} ms, then ${perToken.toFixed(1)} ms a token; ${JSON.stringify(answer.slice(0, 40))}…`,
    },
  };
}
checks.caption = (model, dtype) => caption(model, dtype);

const plan = realsizePlan(config, hub as unknown as HubManifestLike, roles);
const results: Record<string, unknown> = {};
let failed = false;
for (const entry of plan.models) {
  const rc = config.roles[entry.role]!;
  const dtype = (
    values.dtype === 'wasm' || values.dtype === 'webgpu' ? rc.dtype[values.dtype] : values.dtype
  ) as Dtype;
  const dir = path.join(root, entry.model);
  const missing = entry.files.filter((f) => !existsSync(path.join(dir, f)));
  const sizes = sizeReport(entry, hub as unknown as HubManifestLike, (f) =>
    existsSync(path.join(dir, f)) ? statSync(path.join(dir, f)).size : NaN,
  );
  const check = checks[entry.role];
  if (missing.length > 0) {
    console.log(`${entry.role}: MISSING ${missing.join(', ')}`);
    failed = true;
  }
  if (!check) {
    console.log(`${entry.role}: no check for this role`);
    continue;
  }
  try {
    const timings = await check(entry.model, dtype, rc.dim);
    results[entry.role] = { model: entry.model, dtype, timings, sizes };
    for (const [part, t] of Object.entries(timings))
      console.log(
        `${entry.role}/${part} ${dtype}: load ${t.load} ms, first ${t.first} ms, warm ${t.warm} ms` +
          (t.note ? ` (${t.note})` : ''),
      );
  } catch (e) {
    failed = true;
    results[entry.role] = { model: entry.model, dtype, error: String(e), sizes };
    console.log(`${entry.role} ${dtype}: FAILED ${(e as Error).stack ?? e}`);
  }
}
writeFileSync(path.join(root, `verified-${values.dtype}.json`), JSON.stringify(results, null, 2) + '\n');
process.exit(failed ? 1 : 0);
