// Reading what ffmpeg leaves behind, for the worker (workers/ffmpeg-api.ts): ffprobe's report, the progress
// report of a scan, the frame files of an extraction, the PCM of an audio track, and the log, turned into
// an error a user can read. Pure, so Node tests reach them.
import type { AudioWindow, FrameWindow } from './ffmpeg-args.ts';
import type { MediaErrorInfo, MediaProbe, Outcome } from './ffmpeg-protocol.ts';

/** Turns ffmpeg's log of a failed run into an error a user can read, with the log's last lines. */
export function describeFailure(context: string, log: string[]): MediaErrorInfo {
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

export function parseProbe(json: string): MediaProbe {
  const data = JSON.parse(json) as {
    format?: { duration?: string; format_name?: string; tags?: Record<string, unknown> };
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
  const gps = locationTag(data.format?.tags);
  return {
    ...(gps ? { gps } : {}),
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

/**
 * The recording place from a container's tags: `location` (MP4's ©xyz, as ffmpeg names it) or Apple's
 * `com.apple.quicktime.location.ISO6709`, both ISO 6709 strings such as "+38.7223-009.1393/" or with an
 * altitude "+38.7223-009.1393+012.000/".
 */
export function locationTag(tags: Record<string, unknown> | undefined): { lat: number; lon: number } | null {
  if (!tags) return null;
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string' || !/^(location|com\.apple\.quicktime\.location\.iso6709)$/i.test(key))
      continue;
    const m = /^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)/.exec(value.trim());
    if (!m) continue;
    const lat = Number(m[1]);
    const lon = Number(m[2]);
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) return { lat, lon };
  }
  return null;
}

/** What a probe found, from ffprobe's report (null when it wrote none), its exit code and its log. */
export function probeOutcome(report: string | null, code: number, log: string[]): Outcome<MediaProbe> {
  // ffprobe's exit code is not reliable in this build (it reports failure after writing a full report),
  // so the report itself decides: a file ffprobe cannot open has no format section.
  let probe: MediaProbe | null = null;
  try {
    if (report && (JSON.parse(report) as { format?: unknown }).format) probe = parseProbe(report);
  } catch {
    // Invalid JSON: handled below.
  }
  if (!probe)
    return { ok: false, error: describeFailure(`Reading the file failed (ffprobe exit ${code})`, log) };
  if (!probe.video && !probe.audio) {
    return {
      ok: false,
      error: { code: 'corrupt-data', message: 'The file holds no audio or video stream', log: [] },
    };
  }
  return { ok: true, value: probe };
}

/** Seconds of media a scan read: the last out_time of a progress report that ran to its end. */
export function scannedSeconds(report: string): number | null {
  const times = [...report.matchAll(/^out_time_us=(\d+)$/gm)].map((m) => Number(m[1]));
  const last = times.at(-1);
  if (last === undefined || !/^progress=end$/m.test(report)) return null;
  return last / 1e6;
}

/** Why no frames came out: the file has no video stream, or the log says what else went wrong. */
export function framesFailure(log: string[]): MediaErrorInfo {
  if (/matches no streams|does not contain any stream|Stream specifier ':v:0'/i.test(log.join('\n')))
    return { code: 'no-video-stream', message: 'The file has no video stream', log: log.slice(-12) };
  return describeFailure('Extracting video frames failed', log);
}

/**
 * Pairs the frame files of an extraction (sorted) with their thumbnails and times: frame k is at
 * startS + k·interval, none at or past the window's end, and never more than maxFrames.
 */
export function framesOf(
  frameFiles: string[],
  thumbFiles: string[],
  w: Pick<FrameWindow, 'startS' | 'endS' | 'intervalS' | 'maxFrames'>,
): { t: number; frame: string; thumb: string | undefined }[] {
  const out: { t: number; frame: string; thumb: string | undefined }[] = [];
  for (const [k, frame] of frameFiles.slice(0, w.maxFrames).entries()) {
    const t = w.startS + k * w.intervalS;
    if (w.endS !== undefined && t >= w.endS - 1e-6) break;
    // A thumbnail missing at the end (the two outputs can differ by a frame) borrows the last one.
    out.push({ t, frame, thumb: thumbFiles[k] ?? thumbFiles.at(-1) });
  }
  return out;
}

/**
 * One rate's samples from ffmpeg's f32le output, copied into an aligned buffer of whole samples (the
 * bytes are a view on ffmpeg's file system) and cut to the window.
 */
export function pcmSamples(bytes: Uint8Array, rate: number, spanS: number): Float32Array {
  const samples = new Float32Array(Math.floor(bytes.byteLength / 4));
  new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 4));
  return samples.length > spanS * rate ? samples.slice(0, spanS * rate) : samples;
}

/** A track with no stated duration that filled the whole window runs past it: refused, not cut short. */
export function tooLong(
  w: Pick<AudioWindow, 'durationS' | 'spanS'>,
  first: { rate: number; samples: Float32Array } | undefined,
): MediaErrorInfo | null {
  if (w.durationS !== undefined || !first || first.samples.length < w.spanS * first.rate) return null;
  return {
    code: 'too-long',
    message: `The audio runs past ${w.spanS / 60} minutes, more than Trove decodes in one piece`,
    log: [],
  };
}

/** Width and height of a BMP (BITMAPINFOHEADER: width at 18, height at 22, negative for top-down rows). */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getInt32(18, true), height: Math.abs(view.getInt32(22, true)) };
}

/** The input's extension, if it is a plain one (ffmpeg probes by content; the name is only a hint). */
export function safeExtension(name: string): string {
  const m = /\.[a-z0-9]{1,5}$/i.exec(name);
  return m ? m[0].toLowerCase() : '';
}
