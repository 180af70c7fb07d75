// Simple, model-free checks on decoded audio: which fixture sound a stretch of samples is.
import type { Sound } from '../../scripts/fixtures/world.ts';

/** Zero crossings per second: about 2·f for a sine of f Hz, about rate/2 for white noise. */
export function zeroCrossingRate(
  samples: Float32Array,
  rate: number,
  fromS = 0,
  toS = samples.length / rate,
): number {
  const from = Math.max(0, Math.floor(fromS * rate));
  const to = Math.min(samples.length, Math.floor(toS * rate));
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return crossings / ((to - from) / rate);
}

export function rms(samples: Float32Array, rate: number, fromS = 0, toS = samples.length / rate): number {
  const from = Math.max(0, Math.floor(fromS * rate));
  const to = Math.min(samples.length, Math.floor(toS * rate));
  let s = 0;
  for (let i = from; i < to; i++) s += samples[i]! ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Which of the fixture sounds (220 Hz hum, 3 kHz beep, white noise) a stretch most resembles. */
export function classifySound(samples: Float32Array, rate: number, fromS?: number, toS?: number): Sound {
  const zcr = zeroCrossingRate(samples, rate, fromS, toS);
  if (zcr < 1500) return 'low';
  // A 3 kHz sine crosses 6000 times a second; noise crosses about rate/2 times (or near Nyquist of 16 kHz).
  return zcr < 6600 ? 'high' : 'noise';
}
