// The page side of the WebLLM answer engine: picks the model for this device, starts the worker
// (workers/llm.worker.ts), loads the model with progress, streams chat completions, stops and unloads.
// WebLLM itself is imported lazily, so the app shell does not carry its 6 MB until answers are used.
import type { InitProgressReport, WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import { DEFAULT_LLM_CONFIG, type LlmConfig } from '../models/llm-config.ts';
import { errorReason, streamChatCompletion } from './chat-completions.ts';
import {
  chooseModel,
  llmFileHashes,
  llmOrigins,
  resolveCandidates,
  type ModelChoice,
} from './choose-model.ts';
import {
  AnswerEngineError,
  type AnswerChunk,
  type AnswerEngine,
  type ChatMessage,
  type EngineInfo,
  type GenerateOptions,
  type LoadProgress,
} from './engine.ts';
import { readGpuFacts } from './gpu-facts.ts';
import type { GuardReport } from './worker-guard.ts';

export interface WebLLMEngineOptions {
  /** The "llm" section of models.json (with the Settings override applied). */
  config?: LlmConfig;
  /** Resolves relative hosts; the page's URL by default. */
  appUrl?: string;
  /** The WebGPU entry point; null means none (tests use it to stand for a browser without WebGPU). */
  gpu?: GPU | null;
  deviceMemoryGB?: number;
  /** A load that reports nothing (no request, no progress) for this long fails as "stalled". */
  stallMs?: number;
  createWorker?: () => Worker;
}

interface Loaded {
  worker: Worker;
  engine: WebWorkerMLCEngine;
  /** Rejects if the worker dies; WebLLM's client would otherwise wait for it forever. */
  crashed: Promise<never>;
}

const DEFAULT_STALL_MS = 90_000;
const UNLOAD_TIMEOUT_MS = 5_000;

export function createWebLLMEngine(options: WebLLMEngineOptions = {}): WebLLMAnswerEngine {
  return new WebLLMAnswerEngine(options);
}

export class WebLLMAnswerEngine implements AnswerEngine {
  private choice?: Promise<{ choice: ModelChoice; origins: string[]; sha256: Record<string, string> }>;
  private loading?: Promise<Loaded>;
  private loaded?: Loaded;
  /** Cancels the load in flight (unload() during a download). */
  private cancelLoad?: () => void;
  private listeners = new Set<(p: LoadProgress) => void>();
  /** Every URL the worker asked for during the last load, for tests and diagnostics. */
  readonly requestedUrls: string[] = [];

  constructor(private readonly options: WebLLMEngineOptions) {}

  async info(): Promise<EngineInfo> {
    const { choice } = await this.choose();
    return {
      model: choice.candidate.id,
      contextWindow: choice.candidate.contextWindow,
      reason: choice.reason,
    };
  }

  load(onProgress?: (p: LoadProgress) => void): Promise<EngineInfo> {
    if (onProgress) this.listeners.add(onProgress);
    this.loading ??= this.start().then(
      (loaded) => (this.loaded = loaded),
      (err) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading
      .then(
        () => this.info(),
        (err) => Promise.reject(err),
      )
      .finally(() => onProgress && this.listeners.delete(onProgress));
  }

  async *stream(messages: ChatMessage[], options: GenerateOptions = {}): AsyncIterable<AnswerChunk> {
    await this.load();
    const { engine, crashed } = this.loaded!;
    yield* streamChatCompletion(engine, messages, options, crashed);
  }

  interrupt(): void {
    this.loaded?.engine.interruptGenerate();
  }

  async unload(): Promise<void> {
    // A load in flight is abandoned at once, not awaited: it may be a download of a gigabyte.
    this.cancelLoad?.();
    // A load that failed has nothing to unload; its error went to whoever awaited it.
    const current = this.loaded ?? (await this.loading?.catch(() => undefined));
    this.loaded = undefined;
    this.loading = undefined;
    if (!current) return;
    // WebLLM's unload frees the GPU buffers in order; terminating the worker then frees everything else,
    // and is the fallback if the worker no longer answers (or its unload fails).
    await Promise.race([current.engine.unload().catch(() => {}), delay(UNLOAD_TIMEOUT_MS)]);
    current.worker.terminate();
  }

  private choose() {
    this.choice ??= (async () => {
      const facts = await readGpuFacts(
        this.options.gpu === undefined ? globalThis.navigator?.gpu : this.options.gpu,
        this.options.deviceMemoryGB ??
          (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory,
      );
      if (!facts)
        throw new AnswerEngineError(
          'no-webgpu',
          'This browser has no WebGPU, so answers cannot be written on this device. Showing the most relevant passages instead.',
        );
      const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
      const config = this.options.config ?? DEFAULT_LLM_CONFIG;
      try {
        const candidates = resolveCandidates(config, prebuiltAppConfig.model_list, this.appUrl());
        return {
          choice: chooseModel(candidates, facts, config.model),
          origins: llmOrigins(candidates),
          sha256: llmFileHashes(candidates),
        };
      } catch (err) {
        throw new AnswerEngineError('load-failed', errorReason(err));
      }
    })();
    this.choice.catch(() => (this.choice = undefined));
    return this.choice;
  }

  private async start(): Promise<Loaded> {
    const { choice, origins, sha256 } = await this.choose();
    const { candidate } = choice;
    const { CreateWebWorkerMLCEngine } = await import('@mlc-ai/web-llm');
    const worker =
      this.options.createWorker?.() ??
      new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), {
        type: 'module',
        name: 'answer-model',
      });
    this.requestedUrls.length = 0;
    const problems: string[] = [];
    let integrityFailure: string | undefined;

    let stalled!: (err: Error) => void;
    const failure = new Promise<never>((_, reject) => (stalled = reject));
    let crash!: (err: Error) => void;
    const crashed = new Promise<never>((_, reject) => (crash = reject));
    // Either may reject when nobody is waiting on it (a crash long after loading); that is not an error.
    failure.catch(() => {});
    crashed.catch(() => {});
    const stallMs = this.options.stallMs ?? DEFAULT_STALL_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          stalled(
            new AnswerEngineError(
              'stalled',
              `the model host sent nothing for ${Math.round(stallMs / 1000)} s`,
            ),
          ),
        stallMs,
      );
    };
    const progress = (p: LoadProgress) => {
      alive();
      for (const l of this.listeners) l(p);
    };

    // WebLLM's client owns `onmessage` of whatever it is given and throws on messages it does not know,
    // so it gets a port that only sees its own; the guard's reports are read here.
    const port = {
      onmessage: null as ((e: MessageEvent) => void) | null,
      postMessage: (m: unknown) => worker.postMessage(m),
    };
    worker.onmessage = (e: MessageEvent) => {
      const data = e.data as GuardReport | { kind?: string };
      if (data?.kind === 'trove:fetch') {
        const url = (data as { url: string }).url;
        this.requestedUrls.push(url);
        progress({ fraction: NaN, text: `Fetching ${url.slice(url.lastIndexOf('/') + 1)}` });
      } else if (data?.kind === 'trove:problem') {
        const { reason, integrity } = data as { reason: string; integrity: boolean };
        problems.push(reason);
        if (integrity) integrityFailure ??= reason;
      } else port.onmessage?.(e);
    };
    worker.onerror = (e) => {
      e.preventDefault(); // handled here: it becomes the load's or the stream's error
      const err = new Error(`the answer worker crashed (${e.message || 'no message'})`);
      stalled(err);
      crash(err);
      if (this.loaded?.worker === worker) {
        this.loaded = undefined;
        this.loading = undefined;
        worker.terminate();
      }
    };
    worker.postMessage({ kind: 'trove:init', allowedOrigins: origins, sha256 });
    this.cancelLoad = () => stalled(new AnswerEngineError('load-failed', 'the load was cancelled'));

    alive();
    progress({ fraction: 0, text: `Starting ${candidate.id}` });
    try {
      const engine = await Promise.race([
        CreateWebWorkerMLCEngine(port, candidate.id, {
          appConfig: { model_list: [candidate.record], cacheBackend: 'cache' },
          initProgressCallback: (r: InitProgressReport) => progress({ fraction: r.progress, text: r.text }),
        }),
        failure,
      ]);
      return { worker, engine, crashed };
    } catch (err) {
      worker.terminate();
      if (integrityFailure)
        throw new AnswerEngineError(
          'integrity',
          `Could not load the answer model ${candidate.id}: ${integrityFailure}`,
        );
      const code = err instanceof AnswerEngineError ? err.code : 'load-failed';
      const why = problems[0] ?? errorReason(err);
      throw new AnswerEngineError(code, `Could not load the answer model ${candidate.id}: ${why}`);
    } finally {
      clearTimeout(timer);
      this.cancelLoad = undefined;
    }
  }

  private appUrl(): string {
    return this.options.appUrl ?? globalThis.location?.href ?? 'http://localhost/';
  }
}

function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
