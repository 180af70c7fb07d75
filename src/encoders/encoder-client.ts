import * as Comlink from 'comlink';
import {
  EncoderError,
  type EncoderInit,
  type EncoderWorkerApi,
  type ProgressInfo,
  type RuntimeInfo,
  type TextPurpose,
  type TranscriptSpan,
} from './protocol';
import { batchSize, type InputKind } from './batching';
import { JobLane, type Urgency } from './job-lane';
import type { Hold } from './query-gate';
import { chunked } from './vectors';

export type WorkerFactory = () => Worker;

const defaultWorker: WorkerFactory = () =>
  new Worker(new URL('../../workers/encoder.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trove-encoder',
  });

export interface EncoderEvents {
  progress: ProgressInfo & { role: string };
  runtime: RuntimeInfo;
  restart: { role: string; reason: string };
  /** The worker was let go after a spell without work (idleReleaseMs); the next job starts a new one. */
  released: { role: string };
}

export interface EncoderClientOptions {
  /**
   * Lets the worker go after this long without a job, to give its memory back: ORT's WASM heap only ever
   * grows, so disposing a session frees nothing the system sees; ending the worker does.
   */
  idleReleaseMs?: number;
  /** Ordinary jobs wait while this holds (queries encoding elsewhere: query-gate.ts). */
  hold?: Hold;
}

/**
 * The page's handle on one role's worker. Jobs run one at a time (job-lane.ts), urgent ones first, so when
 * the worker crashes only the job in flight fails; the worker is replaced and the jobs behind it run on the
 * new one. Long inputs go in batches, each its own job, so an urgent job waits for one batch at most.
 */
export class EncoderClient extends EventTarget {
  private worker?: Worker;
  private remote?: Comlink.Remote<EncoderWorkerApi>;
  private ready?: Promise<RuntimeInfo>;
  private crashed?: Promise<never>;
  private readonly lane: JobLane;
  runtimeInfo?: RuntimeInfo;

  constructor(
    private init: EncoderInit,
    private readonly makeWorker: WorkerFactory = defaultWorker,
    options: EncoderClientOptions = {},
  ) {
    super();
    const ms = options.idleReleaseMs;
    this.lane = new JobLane(ms ? { ms, onIdle: () => this.release() } : undefined, options.hold);
  }

  /** Whether a worker is running now (it starts with the first job). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker and picks the device; model files download on first use of each sub-model. */
  start(): Promise<RuntimeInfo> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  /**
   * Queries and passages differ for models trained with prefixes (e5); both land in the same space. A
   * query's texts go ahead of queued work.
   */
  embedTexts(texts: string[], purpose: TextPurpose = 'passage'): Promise<Float32Array[]> {
    return this.batches('text', texts, purpose === 'query' ? 'urgent' : 'ordinary', (r, batch) =>
      r.embedTexts(batch, purpose),
    );
  }
  /**
   * Image files, or decoded upright bitmaps; the caller closes the bitmaps. On WASM they are transferred
   * to the worker (a copy cost the page about 2 ms an image); on WebGPU they are copied, so a job retried
   * on a fresh worker after a WebGPU failure can send them again.
   */
  embedImages(images: (Blob | ImageBitmap)[], urgency: Urgency = 'ordinary'): Promise<Float32Array[]> {
    return this.batches('image', images, urgency, (r, batch) => {
      const bitmaps = batch.filter((i): i is ImageBitmap => i instanceof ImageBitmap);
      const onWasm = this.runtimeInfo?.device === 'wasm';
      return r.embedImages(onWasm && bitmaps.length ? Comlink.transfer(batch, bitmaps) : batch);
    });
  }
  embedAudio(windows: Float32Array[], urgency: Urgency = 'ordinary'): Promise<Float32Array[]> {
    return this.batches('audio', windows, urgency, (r, batch) => r.embedAudio(batch));
  }
  transcribe(audio16k: Float32Array, urgency: Urgency = 'ordinary'): Promise<TranscriptSpan[]> {
    return this.job((r) => r.transcribe(audio16k), urgency);
  }
  /** A caption per picture (caption role), with the task models.json names. */
  caption(images: Blob[], urgency: Urgency = 'ordinary'): Promise<string[]> {
    return images.length ? this.job((r) => r.caption(images), urgency) : Promise.resolve([]);
  }
  /** Whether the configuration asks for captions of pictures (captions.enabled). */
  get describes(): boolean {
    return this.init.captionDescribe !== false;
  }
  /** Whether the configuration asks for the text in pictures (captions.ocr). */
  get readsText(): boolean {
    return this.init.captionOcr === true;
  }
  /** Pictures sent to readText so far (diagnostics and tests: the text test skips pictures without text). */
  picturesRead = 0;
  /** The text in each picture (caption role, OCR); '' where there is none. */
  readText(images: Blob[]): Promise<string[]> {
    this.picturesRead += images.length;
    return images.length ? this.job((r) => r.readText(images)) : Promise.resolve([]);
  }
  fetchedUrls(): Promise<string[]> {
    return this.job((r) => r.fetchedUrls());
  }
  /** For diagnostics and tests: see the WASM fallback take over after a lost GPU device. */
  loseWebGPUDevice(): Promise<boolean> {
    return this.job((r) => r.loseWebGPUDevice());
  }
  /** For diagnostics and tests: see a crashed worker replaced. */
  crash(): Promise<never> {
    return this.job((r) => r.crash());
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = this.remote = this.ready = this.crashed = undefined;
  }

