// The page's handle on the ffmpeg worker. The worker runs one command at a time (ffmpeg's core is not
// re-entrant), so calls queue up here in order, and each one is watched: a job that runs past its budget
// (ffmpeg-budget.ts) is taken as hung, and one whose signal aborts is no longer wanted. Either way the worker
// is terminated at once (a running wasm call cannot be interrupted any other way) and a fresh one is
// started for the jobs behind it. Failures come back as MediaDecodeError with a reason code.
import * as Comlink from 'comlink';
import { MediaDecodeError } from '../media-error.ts';
import { defaultWatchdog, jobBudgetMs, type FfmpegJob, type WatchdogLimits } from './ffmpeg-budget.ts';
import type {
  AudioRequest,
  ExtractedAudio,
  ExtractedFrame,
  FfmpegWorkerApi,
  FramesRequest,
  MediaProbe,
  Outcome,
  ScannedLength,
} from './ffmpeg-protocol.ts';
import { MAX_AUDIO_REQUEST_S, MAX_FRAMES_PER_REQUEST } from './ffmpeg-protocol.ts';

export { MediaDecodeError };

export interface FfmpegClientOptions {
  /** Budgets of the watchdog (see ffmpeg-budget.ts); tests shorten them. */
  watchdog?: Partial<WatchdogLimits>;
  /** Starts a worker that serves FfmpegWorkerApi (default workers/ffmpeg.worker.ts); tests substitute one. */
  spawn?: () => Worker;
}

export interface JobControl {
  /** Aborting stops the job at once (the worker is replaced) and rejects with the signal's reason. */
  signal?: AbortSignal;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new MediaDecodeError(outcome.error.code, outcome.error.message, outcome.error.log);
}

function spawnFfmpegWorker(): Worker {
  return new Worker(new URL('../../../workers/ffmpeg.worker.ts', import.meta.url), {
    type: 'module',
    name: 'ffmpeg',
  });
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export class FfmpegClient {
  private worker!: Worker;
  private api!: Comlink.Remote<FfmpegWorkerApi>;
  private version: Promise<string> | null = null;
  /** Settles when the job last queued has finished (either way). */
  private tail: Promise<void> = Promise.resolve();
  private readonly limits: WatchdogLimits;
  private readonly spawn: () => Worker;
  private closed = false;
  /** Workers terminated by the watchdog or a cancel (for tests and diagnostics). */
  restarts = 0;

  constructor(options: FfmpegClientOptions = {}) {
    this.limits = { ...defaultWatchdog, ...options.watchdog };
    this.spawn = options.spawn ?? spawnFfmpegWorker;
    this.start();
  }

  private start(): void {
    this.worker = this.spawn();
    this.api = Comlink.wrap<FfmpegWorkerApi>(this.worker);
    this.version = null;
  }

  /** Terminates the worker, whatever it is doing, and starts a fresh one for the jobs still queued. */
  private restart(): void {
    this.stop();
    this.restarts++;
    if (!this.closed) this.start();
  }

  private stop(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  /** Loads the ffmpeg core (about 31 MB of wasm, cached by the browser) and returns its version line. */
  load(): Promise<string> {
    if (this.version) return this.version;
    // A failed load (the .wasm not reachable, say) is not remembered, so a later call can try again.
    const loading: Promise<string> = this.api.load().catch((error: unknown) => {
      if (this.version === loading) this.version = null;
      throw error;
    });
    this.version = loading;
    return loading;
  }

  probe(file: File, control: JobControl = {}): Promise<MediaProbe> {
    return this.job({ kind: 'probe', bytes: file.size }, control, (api) => api.probe(file));
  }

  /**
   * Reads the file packet by packet (decoding nothing) to find how long it really is, for a container that
   * states no length. Stops a little past `limitS`: a longer file reports more than limitS.
   */
  async scan(file: File, limitS: number, control: JobControl = {}): Promise<number> {
    const scanned: ScannedLength = await this.job(
      { kind: 'scan', bytes: file.size, seconds: limitS + 1 },
      control,
      (api) => api.scan(file, { limitS }),
    );
    return scanned.durationS;
  }

  frames(
    file: File,
    request: FramesRequest,
    control: JobControl & { video?: { width: number; height: number } | null } = {},
  ): Promise<ExtractedFrame[]> {
    const { intervalS, startS = 0, endS } = request;
    const span =
      endS !== undefined ? endS - startS : intervalS * (request.maxFrames ?? MAX_FRAMES_PER_REQUEST);
    const job: FfmpegJob = {
      kind: 'frames',
      bytes: file.size,
      seconds: span,
      width: control.video?.width,
      height: control.video?.height,
      frameRate: request.frameRate,
    };
    return this.job(job, control, (api) => api.frames(file, request));
  }

  audio(file: File, request: AudioRequest, control: JobControl = {}): Promise<ExtractedAudio> {
    const seconds = Math.min(request.durationS ?? MAX_AUDIO_REQUEST_S, MAX_AUDIO_REQUEST_S);
    return this.job({ kind: 'audio', bytes: file.size, seconds }, control, (api) => api.audio(file, request));
  }

  /** Runs `call` when the jobs before it are done, under the watchdog and the caller's signal. */
  private job<T>(
    job: FfmpegJob,
    { signal }: JobControl,
    call: (api: Comlink.Remote<FfmpegWorkerApi>) => Promise<Outcome<T>>,
  ): Promise<T> {
    const turn = this.tail.then(() => {
      signal?.throwIfAborted();
      return this.watched(job, signal, call);
    });
    this.tail = turn.then(
      () => undefined,
      () => undefined,
    );
    if (!signal) return turn;
    // Cancelled while still waiting its turn: answer now; the turn itself then does nothing.
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async watched<T>(
    job: FfmpegJob,
    signal: AbortSignal | undefined,
    call: (api: Comlink.Remote<FfmpegWorkerApi>) => Promise<Outcome<T>>,
  ): Promise<T> {
    if (this.closed) throw new MediaDecodeError('decode-failed', 'ffmpeg was closed');
    await this.stopUnless(this.load(), this.limits.loadMs, signal, () => {
      return new MediaDecodeError(
        'timed-out',
        `ffmpeg did not load within ${seconds(this.limits.loadMs)}; it was stopped, and will be loaded again`,
      );
    });
    const budget = jobBudgetMs(job, this.limits);
    const outcome = await this.stopUnless(call(this.api), budget, signal, () => {
      return new MediaDecodeError(
        'timed-out',
        `ffmpeg was still reading the file after ${seconds(budget)}, the limit for a file of its size, ` +
          'so Trove stopped it (the file may be damaged or built to stall a decoder)',
      );
    });
    return unwrap(outcome);
  }

  /**
   * `work`, unless `budgetMs` passes or `signal` aborts first: then the worker is replaced at once and the
   * call rejects with the watchdog's error or the signal's reason.
   */
  private stopUnless<T>(
    work: Promise<T>,
    budgetMs: number,
    signal: AbortSignal | undefined,
    overBudget: () => Error,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const stop = (error: unknown) =>
        finish(() => {
          this.restart();
          reject(error);
        });
      const onAbort = () => stop(signal!.reason);
      const timer = setTimeout(() => stop(overBudget()), budgetMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  terminate(): void {
    this.closed = true;
    this.stop();
  }
}

let shared: FfmpegClient | null = null;

/** One ffmpeg worker for the app: its core is large, so it is loaded once and kept. */
export function sharedFfmpeg(): FfmpegClient {
  shared ??= new FfmpegClient();
  return shared;
}
