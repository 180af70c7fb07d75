// The one place that configures transformers.js for the browser (page or worker): where onnxruntime-web's
// WASM comes from, how many WASM threads it may use, and which host model files are fetched from.
// Call configureRuntime() before the first model is created; ORT reads these settings once, at its init.
import { env } from '@huggingface/transformers';
// Two builds of onnxruntime-web's WASM, from the exact version transformers.js depends on. `?url` makes
// Vite serve/emit the files from the app's own origin; without this, transformers.js points ORT at
// cdn.jsdelivr.net.
// - asyncify (28.7 MB): what transformers.js picks, because it carries the WebGPU execution provider.
// - plain (14.8 MB): WASM only. Asyncify's instrumentation made V8's optimising compiler spend 20–35 s of
//   CPU after every start of the app (three query workers, each compiling its own copy), against 2–5 s
//   with this build (docs/design-notes.md, "ORT's WASM build"). A worker that runs on WASM takes it.
import ortWebgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortWebgpuFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import type { Device } from '../models/config';
import { createSessionsWithExternalWeights } from './lean-sessions';

/** Where model files are fetched from, in transformers.js terms (models/config.ts `resolveHost` gives one). */
export interface ModelHost {
  /** Absolute URL, or a path on the app's origin, ending in '/'. */
  remoteHost: string;
  /** Appended to remoteHost: '{model}/resolve/{revision}/' for the Hub and its mirrors, '{model}/' for a plain folder. */
  remotePathTemplate: string;
}

export const HUB_HOST: ModelHost = {
  remoteHost: 'https://huggingface.co/',
  remotePathTemplate: '{model}/resolve/{revision}/',
};

export interface RuntimeSettings {
  wasmPaths: { wasm: string; mjs: string };
  /** The device the WASM build was chosen for: 'webgpu' is the build that can also run on WASM. */
  build: Device;
  /** WASM threads ORT will use; more than 1 only when the page is crossOriginIsolated. */
  wasmThreads: number;
  crossOriginIsolated: boolean;
}

/** ORT's own cap: beyond 4 intra-op threads its kernels stop scaling. */
const MAX_WASM_THREADS = 4;

/**
 * `device`: where this context's models will run. ORT loads its WASM build once, at its first session, so a
 * context that may run on WebGPU must say so before then; one configured for 'wasm' can never use WebGPU.
 */
export function configureRuntime(device: Device = 'wasm', maxThreads = MAX_WASM_THREADS): RuntimeSettings {
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('transformers.js exposes no onnxruntime-web WASM settings here');

  const base = globalThis.location?.href;
  const [wasmUrl, factoryUrl] =
    device === 'webgpu' ? [ortWebgpuWasmUrl, ortWebgpuFactoryUrl] : [ortWasmUrl, ortFactoryUrl];
  const wasmPaths = {
    wasm: base ? new URL(wasmUrl, base).href : wasmUrl,
    mjs: base ? new URL(factoryUrl, base).href : factoryUrl,
  };
  // An object (not a folder prefix) pins both files, and lets transformers.js pre-load and cache them.
  wasm.wasmPaths = wasmPaths;

  // ORT defaults to half the cores (1 on a 2-core machine); threads need SharedArrayBuffer, which only a
  // crossOriginIsolated page (COOP/COEP headers) has. Measured 3x faster on 2 cores (docs/design-notes.md).
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  wasm.numThreads = isolated ? Math.max(1, Math.min(maxThreads, MAX_WASM_THREADS, cores)) : 1;
  // Inference already runs in our own workers; ORT's proxy worker would only add a hop.
  wasm.proxy = false;

  // A worker then holds about one copy of its models' weights instead of three.
  createSessionsWithExternalWeights();

  // Read back from the file, so a mix-up of the two imports shows in the worker's runtime info.
  const build: Device = /asyncify/.test(wasmPaths.wasm) ? 'webgpu' : 'wasm';
  return { wasmPaths, build, wasmThreads: wasm.numThreads, crossOriginIsolated: isolated };
}

/**
 * Points transformers.js at a model host. Files are always fetched as `remoteHost + template + file`;
 * the "local model" lookup stays off, because it would first probe `/models/…` on the app's origin, where
 * a dev server answers a missing file with index.html (parsed as JSON, and cached).
 */
export function useModelHost(host: ModelHost = HUB_HOST): void {
  const base = globalThis.location?.href;
  const remoteHost = base ? new URL(host.remoteHost, base).href : host.remoteHost;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = remoteHost.endsWith('/') ? remoteHost : `${remoteHost}/`;
  env.remotePathTemplate = host.remotePathTemplate;
}
