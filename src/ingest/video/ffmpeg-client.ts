// The page's handle on the ffmpeg worker. The worker runs one command at a time (ffmpeg's core is not
// re-entrant), so calls queue up in order; failures come back as MediaDecodeError with a reason code.
import * as Comlink from 'comlink';
import { MediaDecodeError } from '../media-error.ts';
import type {
  AudioRequest,
  ExtractedAudio,
  ExtractedFrame,
  FfmpegWorkerApi,
  FramesRequest,
  MediaProbe,
  Outcome,
} from './ffmpeg-protocol.ts';

export { MediaDecodeError };

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new MediaDecodeError(outcome.error.code, outcome.error.message, outcome.error.log);
}

export class FfmpegClient {
  private readonly worker: Worker;
  private readonly api: Comlink.Remote<FfmpegWorkerApi>;
  private version: Promise<string> | null = null;

  constructor() {
    this.worker = new Worker(new URL('../../../workers/ffmpeg.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ffmpeg',
    });
    this.api = Comlink.wrap<FfmpegWorkerApi>(this.worker);
  }

  /** Loads the ffmpeg core (about 31 MB of wasm, cached by the browser) and returns its version line. */
  load(): Promise<string> {
    // A failed load (the .wasm not reachable, say) is not remembered, so a later call can try again.
    this.version ??= this.api.load().catch((error: unknown) => {
      this.version = null;
      throw error;
    });
    return this.version;
  }

  async probe(file: File): Promise<MediaProbe> {
    await this.load();
    return unwrap(await this.api.probe(file));
  }

  async frames(file: File, request: FramesRequest): Promise<ExtractedFrame[]> {
    await this.load();
    return unwrap(await this.api.frames(file, request));
  }

  async audio(file: File, request: AudioRequest): Promise<ExtractedAudio> {
    await this.load();
    return unwrap(await this.api.audio(file, request));
  }

  terminate(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}

let shared: FfmpegClient | null = null;

/** One ffmpeg worker for the app: its core is large, so it is loaded once and kept. */
export function sharedFfmpeg(): FfmpegClient {
  shared ??= new FfmpegClient();
  return shared;
}
