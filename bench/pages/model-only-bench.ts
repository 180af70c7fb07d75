// The page side of the "model only" reference of the realsize bench: one worker (model-only.worker.ts) that
// runs each model through transformers.js's model classes on the same onnxruntime-web build, threads and
// dtype as the app, with inputs made up front, and no app around it: no decoding, queue, store or UI.
import type { ModelsConfig } from '../../src/models/config.ts';
import type { ModelOnlyResult, ModelOnlyTask } from './model-only.worker.ts';

/** Workers kept between timings, by handle: the same loaded model timed again (`again`). */
const kept = new Map<number, Worker>();
let handles = 0;

function timeOn(worker: Worker, message: unknown): Promise<ModelOnlyResult> {
  return new Promise<ModelOnlyResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<ModelOnlyResult | { error: string }>) =>
      'error' in e.data ? reject(new Error(e.data.error)) : resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(message);
  });
}

/** Loads the task's model in a worker of its own and times it once; the worker ends with it. */
function run(config: ModelsConfig, task: ModelOnlyTask): Promise<ModelOnlyResult> {
  const worker = new Worker(new URL('./model-only.worker.ts', import.meta.url), { type: 'module' });
  return timeOn(worker, { config, task, appUrl: location.href }).finally(() => worker.terminate());
}

/** As run, but the worker and its model stay: `again(handle)` times them again, `close(handle)` ends them. */
async function open(
  config: ModelsConfig,
  task: ModelOnlyTask,
): Promise<{ handle: number; result: ModelOnlyResult }> {
  const worker = new Worker(new URL('./model-only.worker.ts', import.meta.url), { type: 'module' });
  const handle = ++handles;
  kept.set(handle, worker);
  try {
    return { handle, result: await timeOn(worker, { config, task, appUrl: location.href }) };
  } catch (error) {
    close(handle);
    throw error;
  }
}

function again(handle: number): Promise<ModelOnlyResult> {
  const worker = kept.get(handle);
  if (!worker) return Promise.reject(new Error(`no model-only worker ${handle}`));
  // The worker times the model it loaded first, whatever this message says.
  return timeOn(worker, {});
}

function close(handle: number): void {
  kept.get(handle)?.terminate();
  kept.delete(handle);
}

/**
 * A video's soundtrack as mono 16 kHz samples, decoded by the browser (the app decodes it with ffmpeg.wasm
 * to the same rate): what Whisper alone is timed on for the video row.
 */
async function soundtrack(base64: string): Promise<Float32Array> {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const decoded = await new OfflineAudioContext(1, 1, 16_000).decodeAudioData(bytes.buffer);
  return decoded.getChannelData(0).slice();
}

/** Whisper alone on the soundtracks of video files (base64), one call each. */
async function speechTask(videos: string[]): Promise<ModelOnlyTask> {
  const pcm = await Promise.all(videos.map(soundtrack));
  const seconds = pcm.reduce((s, p) => s + p.length / 16_000, 0);
  return { kind: 'speech', seconds, pcm };
}

async function speechOnVideos(config: ModelsConfig, videos: string[]): Promise<ModelOnlyResult> {
  return run(config, await speechTask(videos));
}

/** As speechOnVideos, kept (open). */
async function openSpeechOnVideos(config: ModelsConfig, videos: string[]) {
  return open(config, await speechTask(videos));
}

declare global {
  interface Window {
    modelOnly: {
      run: typeof run;
      speechOnVideos: typeof speechOnVideos;
      open: typeof open;
      openSpeechOnVideos: typeof openSpeechOnVideos;
      again: typeof again;
      close: typeof close;
    };
  }
}
window.modelOnly = { run, speechOnVideos, open, openSpeechOnVideos, again, close };
