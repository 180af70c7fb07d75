/// <reference lib="webworker" />
// ffmpeg.wasm for a module worker (workers/ffmpeg.worker.ts exposes it). The core is loaded directly (not
// through @ffmpeg/ffmpeg, which would start yet another worker), from files served by the app. Inputs are
// mounted with WORKERFS, which reads the File in slices on demand, so a large video is never copied whole
// into memory. The command lines, and how their output is read, are src/ingest/video/ffmpeg-args.ts and
// ffmpeg-output.ts; a job that hangs anyway is the page's watchdog's (src/ingest/video/ffmpeg-client.ts).
import * as Comlink from 'comlink';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { jpegStoredSize } from '../src/ingest/image/jpeg-size.ts';
import { bmpPixels, textEvidence } from '../src/ingest/image/text-test.ts';
import {
  audioArgs,
  audioWindow,
  frameArgs,
  frameWindow,
  probeArgs,
  scanArgs,
} from '../src/ingest/video/ffmpeg-args.ts';
import {
  bmpSize,
  describeFailure,
  framesFailure,
  framesOf,
  pcmSamples,
  probeOutcome,
  safeExtension,
  scannedSeconds,
  tooLong,
} from '../src/ingest/video/ffmpeg-output.ts';
import type {
  AudioRequest,
  ExtractedAudio,
  ExtractedFrame,
  FfmpegWorkerApi,
  FramesRequest,
  MediaProbe,
  Outcome,
  ScannedLength,
  ScanRequest,
} from '../src/ingest/video/ffmpeg-protocol.ts';

interface EmscriptenFS {
  mkdir(path: string): void;
  rmdir(path: string): void;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
  mount(type: unknown, options: { files: File[] }, mountpoint: string): void;
  unmount(mountpoint: string): void;
  filesystems: Record<string, unknown>;
}

interface FfmpegCore {
  FS: EmscriptenFS;
  ret: number;
  exec(...args: string[]): number;
  ffprobe(...args: string[]): number;
  reset(): void;
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
  setTimeout(ms: number): void;
}

type CoreFactory = (options: { mainScriptUrlOrBlob: string }) => Promise<FfmpegCore>;

let core: FfmpegCore | null = null;
let loading: Promise<FfmpegCore> | null = null;
let log: string[] = [];

async function loadCore(): Promise<FfmpegCore> {
  if (core) return core;
  loading ??= (async () => {
    const factory = ((await import(/* @vite-ignore */ coreURL)) as { default: CoreFactory }).default;
    // The core replaces any locateFile it is given with its own, which reads the .wasm URL from JSON in
    // the hash of mainScriptUrlOrBlob (the convention @ffmpeg/ffmpeg uses). Without it the core asks for
    // "ffmpeg-core.wasm" next to itself: that works in dev, and 404s once the build hashes the file names.
    const instance = await factory({
      mainScriptUrlOrBlob: `${coreURL}#${btoa(JSON.stringify({ wasmURL, workerURL: '' }))}`,
    });
    instance.setLogger(({ message }) => {
      log.push(message);
      if (log.length > 400) log = log.slice(-200);
    });
    instance.FS.mkdir('/in');
    instance.FS.mkdir('/out');
    core = instance;
    return instance;
  })();
  return loading;
}

/** Runs one ffmpeg or ffprobe command and returns its exit code; the log of this run is in `log`. */
function run(ff: FfmpegCore, tool: 'ffmpeg' | 'ffprobe', args: string[], timeoutMs = -1): number {
  log = [];
  ff.setTimeout(timeoutMs);
  try {
    if (tool === 'ffmpeg') ff.exec('-hide_banner', '-nostats', ...args);
    else ff.ffprobe(...args);
    return ff.ret;
  } finally {
    ff.reset();
  }
}

/** Mounts the file read-only at /in under a neutral name (ffmpeg probes by content), for one operation. */
function withInput<T>(ff: FfmpegCore, file: File, use: (path: string) => T): T {
  const name = 'input' + safeExtension(file.name);
  ff.FS.mount(ff.FS.filesystems.WORKERFS, { files: [new File([file], name)] }, '/in');
  try {
    return use(`/in/${name}`);
  } finally {
    ff.FS.unmount('/in');
    clearOut(ff);
  }
}

function clearOut(ff: FfmpegCore): void {
  for (const name of ff.FS.readdir('/out')) if (name !== '.' && name !== '..') ff.FS.unlink(`/out/${name}`);
}

