// Long audio is decoded by ffmpeg a chunk at a time (bounded memory). The windows must fall exactly where
// planning the whole recording puts them, and hold the same samples, across chunk boundaries.
import { afterAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import { planAudioWindows } from '../../src/ingest/audio/windows.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { cosine } from '../support/browser-media.ts';

const RATE = 48_000;
const names = freshNames('long-audio');
let trove: Trove | null = null;
afterAll(() => destroyTrove(trove, names));

/** Mono 16-bit WAV: a 220 Hz hum for the first `switchS` seconds, then a 3 kHz beep. */
function toneWav(durationS: number, switchS: number): { file: File; pcm: Float32Array } {
  const n = Math.round(durationS * RATE);
  const pcm = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const hz = i < switchS * RATE ? 220 : 3000;
    pcm[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE);
  }
  const bytes = new DataView(new ArrayBuffer(44 + n * 2));
  const text = (at: number, s: string) => [...s].forEach((c, i) => bytes.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  bytes.setUint32(4, 36 + n * 2, true);
  text(8, 'WAVEfmt ');
  bytes.setUint32(16, 16, true);
  bytes.setUint16(20, 1, true);
  bytes.setUint16(22, 1, true);
  bytes.setUint32(24, RATE, true);
  bytes.setUint32(28, RATE * 2, true);
  bytes.setUint16(32, 2, true);
  bytes.setUint16(34, 16, true);
  text(36, 'data');
  bytes.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) bytes.setInt16(44 + i * 2, Math.round(pcm[i]! * 32767), true);
  // The encoder sees what the file holds: 16-bit samples.
  for (let i = 0; i < n; i++) pcm[i] = Math.round(pcm[i]! * 32767) / 32768;
  return { file: new File([bytes.buffer], 'long-tones.wav', { lastModified: 1_700_000_000_000 }), pcm };
}

describe('long audio', () => {
  it('is windowed across 30 s chunks exactly as the whole recording would be', async () => {
    trove = await openTestTrove(names, {
      // Everything through ffmpeg, 30 s at a time; no transcription (the fixture Whisper is slow here).
      pipeline: { transcribe: false, audioChunkS: 30, maxWholeAudioBytes: 0 },
    });
    const { file, pcm } = toneWav(73, 35);
    const report = await trove.addFiles([file]);
    await trove.queue.whenIdle();
    const itemId = report.files[0]!.itemId!;
    const item = (await trove.library.getItem(itemId))!;
    expect(item.status, item.error?.message).toBe('ready');
    expect(item.media?.durationS).toBeCloseTo(73, 2);

    const windows = (await trove.library.getSegments(itemId)).filter((s) => s.kind === 'audio-window');
    const planned = planAudioWindows(73);
    expect(planned.length).toBe(14);
    expect(windows.map((w) => [w.t0, w.t1])).toEqual(planned);

    // Each stored vector is the encoding of exactly the samples of its window.
    const reference = await trove.encoders.clap.embedAudio(
      planned.map(([t0, t1]) => pcm.slice(Math.round(t0 * RATE), Math.round(t1 * RATE))),
    );
    for (const [i, w] of windows.entries()) {
      const stored = (await trove.library.getVector(w.id, 'clap'))!.vector;
      expect(cosine(stored, reference[i]!), `window at ${w.t0} s`).toBeGreaterThan(0.999);
    }
    // And the hum and the beep really are apart: a window in the hum is not like one in the beep.
    const first = (await trove.library.getVector(windows[0]!.id, 'clap'))!.vector;
    const last = (await trove.library.getVector(windows.at(-1)!.id, 'clap'))!.vector;
    expect(cosine(first, last)).toBeLessThan(0.9);
  });
});
