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

declare global {
  interface Window {
    modelOnly: { run: typeof run };
  }
}
window.modelOnly = { run };
