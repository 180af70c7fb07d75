// The answer model: WebLLM's engine in its own worker, so loading and generating never block the page.
// The page (src/answer/webllm-engine.ts) first sends `trove:init` with the origins model files may come
// from; only then does the WebLLM handler exist, so no WebLLM request can slip past the fetch guard.
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';
import { installWorkerFetchGuard } from '../src/answer/worker-guard.ts';

export interface LlmWorkerInit {
  kind: 'trove:init';
  allowedOrigins: string[];
  /** SHA-256 (hex) of the answer model's files, keyed by URL (llm.sha256 in models.json). */
  sha256?: Record<string, string>;
}

let handler: WebWorkerMLCEngineHandler | undefined;

self.onmessage = (event: MessageEvent) => {
  const msg = event.data as { kind?: string } | undefined;
  if (msg?.kind === 'trove:init') {
    const init = msg as LlmWorkerInit;
    installWorkerFetchGuard(init.allowedOrigins, (r) => self.postMessage(r), init.sha256);
    handler = new WebWorkerMLCEngineHandler();
    return;
  }
  if (!handler) throw new Error('The answer worker got a WebLLM message before trove:init');
  handler.onmessage(event);
};
