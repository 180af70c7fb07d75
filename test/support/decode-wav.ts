// Decodes a WAV file to mono Float32 PCM at a chosen rate, for Node tests (Node has no AudioContext, and
// transformers.js's read_audio needs one). Reads 16-bit PCM and 32-bit float, which is what the fixtures use.

export interface Pcm {
  samples: Float32Array;
  sampleRate: number;
}

export function decodeWav(bytes: Uint8Array): Pcm {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');

  let format: { code: number; channels: number; sampleRate: number; bits: number } | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before its fmt chunk');
      return {
        samples: toMono(view, body, Math.min(size, bytes.length - body), format),
        sampleRate: format.sampleRate,
      };
    }
    at = body + size + (size % 2); // chunks are word-aligned
  }
  throw new Error('WAV file has no data chunk');
}

function toMono(
  view: DataView,
  start: number,
  size: number,
  { code, channels, bits }: { code: number; channels: number; bits: number },
): Float32Array {
  const read =
    code === 1 && bits === 16
      ? (at: number) => view.getInt16(at, true) / 32768
      : code === 3 && bits === 32
        ? (at: number) => view.getFloat32(at, true)
        : null;
  if (!read) throw new Error(`unsupported WAV encoding (format ${code}, ${bits}-bit)`);
  const bytesPerFrame = (bits / 8) * channels;
  const frames = Math.floor(size / bytesPerFrame);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(start + i * bytesPerFrame + (c * bits) / 8);
    out[i] = sum / channels;
  }
  return out;
}

/**
 * Resamples by linear interpolation, after a moving average as wide as the rate ratio when going down.
 * Crude next to a real resampler, but the fixtures are tones, noise and speech checked by level and timing.
 */
export function resample({ samples, sampleRate }: Pcm, rate: number): Float32Array {
  if (sampleRate === rate) return samples;
  let source = samples;
  const ratio = sampleRate / rate;
  if (ratio > 1) {
    const width = Math.round(ratio);
    source = new Float32Array(samples.length);
    let sum = 0;
    for (let i = 0; i < samples.length; i++) {
      sum += samples[i]! - (i >= width ? samples[i - width]! : 0);
      source[i] = sum / Math.min(i + 1, width);
    }
  }
  const out = new Float32Array(Math.floor(samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const x = i * ratio;
    const j = Math.floor(x);
    const a = source[j] ?? 0;
    const b = source[j + 1] ?? a;
    out[i] = a + (b - a) * (x - j);
  }
  return out;
}
