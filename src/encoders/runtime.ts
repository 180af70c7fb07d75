// The one place that configures transformers.js for the browser (page or worker): where onnxruntime-web's
// WASM comes from, how many WASM threads it may use, and which host model files are fetched from.
// Call configureRuntime() before the first model is created; ORT reads these settings once, at its init.
import { env } from '@huggingface/transformers';
// The variant transformers.js picks (asyncify, which also carries the WebGPU EP), from the exact
// onnxruntime-web build it depends on. `?url` makes Vite serve/emit the files from the app's own origin;
// without this, transformers.js points ORT at cdn.jsdelivr.net.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

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
  /** WASM threads ORT will use; more than 1 only when the page is crossOriginIsolated. */
  wasmThreads: number;
  crossOriginIsolated: boolean;
}

/** ORT's own cap: beyond 4 intra-op threads its kernels stop scaling. */
const MAX_WASM_THREADS = 4;

export function configureRuntime(): RuntimeSettings {
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('transformers.js exposes no onnxruntime-web WASM settings here');

  const base = globalThis.location?.href;
  const wasmPaths = {
    wasm: base ? new URL(ortWasmUrl, base).href : ortWasmUrl,
    mjs: base ? new URL(ortFactoryUrl, base).href : ortFactoryUrl,
  };
  // An object (not a folder prefix) pins both files, and lets transformers.js pre-load and cache them.
  wasm.wasmPaths = wasmPaths;

  // ORT defaults to half the cores (1 on a 2-core machine); threads need SharedArrayBuffer, which only a
  // crossOriginIsolated page (COOP/COEP headers) has. Measured 3x faster on 2 cores (docs/design-notes.md).
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  wasm.numThreads = isolated ? Math.max(1, Math.min(MAX_WASM_THREADS, cores)) : 1;
  // Inference already runs in our own workers; ORT's proxy worker would only add a hop.
  wasm.proxy = false;

  return { wasmPaths, wasmThreads: wasm.numThreads, crossOriginIsolated: isolated };
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
