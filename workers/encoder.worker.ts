// One encoder role (clip, clap, text, speech or caption) in its own worker: loads the model on the best device,
// falls back to WASM when WebGPU is missing or fails mid-run, batches inputs, and checks every output.
import * as Comlink from 'comlink';
import { env } from '@huggingface/transformers';
import { configureRuntime, useModelHost } from '../src/encoders/runtime';
import { createFetchGuard, type FetchGuard } from '../src/encoders/fetch-guard';
import { chooseDevice } from '../src/encoders/device';
import { compactUnigramTries } from '../src/encoders/unigram-trie';
import { batchSize, type InputKind } from '../src/encoders/batching';
import { chunked } from '../src/encoders/vectors';
import { loadClip } from '../src/encoders/roles/clip';
import { loadClap } from '../src/encoders/roles/clap';
import { loadTextEmbedder } from '../src/encoders/roles/text';
import { loadSpeech } from '../src/encoders/roles/speech';
import { loadCaptioner } from '../src/encoders/roles/caption';
import { DEFAULT_CAPTION_TASK, type PictureTask } from '../src/models/caption-config';
import type { RoleEncoder, RoleLoadOptions } from '../src/encoders/roles/types';
import {
  EncoderError,
  ModelIntegrityFailure,
  type EncoderInit,
  type EncoderWorkerApi,
  type ProgressInfo,
  type RuntimeInfo,
} from '../src/encoders/protocol';
import type { AnyRole, Device } from '../src/models/config';

const loaders: Record<AnyRole, (o: RoleLoadOptions) => RoleEncoder> = {
  clip: loadClip,
  clap: loadClap,
  text: loadTextEmbedder,
  speech: loadSpeech,
  caption: loadCaptioner,
};

let init: EncoderInit | undefined;
let guard: FetchGuard | undefined;
let encoder: RoleEncoder | undefined;
let info: RuntimeInfo | undefined;
let runtimeBuild: Device | undefined;
let wasmThreads: number | undefined;
let progress: (p: ProgressInfo) => void = () => {};

function load(device: Device): RoleEncoder {
  const i = init!;
  info = {
    role: i.role,
    model: i.model,
    device,
    dtype: i.dtype[device],
    note: info?.note,
    build: runtimeBuild,
    wasmThreads,
  };
  return loaders[i.role]({
    model: i.model,
    revision: i.revision,
    device,
    dtype: i.dtype[device],
    progress,
    ...(i.speechLanguage ? { language: i.speechLanguage } : {}),
  });
}

/** The clearest reason for a failure: what the fetch guard saw (the URL and its answer), else the error. */
function describe(err: unknown, mark: number): string {
  const message = err instanceof Error ? err.message : String(err);
  const url = /"(https?:\/\/[^"]+)"/.exec(message)?.[1];
  const problem = (url && guard?.problemWith(url)) || guard?.problemsSince(mark)[0];
  return problem ?? message;
}

/** Errors about the model's files (not the device), which a device fallback cannot fix. */
function isFileError(err: unknown, mark: number): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return (guard?.problemsSince(mark).length ?? 0) > 0 || /Could not locate file|JSON/.test(message);
}

async function run<T>(op: (e: RoleEncoder) => Promise<T>): Promise<T> {
  if (!init || !encoder || !info) throw new EncoderError('The encoder worker was used before init()');
  const mark = guard!.problemCount;
  try {
    return await op(encoder);
  } catch (err) {
    const integrity = guard!.integrityFailuresSince(mark)[0];
    if (integrity)
      throw new ModelIntegrityFailure(`The ${init.role} model "${init.model}" was not loaded: ${integrity}`);
    const reason = describe(err, mark);
    if (info.device === 'webgpu' && !isFileError(err, mark)) {
      // A lost device, an out-of-memory error or a kernel WebGPU cannot run. ORT's WebGPU state in this
      // worker cannot be trusted after that, so the page replaces the worker with a WASM one.
      const failure = new EncoderError(`WebGPU failed (${reason})`);
      failure.name = 'WebGPUFailure';
      throw failure;
    }
    throw new EncoderError(`The ${init.role} model "${init.model}" failed on ${info.device}: ${reason}`);
  }
}

