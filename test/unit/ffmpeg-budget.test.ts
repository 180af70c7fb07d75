import { describe, expect, it } from 'vitest';
import { defaultWatchdog, jobBudgetMs } from '../../src/ingest/video/ffmpeg-budget.ts';

const MB = 1_048_576;

describe('the ffmpeg watchdog budget', () => {
  it('gives every job at least the floor', () => {
    expect(jobBudgetMs({ kind: 'probe', bytes: 0 })).toBe(defaultWatchdog.floorMs);
    expect(jobBudgetMs({ kind: 'audio', bytes: 0, seconds: 0 })).toBe(20_000);
  });

  it('grows with the bytes a job may read', () => {
    expect(jobBudgetMs({ kind: 'probe', bytes: 2048 * MB })).toBe(20_000 + 2048 * 50);
  });

  it('grows with the audio decoded: a 130 s chunk of a 100 MB file', () => {
    expect(jobBudgetMs({ kind: 'audio', bytes: 100 * MB, seconds: 130 })).toBe(20_000 + 5_000 + 13_000);
  });

  it('grows with the pixels decoded, counting an unknown size or rate as 4K at 60 fps', () => {
    const hd = { kind: 'frames', bytes: 0, seconds: 120, width: 1920, height: 1080, frameRate: 30 } as const;
    expect(jobBudgetMs(hd)).toBe(Math.ceil(20_000 + ((120 * 30 * 1920 * 1080) / 1e6) * 100));
    expect(jobBudgetMs({ ...hd, width: undefined, frameRate: null })).toBe(
      Math.ceil(20_000 + ((120 * 60 * 3840 * 2160) / 1e6) * 100),
    );
  });

  it('scans a 4 h file in far less than decoding it would take', () => {
    const scan = jobBudgetMs({ kind: 'scan', bytes: 0, seconds: 4 * 3600 + 1 });
    expect(scan).toBe(20_000 + 144_010);
  });

  it('takes its limits from the caller', () => {
    const limits = { ...defaultWatchdog, floorMs: 1000, msPerMB: 0 };
    expect(jobBudgetMs({ kind: 'probe', bytes: 10 * MB }, limits)).toBe(1000);
  });
});
