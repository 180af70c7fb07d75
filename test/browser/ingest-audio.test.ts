import { afterAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/ingest/audio/decode-audio.ts';
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { entry, fixtureFile } from '../support/media-files.ts';
import { classifySound, rms } from '../support/signal.ts';

const ffmpeg = new FfmpegClient();
afterAll(() => ffmpeg.terminate());

const formats = [
  'audio/low-hum.wav',
  'audio/low-hum.flac',
  'audio/low-hum.mp3',
  'audio/low-hum.ogg',
  'audio/low-hum.m4a',
  'audio/high-beep.wav',
  'audio/white-noise.wav',
];

describe('audio decoding', () => {
  it.each(formats)(
    '%s decodes in the browser to mono 48 kHz and 16 kHz of the right length and sound',
    async (path) => {
      const facts = (await entry(path)).facts;
      const audio = await decodeAudioFile(await fixtureFile(path), { ffmpeg });
      expect(audio.decodedBy).toBe('web-audio');
      // Lossy codecs pad a little (see the manifest's note).
      expect(Math.abs(audio.durationS - facts.durationS!)).toBeLessThan(0.1);
      expect(Math.abs(audio.pcm48k.length / 48_000 - audio.durationS)).toBeLessThan(0.001);
      expect(Math.abs(audio.pcm16k.length / 16_000 - audio.durationS)).toBeLessThan(0.001);
      const end = facts.durationS! - 0.2;
      expect(classifySound(audio.pcm48k, 48_000, 0.2, end)).toBe(facts.sound);
      expect(classifySound(audio.pcm16k, 16_000, 0.2, end)).toBe(facts.sound);
      // The fixtures are at amplitude 0.3: a sine has RMS 0.3/√2, uniform noise 0.3/√3.
      const expected = facts.sound === 'noise' ? 0.3 / Math.sqrt(3) : 0.3 / Math.SQRT2;
      expect(rms(audio.pcm48k, 48_000, 0.2, end)).toBeGreaterThan(expected * 0.8);
      expect(rms(audio.pcm48k, 48_000, 0.2, end)).toBeLessThan(expected * 1.2);
    },
  );

  it('resamples 16 kHz speech up to 48 kHz and keeps it at 16 kHz', async () => {
    const file = await fixtureFile('audio/speech-plumber.wav');
    const audio = await decodeAudioFile(file);
    // A canonical 16-bit mono WAV: 44 bytes of header, then 2 bytes per sample.
    expect(audio.pcm16k.length).toBe((file.size - 44) / 2);
    expect(Math.abs(audio.pcm48k.length - audio.pcm16k.length * 3)).toBeLessThanOrEqual(3);
  });

  it('downmixes stereo to the mean of the channels', async () => {
    // A WAV built here: left a 220 Hz sine, right its negation, so the mono mix is silence.
    const rate = 48_000;
    const n = rate;
    const data = new DataView(new ArrayBuffer(44 + n * 4));
    const text = (o: number, s: string) => [...s].forEach((c, i) => data.setUint8(o + i, c.charCodeAt(0)));
    text(0, 'RIFF');
    data.setUint32(4, 36 + n * 4, true);
    text(8, 'WAVEfmt ');
    data.setUint32(16, 16, true);
    data.setUint16(20, 1, true);
    data.setUint16(22, 2, true);
    data.setUint32(24, rate, true);
    data.setUint32(28, rate * 4, true);
    data.setUint16(32, 4, true);
    data.setUint16(34, 16, true);
    text(36, 'data');
    data.setUint32(40, n * 4, true);
    for (let i = 0; i < n; i++) {
      const v = Math.round(Math.sin((2 * Math.PI * 220 * i) / rate) * 0.3 * 32767);
      data.setInt16(44 + i * 4, v, true);
      data.setInt16(46 + i * 4, -v, true);
    }
    const audio = await decodeAudioFile(new File([data.buffer], 'stereo.wav'));
    expect(rms(audio.pcm48k, rate)).toBeLessThan(1e-3);
  });

  it('falls back to ffmpeg, which gives the same audio', async () => {
    const file = await fixtureFile('audio/low-hum.ogg');
    const browser = await decodeAudioFile(file, { ffmpeg });
    const viaFfmpeg = await decodeAudioFile(file, { ffmpeg, maxWebAudioBytes: 0 });
    expect(viaFfmpeg.decodedBy).toBe('ffmpeg');
    expect(Math.abs(viaFfmpeg.durationS - browser.durationS)).toBeLessThan(0.05);
    expect(classifySound(viaFfmpeg.pcm16k, 16_000, 0.2, 1.8)).toBe('low');
    expect(
      Math.abs(rms(viaFfmpeg.pcm48k, 48_000, 0.2, 1.8) - rms(browser.pcm48k, 48_000, 0.2, 1.8)),
    ).toBeLessThan(0.02);
  });

  it('reports a corrupt file as corrupt, after both decoders tried', async () => {
    const error = await decodeAudioFile(await fixtureFile('bad/corrupt.wav'), { ffmpeg }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaDecodeError);
    expect((error as MediaDecodeError).code).toBe('corrupt-data');
  });

  it('refuses audio longer than the limit', async () => {
    const error = await decodeAudioFile(await fixtureFile('audio/low-hum.wav'), { maxDurationS: 2 }).catch(
      (e: unknown) => e,
    );
    expect((error as MediaDecodeError).code).toBe('too-long');
  });

  it('decodes the audio track of a video file', async () => {
    const audio = await decodeAudioFile(await fixtureFile('video/timeline.mp4'), { ffmpeg });
    expect(Math.abs(audio.durationS - 6)).toBeLessThan(0.1);
    expect(classifySound(audio.pcm16k, 16_000, 2.4, 3.6)).toBe('high');
  });
});
