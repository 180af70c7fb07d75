import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime, formatTimeRange } from '../../src/ui/common/format-time.ts';
import { formatBytes } from '../../src/ui/common/format-bytes.ts';

describe('formatTime', () => {
  it('writes m:ss with the seconds floored', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(1.9)).toBe('0:01');
    expect(formatTime(59.99)).toBe('0:59');
    expect(formatTime(60)).toBe('1:00');
    expect(formatTime(754)).toBe('12:34');
  });
  it('adds hours past an hour, with two-digit minutes', () => {
    expect(formatTime(3600)).toBe('1:00:00');
    expect(formatTime(3600 + 5 * 60 + 7)).toBe('1:05:07');
  });
  it('treats negatives and non-numbers as zero', () => {
    expect(formatTime(-3)).toBe('0:00');
    expect(formatTime(Number.NaN)).toBe('0:00');
    expect(formatTime(Infinity)).toBe('0:00');
  });
  it('writes a range with an en dash, or one time when both ends share a second', () => {
    expect(formatTimeRange(2, 4)).toBe('0:02–0:04');
    expect(formatTimeRange(2.1, 2.8)).toBe('0:02');
    expect(formatTimeRange(62)).toBe('1:02');
  });
  it('says durations in seconds, minutes or hours', () => {
    expect(formatDuration(0.2)).toBe('under a second');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(150)).toBe('3 min');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(3600 + 1800)).toBe('1 h 30 min');
    expect(formatDuration(-1)).toBe('');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with up to three significant figures', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1 kB');
    expect(formatBytes(1536)).toBe('1.54 kB');
    expect(formatBytes(12_300_000)).toBe('12.3 MB');
    expect(formatBytes(250_000_000)).toBe('250 MB');
    expect(formatBytes(2.5e12)).toBe('2.5 TB');
  });
});
