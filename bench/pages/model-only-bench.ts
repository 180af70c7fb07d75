// The page side of the "model only" reference of the realsize bench: one worker (model-only.worker.ts) that
// runs each model through transformers.js's model classes on the same onnxruntime-web build, threads and
// dtype as the app, with inputs made up front, and no app around it: no decoding, queue, store or UI.
import type { ModelsConfig } from '../../src/models/config.ts';
import type { ModelOnlyResult, ModelOnlyTask } from './model-only.worker.ts';

function run(config: ModelsConfig, task: ModelOnlyTask): Promise<ModelOnlyResult> {
  const worker = new Worker(new URL('./model-only.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ModelOnlyResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<ModelOnlyResult | { error: string }>) =>
      'error' in e.data ? reject(new Error(e.data.error)) : resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ config, task, appUrl: location.href });
  }).finally(() => worker.terminate());
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
async function speechOnVideos(config: ModelsConfig, videos: string[]): Promise<ModelOnlyResult> {
  const pcm = await Promise.all(videos.map(soundtrack));
  const seconds = pcm.reduce((s, p) => s + p.length / 16_000, 0);
  return run(config, { kind: 'speech', seconds, pcm });
}

declare global {
  interface Window {
    modelOnly: { run: typeof run; speechOnVideos: typeof speechOnVideos };
  }
}
window.modelOnly = { run, speechOnVideos };
