// An audio item's waveform: the peak level over time, gathered from the PCM as ingest decodes it (chunk
// by chunk, so a long recording is never held whole for it), then drawn as the item's thumbnail.
import type { PcmSource } from './pcm-chunks.ts';

/**
 * The highest |sample| of each stretch of time. Stretches start at `initialBinS`; when there are more than
 * `maxBins`, neighbours merge and the stretch doubles, so memory stays bounded for any length while a
 * short clip keeps fine detail.
 */
export class PeakMeter {
  private bins: Float32Array;
  private count = 0;
  private binSamples: number;
  /** Samples gone into the open bin (bins[count]). */
  private filled = 0;
  private samples = 0;

  constructor(
    readonly sampleRate: number,
    { initialBinS = 0.005, maxBins = 4096 }: { initialBinS?: number; maxBins?: number } = {},
  ) {
    // An even number of bins halves exactly; one more slot holds the open bin.
    this.bins = new Float32Array(Math.max(2, maxBins - (maxBins % 2)) + 1);
    this.binSamples = Math.max(1, Math.round(initialBinS * sampleRate));
  }

  push(pcm: Float32Array): void {
    for (let i = 0; i < pcm.length; i++) {
      const v = Math.abs(pcm[i]!);
      if (v > this.bins[this.count]!) this.bins[this.count] = v;
      if (++this.filled === this.binSamples) {
        this.filled = 0;
        if (++this.count === this.bins.length - 1) this.halve();
      }
    }
    this.samples += pcm.length;
  }

  get durationS(): number {
    return this.samples / this.sampleRate;
  }

  /** The peak of each of `columns` equal stretches of the whole sound (zeros when nothing was pushed). */
  peaks(columns: number): Float32Array {
    const out = new Float32Array(columns);
    const used = this.count + (this.filled > 0 ? 1 : 0);
    if (used === 0) return out;
    const totalBins = this.samples / this.binSamples;
    for (let b = 0; b < used; b++) {
      // By the bin's middle: a bin straddling two columns most likely holds the sound of the one it centres on.
      const column = Math.min(columns - 1, Math.floor(((b + 0.5) / totalBins) * columns));
      if (this.bins[b]! > out[column]!) out[column] = this.bins[b]!;
    }
    // A sound shorter than `columns` bins leaves gaps; each takes the bin that covers its time.
    for (let c = 0; c < columns; c++) {
      if (out[c] !== 0) continue;
      const b = Math.min(used - 1, Math.floor(((c + 0.5) / columns) * totalBins));
      out[c] = this.bins[b]!;
    }
    return out;
  }

  /** Called as the last bin closes, so every bin is complete and there is an even number of them. */
  private halve(): void {
    const half = this.count >> 1;
    for (let i = 0; i < half; i++) this.bins[i] = Math.max(this.bins[2 * i]!, this.bins[2 * i + 1]!);
    this.bins.fill(0, half);
    this.count = half;
    this.binSamples *= 2;
  }
}

/**
 * The same PCM source, feeding each chunk's 16 kHz samples (the span the chunk owns, no overlap) to
 * `meter` before anyone else sees the chunk: later steps may hand its buffers to a worker.
 */
export function meterPeaks(source: PcmSource, meter: PeakMeter): PcmSource {
  return {
    durationS: source.durationS,
    async *chunks() {
      for await (const chunk of source.chunks()) {
        meter.push(chunk.pcm16k);
        yield chunk;
      }
    },
  };
}
