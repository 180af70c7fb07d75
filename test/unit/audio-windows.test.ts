import { describe, expect, it } from 'vitest';
import { audioWindows, planAudioWindows } from '../../src/ingest/audio/windows.ts';

describe('audio windows for CLAP', () => {
  it('covers the audio with 10 s windows every 5 s, the last ending at the end', () => {
    expect(planAudioWindows(23)).toEqual([
      [0, 10],
      [5, 15],
      [10, 20],
      [15, 23],
    ]);
    expect(planAudioWindows(20)).toEqual([
      [0, 10],
      [5, 15],
      [10, 20],
    ]);
  });

  it('gives one short window for audio shorter than a window, and none for nothing', () => {
    expect(planAudioWindows(3)).toEqual([[0, 3]]);
    expect(planAudioWindows(0)).toEqual([]);
  });

  it('follows the window and hop it is given', () => {
    expect(planAudioWindows(6, { windowS: 2, hopS: 2 })).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    expect(() => planAudioWindows(6, { windowS: 2, hopS: 3 })).toThrow(RangeError);
  });

  it('slices the samples of each window without copying', () => {
    const rate = 100;
    const pcm = Float32Array.from({ length: 2350 }, (_, i) => i);
    const windows = audioWindows(pcm, rate);
    expect(windows.map((w) => [w.t0, w.t1])).toEqual([
      [0, 10],
      [5, 15],
      [10, 20],
      [15, 23.5],
    ]);
    expect(windows[1]!.samples.length).toBe(1000);
    expect(windows[1]!.samples[0]).toBe(500);
    expect(windows[3]!.samples.length).toBe(850);
    expect(windows[3]!.samples.at(-1)).toBe(2349);
    expect(windows[0]!.samples.buffer).toBe(pcm.buffer);
  });
});
