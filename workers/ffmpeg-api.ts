/// <reference lib="webworker" />
// ffmpeg.wasm for a module worker (workers/ffmpeg.worker.ts exposes it). The core is loaded directly (not
// through @ffmpeg/ffmpeg, which would start yet another worker), from files served by the app. Inputs are
// mounted with WORKERFS, which reads the File in slices on demand, so a large video is never copied whole
// into memory. Every decode is bounded by time (-t), frame count (-frames:v) or bytes (-fs) here, whatever
// the container claims; a job that hangs anyway is the page's watchdog's (src/ingest/video/ffmpeg-client.ts).
import * as Comlink from 'comlink';
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { jpegStoredSize } from '../src/ingest/image/jpeg-size.ts';
import type {
  AudioRequest,
  ExtractedAudio,
  ExtractedFrame,
  FfmpegWorkerApi,
  FramesRequest,
  MediaErrorInfo,
  MediaProbe,
  Outcome,
  ScannedLength,
  ScanRequest,
} from '../src/ingest/video/ffmpeg-protocol.ts';
import { MAX_AUDIO_REQUEST_S, MAX_FRAMES_PER_REQUEST } from '../src/ingest/video/ffmpeg-protocol.ts';

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

function safeExtension(name: string): string {
  const m = /\.[a-z0-9]{1,5}$/i.exec(name);
  return m ? m[0].toLowerCase() : '';
}

function clearOut(ff: FfmpegCore): void {
  for (const name of ff.FS.readdir('/out')) if (name !== '.' && name !== '..') ff.FS.unlink(`/out/${name}`);
}

