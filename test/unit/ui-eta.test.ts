import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../src/ui/library/eta.ts';

describe('EtaEstimator', () => {
  it('knows nothing until progress has been seen over a long enough stretch', () => {
    const eta = new EtaEstimator(30_000, 1_500);
    expect(eta.secondsLeft(10)).toBeNull();
    eta.record(0, 0);
    eta.record(1_000, 1);
    expect(eta.secondsLeft(10)).toBeNull();
    eta.record(2_000, 2);
    // 1 file per second, 8 files left.
    expect(eta.secondsLeft(10)).toBeCloseTo(8);
  });
  it('follows the recent rate, not the rate at the start', () => {
    const eta = new EtaEstimator(10_000, 1_000);
    eta.record(0, 0);
    eta.record(20_000, 1); // a slow first file
    for (let t = 21_000; t <= 40_000; t += 1_000) eta.record(t, 1 + (t - 20_000) / 1_000);
    // 21 files done at 40 s, 1 per second lately.
    expect(eta.secondsLeft(31)).toBeCloseTo(10, 0);
  });
  it('takes a larger total as more files to do', () => {
    const eta = new EtaEstimator();
    eta.record(0, 0);
    eta.record(4_000, 2);
    expect(eta.secondsLeft(4)).toBeCloseTo(4);
    expect(eta.secondsLeft(6)).toBeCloseTo(8);
  });
  it('starts afresh when work done goes backwards, and says nothing while stalled', () => {
    const eta = new EtaEstimator();
    eta.record(0, 0);
    eta.record(5_000, 5);
    eta.record(6_000, 1);
    expect(eta.secondsLeft(10)).toBeNull();
    eta.record(9_000, 1);
    expect(eta.secondsLeft(10)).toBeNull();
  });
});