function checked(vectors: Float32Array[], expected: number): Float32Array[] {
  const dim = init!.dim;
  if (vectors.length !== expected)
    throw new EncoderError(
      `The ${init!.role} model "${init!.model}" returned ${vectors.length} vectors for ${expected} inputs`,
    );
  const bad = vectors.find((v) => v.length !== dim);
  if (dim !== undefined && bad)
    throw new EncoderError(
      `The ${init!.role} model "${init!.model}" (${init!.remoteHost}) returned ${bad.length}-dimensional vectors; ` +
        `the configuration says ${dim}`,
    );
  return vectors;
}

async function embed<I>(
  kind: InputKind,
  inputs: I[],
  call: (e: RoleEncoder, batch: I[]) => Promise<Float32Array[]>,
) {
  const out: Float32Array[] = [];
  for (const batch of chunked(inputs, batchSize(kind, info?.device ?? 'wasm'))) {
    out.push(...checked(await run((e) => call(e, batch)), batch.length));
  }
  return out;
}

/** Answers about pictures (captions, OCR), a small batch at a time, one answer per picture. */
async function pictureAnswers(images: Blob[], task: PictureTask): Promise<string[]> {
  const out: string[] = [];
  for (const batch of chunked(images, batchSize('picture-text', info?.device ?? 'wasm'))) {
    const answers = await run((e) => e.describe?.(batch, task) ?? unsupported('describe pictures'));
    if (answers.length !== batch.length)
      throw new EncoderError(
        `The ${init!.role} model "${init!.model}" returned ${answers.length} answers for ${batch.length} pictures`,
      );
    out.push(...answers);
  }
  return out;
}

function unsupported(what: string): never {
  throw new EncoderError(`The ${init?.role} role cannot ${what}`);
}

const api: EncoderWorkerApi = {
  async init(next, onProgress) {
    init = next;
    progress = (p) =>
      onProgress({ status: p.status, file: p.file, loaded: p.loaded, total: p.total, progress: p.progress });
    guard = createFetchGuard(next.allowedOrigins, fetch, { sha256: next.sha256 });
    let probe = await chooseDevice(next.dtype.webgpu, next.prefer);
    // ORT's WASM build is chosen once per worker (runtime.ts); a worker already on the WASM-only build
    // stays on WASM.
    if (!runtimeBuild)
      ({ build: runtimeBuild, wasmThreads } = configureRuntime(probe.device, next.wasmThreads));
    if (probe.device === 'webgpu' && runtimeBuild === 'wasm')
      probe = { device: 'wasm', reason: 'this worker already runs the WebAssembly-only runtime' };
    compactUnigramTries();
    useModelHost({ remoteHost: next.remoteHost, remotePathTemplate: next.remotePathTemplate });
    env.fetch = guard.fetch;
    info = undefined;
    encoder = load(probe.device);
    info!.note = next.note ?? probe.reason;
    return { ...info! };
  },
  // Comlink sends a throw back as the call's rejection, sync or not.
  runtime() {
    if (!info) throw new EncoderError('The encoder worker has not been initialised');
    return Promise.resolve({ ...info });
  },
  embedTexts: (texts, purpose = 'passage') => {
    const prefix = init?.prefixes?.[purpose] ?? '';
    const inputs = prefix ? texts.map((t) => prefix + t) : texts;
    return embed('text', inputs, (e, b) => e.embedTexts?.(b) ?? unsupported('embed text'));
  },
  embedImages: (images) =>
    embed('image', images, (e, b) => e.embedImages?.(b) ?? unsupported('embed images')),
  embedAudio: (windows) => embed('audio', windows, (e, b) => e.embedAudio?.(b) ?? unsupported('embed audio')),
  transcribe: (audio) => run((e) => e.transcribe?.(audio) ?? unsupported('transcribe speech')),
  caption: (images) => pictureAnswers(images, init?.captionTask ?? DEFAULT_CAPTION_TASK),
  readText: (images) => pictureAnswers(images, '<OCR>'),
  fetchedUrls() {
    return Promise.resolve(performance.getEntriesByType('resource').map((e) => e.name));
  },
  async loseWebGPUDevice() {
    const device = await (env.backends.onnx as { webgpu?: { device?: Promise<GPUDevice> | GPUDevice } })
      .webgpu?.device;
    if (!device) return false;
    device.destroy();
    return true;
  },
  crash() {
    setTimeout(() => {
      throw new Error('simulated encoder worker crash');
    });
    return new Promise<never>(() => {});
  },
};

Comlink.expose(api);