function outFiles(ff: FfmpegCore, prefix: string): string[] {
  return ff.FS.readdir('/out')
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** Turns ffmpeg's log into an error a user can read. */
function failure(context: string): MediaErrorInfo {
  const lines = log
    .filter((l) => l.trim() && !/^\s*(built with|configuration:|lib\w+\s+\d)/.test(l))
    .slice(-20);
  const text = lines.join('\n');
  let code: MediaErrorInfo['code'] = 'decode-failed';
  let reason = 'ffmpeg could not decode it';
  if (
    /moov atom not found|partial file|truncat|end of file|Invalid NAL unit size|corrupt decoded frame/i.test(
      text,
    )
  ) {
    code = 'truncated';
    reason = 'the file is cut short (truncated or still downloading?)';
  } else if (
    /Invalid data found when processing input|could not find codec parameters|EBML header parsing failed/i.test(
      text,
    )
  ) {
    code = 'corrupt-data';
    reason = 'its data is corrupt or not a media file';
  } else if (/Decoder .* not found|unsupported codec|Unknown decoder|not supported/i.test(text)) {
    code = 'unsupported-codec';
    reason = 'it uses a codec this build of ffmpeg cannot decode';
  }
  return { code, message: `${context}: ${reason}`, log: lines };
}

function parseProbe(json: string): MediaProbe {
  const data = JSON.parse(json) as {
    format?: { duration?: string; format_name?: string };
    streams?: {
      codec_type?: string;
      codec_name?: string;
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      sample_rate?: string;
      channels?: number;
      disposition?: { attached_pic?: number };
    }[];
  };
  const streams = data.streams ?? [];
  // Cover art in audio files is a "video" stream with the attached_pic disposition; it is not a video.
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = streams.find((s) => s.codec_type === 'audio');
  const duration = Number(data.format?.duration);
  const [num, den] = (v?.avg_frame_rate ?? '0/0').split('/').map(Number);
  return {
    durationS: Number.isFinite(duration) && duration > 0 ? duration : null,
    formatName: data.format?.format_name ?? '',
    video: v
      ? {
          codec: v.codec_name ?? '',
          width: v.width ?? 0,
          height: v.height ?? 0,
          frameRate: num && den ? num / den : null,
        }
      : null,
    audio: a
      ? { codec: a.codec_name ?? '', sampleRate: Number(a.sample_rate) || 0, channels: a.channels ?? 0 }
      : null,
  };
}

function probeMounted(ff: FfmpegCore, path: string): Outcome<MediaProbe> {
  const code = run(ff, 'ffprobe', [
    '-v',
    'error',
    '-show_format',
    '-show_streams',
    '-of',
    'json',
    '-o',
    '/out/probe.json',
    path,
  ]);
  let json: string | null = null;
  try {
    json = new TextDecoder().decode(ff.FS.readFile('/out/probe.json'));
  } catch {
    // No output: handled below.
  }
  // ffprobe's exit code is not reliable in this build (it reports failure after writing a full report),
  // so the report itself decides: a file ffprobe cannot open has no format section.
  let probe: MediaProbe | null = null;
  try {
    if (json && JSON.parse(json).format) probe = parseProbe(json);
  } catch {
    // Invalid JSON: handled below.
  }
  if (!probe) return { ok: false, error: failure(`Reading the file failed (ffprobe exit ${code})`) };
  if (!probe.video && !probe.audio) {
    return {
      ok: false,
      error: { code: 'corrupt-data', message: 'The file holds no audio or video stream', log: [] },
    };
  }
  return { ok: true, value: probe };
}

function bmpSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // BITMAPINFOHEADER: width at 18, height at 22 (negative for top-down rows).
  return { width: view.getInt32(18, true), height: Math.abs(view.getInt32(22, true)) };
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
    if (!(request.limitS > 0)) throw new RangeError('limitS must be positive');
    return withInput(ff, file, (path): Outcome<ScannedLength> => {
      // Packets copied to nowhere: the demuxer reads the file (up to a second past the limit) and nothing
      // is decoded; the progress report's last out_time is where the last packet ends.
      const code = run(ff, 'ffmpeg', [
        '-t',
        String(request.limitS + 1),
        '-i',
        path,
        '-map',
        '0:v:0?',
        '-map',
        '0:a:0?',
        '-c',
        'copy',
        '-progress',
        '/out/progress.txt',
        '-f',
        'null',
        '-',
      ]);
      let report = '';
      try {
        report = new TextDecoder().decode(ff.FS.readFile('/out/progress.txt'));
      } catch {
        // No report: handled below.
      }
      const times = [...report.matchAll(/^out_time_us=(\d+)$/gm)].map((m) => Number(m[1]));
      const last = times.at(-1);
      if (code !== 0 || last === undefined || !/^progress=end$/m.test(report))
        return { ok: false, error: failure('Measuring the length of the file failed') };
      return { ok: true, value: { durationS: last / 1e6 } };
    });
  },

  async frames(file, request: FramesRequest): Promise<Outcome<ExtractedFrame[]>> {
    const ff = await loadCore();
    const { intervalS, startS = 0, endS, size = 224, thumbSize = 160, thumbQuality = 5 } = request;
    if (!(intervalS > 0)) throw new RangeError('intervalS must be positive');
    if (endS !== undefined && !(endS > startS)) throw new RangeError('endS must be after startS');
    // The window's frames, and never more than the per-request cap; a window without an end is as many
    // intervals long as that.
    const inWindow = endS !== undefined ? Math.ceil((endS - startS) / intervalS - 1e-9) : Infinity;
    const maxFrames = Math.max(1, Math.min(request.maxFrames ?? inWindow, inWindow, MAX_FRAMES_PER_REQUEST));
    const spanS = endS !== undefined ? endS - startS : maxFrames * intervalS;
    const outcome = withInput(ff, file, (path): Outcome<ExtractedFrame[]> => {
      // The frame for time k·interval is the one nearest to it: the last frame that starts no later than
      // half a frame period after it (round=up, with timestamps moved back by that half period). fps's
      // default rounding would hand over a frame from almost a whole interval later, and containers often
      // start the video a few ms late (WebM after Opus pre-skip), which would miss frames starting exactly
      // on a boundary.
      const half = 0.5 / (request.frameRate && request.frameRate > 0 ? request.frameRate : 60);
      const filter =
        `[0:v:0]setpts=PTS-${half.toFixed(6)}/TB,fps=1/${intervalS}:start_time=0:round=up,split=2[f][t];` +
        // Shortest side to `size`, as CLIP's processor would resize it, so no detail is lost or invented.
        `[f]scale=${size}:${size}:force_original_aspect_ratio=increase:force_divisible_by=2:flags=area[fo];` +
        `[t]scale=${thumbSize}:${thumbSize}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=area[to]`;
      // -t bounds what is read by time, -frames:v what is written by count: timestamps that jump (which
      // fps fills with copies) or a stated length that lies cannot make either grow past the window.
      const args = [
        ...(startS > 0 ? ['-ss', String(startS)] : []),
        '-t',
        String(spanS),
        '-i',
        path,
        '-filter_complex',
        filter,
        '-map',
        '[fo]',
        '-frames:v',
        String(maxFrames),
        '-f',
        'image2',
        // BMP: no compression to pay for, and every image decoder (createImageBitmap included) reads it.
        '-c:v',
        'bmp',
        '/out/f_%05d.bmp',
        '-map',
        '[to]',
        '-frames:v',
        String(maxFrames),
        '-f',
        'image2',
        '-c:v',
        'mjpeg',
        '-q:v',
        String(thumbQuality),
        '/out/t_%05d.jpg',
      ];
      const code = run(ff, 'ffmpeg', args);
      const frameFiles = outFiles(ff, 'f_');
      if (code !== 0 || frameFiles.length === 0) {
        if (/matches no streams|does not contain any stream|Stream specifier ':v:0'/i.test(log.join('\n'))) {
          return {
            ok: false,
            error: { code: 'no-video-stream', message: 'The file has no video stream', log: log.slice(-12) },
          };
        }
        return { ok: false, error: failure('Extracting video frames failed') };
      }
      const thumbFiles = outFiles(ff, 't_');
      const frames: ExtractedFrame[] = [];
      for (const [k, name] of frameFiles.slice(0, maxFrames).entries()) {
        const t = startS + k * intervalS;
        if (endS !== undefined && t >= endS - 1e-6) break;
        const bmp = ff.FS.readFile(`/out/${name}`);
        const jpeg = ff.FS.readFile(`/out/${thumbFiles[k] ?? thumbFiles[thumbFiles.length - 1]}`);
        frames.push({
          t,
          ...bmpSize(bmp),
          image: new Blob([bmp as Uint8Array<ArrayBuffer>], { type: 'image/bmp' }),
          thumbnail: {
            ...(jpegStoredSize(jpeg) ?? { width: 0, height: 0 }),
            blob: new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
          },
        });
      }
      return { ok: true, value: frames };
    });
    return outcome;
  },

  async audio(file, request: AudioRequest): Promise<Outcome<ExtractedAudio>> {
    const ff = await loadCore();
    const { rates, startS = 0, durationS } = request;
    if (rates.length === 0 || rates.some((r) => !(r >= 1000 && r <= 384000)))
      throw new RangeError('rates must be sample rates in Hz');
    if (durationS !== undefined && !(durationS > 0 && durationS <= MAX_AUDIO_REQUEST_S))
      throw new RangeError(`durationS must be positive and at most ${MAX_AUDIO_REQUEST_S} s`);
    const spanS = Math.min(durationS ?? MAX_AUDIO_REQUEST_S, MAX_AUDIO_REQUEST_S);
    // Bytes of each output at most: -t stops reading by timestamps, -fs stops writing by size, so samples
    // that a broken stream stamps wrongly still cannot pile up.
    const maxBytes = (rate: number) => (Math.ceil(spanS * rate) + rate) * 4;
    const outcome = withInput(ff, file, (path): Outcome<ExtractedAudio> => {
      const probed = probeMounted(ff, path);
      if (!probed.ok) return probed;
      if (!probed.value.audio) return { ok: true, value: { tracks: [] } };
      // One decode, one output per rate.
      const outputs = rates.flatMap((rate, i) => [
        '-map',
        '0:a:0',
        '-ac',
        '1',
        '-ar',
        String(rate),
        '-c:a',
        'pcm_f32le',
        '-fs',
        String(maxBytes(rate)),
        '-f',
        'f32le',
        `/out/a_${i}.pcm`,
      ]);
      // Without a duration, read a little past the cap, so a track longer than it is told from one that
      // ends exactly there.
      const args = [
        ...(startS > 0 ? ['-ss', String(startS)] : []),
        '-t',
        String(durationS === undefined ? spanS + 1 : spanS),
        '-i',
        path,
        '-vn',
        '-sn',
        '-dn',
        ...outputs,
      ];
      const code = run(ff, 'ffmpeg', args);
      if (code !== 0) return { ok: false, error: failure('Extracting the audio track failed') };
      const tracks = rates.map((rate, i) => {
        const bytes = ff.FS.readFile(`/out/a_${i}.pcm`);
        // readFile returns a view on MEMFS storage; copy into an aligned buffer of whole samples.
        const samples = new Float32Array(Math.floor(bytes.byteLength / 4));
        new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 4));
        return { rate, samples: samples.length > spanS * rate ? samples.slice(0, spanS * rate) : samples };
      });
      const [first] = tracks;
      if (durationS === undefined && first && first.samples.length >= spanS * first.rate) {
        return {
          ok: false,
          error: {
            code: 'too-long',
            message: `The audio runs past ${spanS / 60} minutes, more than Trove decodes in one piece`,
            log: [],
          },
        };
      }
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
