import { describe, expect, it } from 'vitest';
import { PeakMeter, meterPeaks } from '../../src/ingest/audio/waveform.ts';
import type { PcmChunk, PcmSource } from '../../src/ingest/audio/pcm-chunks.ts';
import { windowMark } from '../../src/ui/search/window-mark.ts';
import { WAVEFORM_BARS, waveformSvg, waveformThumbnail } from '../../src/ingest/audio/waveform-image.ts';

const RATE = 1000;

/** `seconds` of silence with a burst of amplitude `level` over [fromS, toS). */
function burst(seconds: number, fromS: number, toS: number, level = 0.5): Float32Array {
  const pcm = new Float32Array(seconds * RATE);
  for (let i = Math.round(fromS * RATE); i < Math.round(toS * RATE); i++) pcm[i] = i % 2 ? level : -level;
  return pcm;
}

describe('PeakMeter', () => {
  it('puts a burst in the columns of its time, and nothing elsewhere', () => {
    const meter = new PeakMeter(RATE);
    meter.push(burst(10, 4, 6));
    expect(meter.durationS).toBe(10);
    const peaks = Array.from(meter.peaks(10));
    expect(peaks.map((p) => Math.round(p * 10) / 10)).toEqual([0, 0, 0, 0, 0.5, 0.5, 0, 0, 0, 0]);
  });

  it('gives the same peaks however the samples are split into pushes', () => {
    const pcm = burst(7, 2.5, 3.1, 0.8);
    const whole = new PeakMeter(RATE, { initialBinS: 0.01, maxBins: 64 });
    whole.push(pcm);
    const pieces = new PeakMeter(RATE, { initialBinS: 0.01, maxBins: 64 });
    for (let i = 0; i < pcm.length; i += 333) pieces.push(pcm.subarray(i, i + 333));
    expect(Array.from(pieces.peaks(35))).toEqual(Array.from(whole.peaks(35)));
  });

  it('keeps its size bounded on a long sound, and the burst where it was', () => {
    // 1000 s at 10 ms bins would be 100k bins; 512 make it halve 8 times, to 2.56 s bins.
    const meter = new PeakMeter(RATE, { initialBinS: 0.01, maxBins: 512 });
    meter.push(burst(1000, 740, 760));
    const peaks = meter.peaks(100);
    expect(peaks[74]).toBeCloseTo(0.5);
    expect(peaks[75]).toBeCloseTo(0.5);
    const elsewhere = Array.from(peaks).filter((_, i) => i < 74 || i > 75);
    expect(Math.max(...elsewhere)).toBe(0);
  });

  it('fills every column of a sound shorter than the columns', () => {
    const meter = new PeakMeter(RATE, { initialBinS: 0.1 });
    meter.push(burst(1, 0, 1, 0.3));
    expect(Array.from(meter.peaks(53)).every((p) => Math.abs(p - 0.3) < 1e-6)).toBe(true);
  });

  it('of nothing, is flat', () => {
    expect(Array.from(new PeakMeter(RATE).peaks(4))).toEqual([0, 0, 0, 0]);
  });
});

describe('meterPeaks', () => {
  it('meters each chunk once, before the chunk goes on', async () => {
    const pcm16k = burst(3, 1, 2);
    const chunk = (startS: number, last: boolean): PcmChunk => ({
      startS,
      pcm48k: new Float32Array(0),
      pcm16k: pcm16k.subarray(startS * RATE, (startS + 1) * RATE),
      spanS: 1,
      last,
    });
    const source: PcmSource = {
      durationS: 3,
      async *chunks() {
        yield chunk(0, false);
        yield chunk(1, false);
        yield chunk(2, true);
      },
    };
    const meter = new PeakMeter(RATE);
    const seen: number[] = [];
    for await (const c of meterPeaks(source, meter).chunks()) {
      seen.push(meter.durationS);
      c.pcm16k.fill(0); // what a later step may do to its buffer
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(Array.from(meter.peaks(3)).map((p) => Math.round(p * 10) / 10)).toEqual([0, 0.5, 0]);
  });
});

describe('windowMark', () => {
  it('places a window by its share of the duration', () => {
    expect(windowMark({ kind: 'time', t0: 2, t1: 4 }, 8)).toEqual({ left: 25, width: 25 });
  });

  it('keeps a short window visible and inside the picture', () => {
    expect(windowMark({ kind: 'time', t0: 3599.9, t1: 3600 }, 3600)).toEqual({ left: 98, width: 2 });
  });

  it('marks nothing without a time range or a duration', () => {
    expect(windowMark({ kind: 'whole' }, 8)).toBeNull();
    expect(windowMark({ kind: 'time', t0: 0, t1: 1 }, undefined)).toBeNull();
    expect(windowMark({ kind: 'time', t0: 0, t1: 1 }, 0)).toBeNull();
  });
});

describe('waveformSvg', () => {
  const bars = (svg: string) => [...svg.matchAll(/M(\d+) (\d+)h2v(\d+)/g)].map((m) => m.slice(1).map(Number));

  it('draws one bar per loud stretch, as tall as its peak, centred on the midline', () => {
    const peaks = new Float32Array(WAVEFORM_BARS);
    peaks[10] = 0.5;
    peaks[20] = 0.25;
    const drawn = bars(waveformSvg(peaks));
    expect(drawn.map(([x]) => x)).toEqual([1 + 10 * 3, 1 + 20 * 3]);
    const [[, y1, h1], [, y2, h2]] = drawn as [number[], number[]];
    expect(h1).toBe(2 * 52); // the loudest fills the height less the padding
    expect(h2).toBe(52);
    expect(y1! + h1! / 2).toBe(60);
    expect(y2! + h2! / 2).toBe(60);
  });

  it('keeps a quiet sound small and silence flat', () => {
    const quiet = new Float32Array(WAVEFORM_BARS).fill(0.05);
    expect(bars(waveformSvg(quiet)).every(([, , h]) => h! <= 2 * 11)).toBe(true);
    expect(bars(waveformSvg(new Float32Array(WAVEFORM_BARS)))).toEqual([]);
  });

  it('is stored as an SVG thumbnail the size of a video frame', async () => {
    const meter = new PeakMeter(RATE);
    meter.push(burst(2, 0.5, 1.5));
    const thumb = waveformThumbnail(meter);
    expect([thumb.width, thumb.height, thumb.blob.type]).toEqual([160, 120, 'image/svg+xml']);
    expect(await thumb.blob.text()).toMatch(/^<svg [^>]*width="160" height="120"/);
  });
});
