import { describe, expect, it } from 'vitest';
import { planFrames } from '../../src/ingest/video/extract-video.ts';

describe('planFrames', () => {
  it('puts a 6 s video at 2 s intervals at 0, 2 and 4 s', () => {
    expect(planFrames(6, { intervalS: 2 })).toEqual({ intervalS: 2, count: 3, windows: [[0, 6]] });
  });

  it('takes no frame in the last instant, where containers often run past the last frame', () => {
    expect(planFrames(6.008, { intervalS: 2 }).count).toBe(3);
    expect(planFrames(6.008, { intervalS: 1 }).count).toBe(6);
    expect(planFrames(7, { intervalS: 2 }).count).toBe(4);
    expect(planFrames(0.2, { intervalS: 2 }).count).toBe(1);
  });

  it('widens the interval so a long video stays within the cap', () => {
    const plan = planFrames(3600, { intervalS: 2, maxFrames: 600 });
    expect(plan.count).toBeLessThanOrEqual(600);
    expect(plan.count).toBeGreaterThanOrEqual(598);
    expect(plan.intervalS).toBeCloseTo(6, 2);
    expect(planFrames(6, { intervalS: 1, maxFrames: 2 })).toMatchObject({ intervalS: 3, count: 2 });
    expect(planFrames(6, { intervalS: 1, maxFrames: 1 })).toMatchObject({ count: 1 });
  });

  it('splits the frames into windows of whole intervals that cover them all, in order', () => {
    const plan = planFrames(300, { intervalS: 2, windowS: 60 });
    expect(plan.windows).toHaveLength(5);
    expect(plan.windows[0]).toEqual([0, 60]);
    const times = plan.windows.flatMap(([s, e]) =>
      Array.from({ length: Math.round((e - s) / plan.intervalS) }, (_, i) => s + i * plan.intervalS),
    );
    expect(times).toHaveLength(plan.count);
    expect(times.at(-1)).toBe(298);
    const uneven = planFrames(10, { intervalS: 3, windowS: 7 });
    expect(uneven.windows).toEqual([
      [0, 6],
      [6, 12],
    ]);
  });

  it('has no frames for an empty video and rejects nonsense options', () => {
    expect(planFrames(0).count).toBe(0);
    expect(() => planFrames(6, { intervalS: 0 })).toThrow(RangeError);
    expect(() => planFrames(6, { maxFrames: 0 })).toThrow(RangeError);
  });
});
