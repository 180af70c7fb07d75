import { describe, expect, it } from 'vitest';
import { MAX_WHOLE_AUDIO_BYTES, worstCaseDecodedBytes } from '../../src/ingest/audio/decode-audio.ts';

// Audio up to MAX_WHOLE_AUDIO_BYTES is decoded whole by the browser before its length is known, so the
// threshold is what bounds the memory a small hostile file (hours of low-bitrate audio) can take.
describe('whole-file audio decoding', () => {
  it('is bounded: the largest file decoded whole costs at most 400 MB of PCM', () => {
    expect(worstCaseDecodedBytes(MAX_WHOLE_AUDIO_BYTES)).toBeLessThanOrEqual(400 * 2 ** 20);
  });

  it('counts both rates: a minute at 6 kbit/s (45 kB) decodes to 48 and 16 kHz floats', () => {
    const minute = (6_000 / 8) * 60;
    expect(worstCaseDecodedBytes(minute)).toBe(60 * (48_000 + 16_000) * 4);
  });

  it('would not have been bounded at the former 16 MB', () => {
    expect(worstCaseDecodedBytes(16 * 2 ** 20)).toBeGreaterThan(5 * 2 ** 30);
  });
});