  /** Ends the worker if it has nothing to do; the next job starts a new one (models load from the cache). */
  private release(): void {
    if (!this.worker || this.lane.size > 0) return;
    this.terminate();
    this.dispatchEvent(new CustomEvent('released', { detail: { role: this.init.role } }));
  }

  /** Inputs in the worker's batch size, one job per batch, results in order. */
  private async batches<I, O>(
    kind: InputKind,
    inputs: I[],
    urgency: Urgency,
    call: (remote: Comlink.Remote<EncoderWorkerApi>, batch: I[]) => Promise<O[]>,
  ): Promise<O[]> {
    if (!inputs.length) return [];
    const size = batchSize(kind, this.runtimeInfo?.device ?? 'wasm');
    const parts = await Promise.all(
      chunked(inputs, size).map((batch) => this.job((r) => call(r, batch), urgency)),
    );
    return parts.flat();
  }

  private job<T>(
    call: (remote: Comlink.Remote<EncoderWorkerApi>) => Promise<T>,
    urgency: Urgency = 'ordinary',
  ): Promise<T> {
    const attempt = async () => {
      await this.start();
      return (await Promise.race([call(this.remote!), this.crashed!])) as T;
    };
    return this.lane.add(async () => {
      try {
        return await attempt();
      } catch (err) {
        if ((err as Error).name !== 'WebGPUFailure') throw err;
        // Same job, fresh worker on WASM: ORT's WebGPU state does not survive a lost device.
        this.terminate();
        this.init = { ...this.init, prefer: 'wasm', note: `${(err as Error).message}; now running on WASM` };
        return await attempt();
      }
    }, urgency);
  }

  private async spawn(): Promise<RuntimeInfo> {
    const worker = this.makeWorker();
    this.worker = worker;
    this.remote = Comlink.wrap<EncoderWorkerApi>(worker);
    const role = this.init.role;
    this.crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        const reason = e.message || 'the worker stopped unexpectedly';
        if (this.worker === worker) this.terminate();
        this.dispatchEvent(new CustomEvent('restart', { detail: { role, reason } }));
        reject(new EncoderError(`The ${role} encoder worker crashed (${reason}); it has been restarted`));
      });
    });
    // A crash while no call waits on `crashed` is not lost: the 'restart' event above reports it.
    this.crashed.catch(() => {});
    const onProgress = Comlink.proxy((p: ProgressInfo) =>
      this.dispatchEvent(new CustomEvent('progress', { detail: { ...p, role } })),
    );
    const info = await Promise.race([this.remote.init(this.init, onProgress), this.crashed]);
    this.setRuntime(info);
    return info;
  }

  private setRuntime(info: RuntimeInfo) {
    this.runtimeInfo = info;
    this.dispatchEvent(new CustomEvent('runtime', { detail: info }));
  }
}