function outFiles(ff: FfmpegCore, prefix: string): string[] {
  return ff.FS.readdir('/out')
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** A text file ffmpeg wrote, or null when it wrote none. */
function readText(ff: FfmpegCore, path: string): string | null {
  try {
    return new TextDecoder().decode(ff.FS.readFile(path));
  } catch {
    return null;
  }
}

function probeMounted(ff: FfmpegCore, path: string): Outcome<MediaProbe> {
  const code = run(ff, 'ffprobe', probeArgs(path, '/out/probe.json'));
  return probeOutcome(readText(ff, '/out/probe.json'), code, log);
}

const api: FfmpegWorkerApi = {
  async load() {
    await loadCore();
    const ff = core!;
    run(ff, 'ffmpeg', ['-version']);
    return log.find((l) => l.startsWith('ffmpeg version')) ?? 'ffmpeg (version unknown)';
  },

  async probe(file) {
    const ff = await loadCore();
    return withInput(ff, file, (path) => probeMounted(ff, path));
  },

  async scan(file, request: ScanRequest): Promise<Outcome<ScannedLength>> {
    const ff = await loadCore();
    return withInput(ff, file, (path): Outcome<ScannedLength> => {
      const code = run(ff, 'ffmpeg', scanArgs(path, request.limitS, '/out/progress.txt'));
      const durationS = scannedSeconds(readText(ff, '/out/progress.txt') ?? '');
      if (code !== 0 || durationS === null)
        return { ok: false, error: describeFailure('Measuring the length of the file failed', log) };
      return { ok: true, value: { durationS } };
    });
  },

  async frames(file, request: FramesRequest): Promise<Outcome<ExtractedFrame[]>> {
    const ff = await loadCore();
    const window = frameWindow(request);
    return withInput(ff, file, (path): Outcome<ExtractedFrame[]> => {
      const code = run(ff, 'ffmpeg', frameArgs(path, '/out', window));
      const frameFiles = outFiles(ff, 'f_');
      if (code !== 0 || frameFiles.length === 0) return { ok: false, error: framesFailure(log) };
      const frames: ExtractedFrame[] = [];
      for (const { t, frame, thumb } of framesOf(frameFiles, outFiles(ff, 't_'), window)) {
        const bmp = ff.FS.readFile(`/out/${frame}`);
        const jpeg = ff.FS.readFile(`/out/${thumb}`);
        const pixels = request.textTest ? bmpPixels(bmp) : null;
        frames.push({
          t,
          ...bmpSize(bmp),
          // The cheap text test on the frame's pixels, already in memory (a frame it cannot read is read).
          ...(request.textTest ? { mayHaveText: pixels ? textEvidence(pixels).mayHaveText : true } : {}),
          image: new Blob([bmp as Uint8Array<ArrayBuffer>], { type: 'image/bmp' }),
          thumbnail: {
            ...(jpegStoredSize(jpeg) ?? { width: 0, height: 0 }),
            blob: new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
          },
        });
      }
      return { ok: true, value: frames };
    });
  },

  async audio(file, request: AudioRequest): Promise<Outcome<ExtractedAudio>> {
    const ff = await loadCore();
    const window = audioWindow(request);
    const outcome = withInput(ff, file, (path): Outcome<ExtractedAudio> => {
      const probed = probeMounted(ff, path);
      if (!probed.ok) return probed;
      if (!probed.value.audio) return { ok: true, value: { tracks: [] } };
      const code = run(ff, 'ffmpeg', audioArgs(path, '/out', window));
      if (code !== 0) return { ok: false, error: describeFailure('Extracting the audio track failed', log) };
      const tracks = window.rates.map((rate, i) => ({
        rate,
        samples: pcmSamples(ff.FS.readFile(`/out/a_${i}.pcm`), rate, window.spanS),
      }));
      const refused = tooLong(window, tracks[0]);
      if (refused) return { ok: false, error: refused };
      return { ok: true, value: { tracks } };
    });
    if (!outcome.ok) return outcome;
    return Comlink.transfer(
      outcome,
      outcome.value.tracks.map((t) => t.samples.buffer as ArrayBuffer),
    );
  },
};

/**
 * An exception out of the core (an out-of-memory abort, say) leaves the instance unusable: the file gets a
 * clear error, and the next call loads a fresh core.
 */
function recovering<A extends unknown[], T>(
  fn: (...args: A) => Promise<Outcome<T>>,
): (...args: A) => Promise<Outcome<T>> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof RangeError) throw error; // a caller's mistake, not the file's
      core = null;
      loading = null;
      return {
        ok: false,
        error: {
          code: 'decode-failed',
          message: `ffmpeg stopped while reading the file: ${String(error)}`,
          log: log.slice(-20),
        },
      };
    }
  };
}

export const ffmpegWorkerApi: FfmpegWorkerApi = {
  load: api.load,
  probe: recovering(api.probe),
  scan: recovering(api.scan),
  frames: recovering(api.frames),
  audio: recovering(api.audio),
};
