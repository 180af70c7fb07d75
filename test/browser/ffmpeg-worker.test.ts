import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { probeVideo, videoAudioTrack, videoFrames } from '../../src/ingest/video/extract-video.ts';
import type { ExtractedFrame } from '../../src/ingest/video/ffmpeg-protocol.ts';
import { dominantColour, entry, fixtureFile, pixelsOf } from '../support/media-files.ts';
import { classifySound } from '../support/signal.ts';

const client = new FfmpegClient();
afterAll(() => client.terminate());

const videos = [
  'video/timeline.mp4',
  'video/timeline.webm',
  'video/timeline.mov',
  'video/timeline.mkv',
  'video/timeline-silent.mp4',
];

async function collect(
  gen: AsyncGenerator<ExtractedFrame[]>,
): Promise<{ frames: ExtractedFrame[]; batches: number }> {
  const frames: ExtractedFrame[] = [];
  let batches = 0;
  for await (const batch of gen) {
    frames.push(...batch);
    batches++;
  }
  return { frames, batches };
}

async function frameColours(frames: ExtractedFrame[]) {
  return Promise.all(frames.map(async (f) => dominantColour(await pixelsOf(f.image))));
}

async function expectError(promise: Promise<unknown>, code: string): Promise<MediaDecodeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a MediaDecodeError ${code}`).toBeInstanceOf(MediaDecodeError);
  expect((error as MediaDecodeError).code).toBe(code);
  return error as MediaDecodeError;
}

describe('ffmpeg.wasm in its own worker', () => {
  it('loads the core from the app origin', async () => {
    expect(await client.load()).toMatch(/^ffmpeg version/);
  });

  it.each(videos)('probes %s: duration and streams', async (path) => {
    const facts = (await entry(path)).facts;
    const probe = await client.probe(await fixtureFile(path));
    expect(probe.durationS).toBeGreaterThan(facts.durationS! - 0.1);
    expect(probe.durationS).toBeLessThan(facts.durationS! + 0.1);
    expect(probe.video).toMatchObject({ codec: facts.videoCodec, width: facts.width, height: facts.height });
    if (facts.hasAudio) expect(probe.audio?.codec).toBe(facts.audioCodec);
    else expect(probe.audio).toBeNull();
  });

  it.each(videos)('%s at 2 s gives 3 frames at 0, 2 and 4 s with the timeline colours', async (path) => {
    const facts = (await entry(path)).facts;
    const file = await fixtureFile(path);
    const probe = await probeVideo(client, file);
    const { frames } = await collect(videoFrames(client, file, probe, { intervalS: 2 }));
    expect(frames.map((f) => f.t)).toEqual([0, 2, 4]);
    expect(await frameColours(frames)).toEqual(facts.timeline!.map((s) => s.colour));
    for (const f of frames) {
      // 160x120 scaled so the shortest side is 224, aspect kept (to an even width).
      expect(Math.min(f.width, f.height)).toBe(224);
      expect(Math.abs(f.width / f.height - 160 / 120)).toBeLessThan(0.02);
      const decoded = await createImageBitmap(f.image);
      expect([decoded.width, decoded.height]).toEqual([f.width, f.height]);
      expect(f.thumbnail.blob.type).toBe('image/jpeg');
      expect([f.thumbnail.width, f.thumbnail.height]).toEqual([160, 120]);
      const thumb = await createImageBitmap(f.thumbnail.blob);
      expect([thumb.width, thumb.height]).toEqual([160, 120]);
    }
    expect(
      await Promise.all(frames.map(async (f) => dominantColour(await pixelsOf(f.thumbnail.blob)))),
    ).toEqual(facts.timeline!.map((s) => s.colour));
  });

  it('takes frames at any interval: every second gives 6 frames', async () => {
    const file = await fixtureFile('video/timeline.mp4');
    const probe = await probeVideo(client, file);
    const { frames } = await collect(videoFrames(client, file, probe, { intervalS: 1 }));
    expect(frames.map((f) => f.t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await frameColours(frames)).toEqual(['red', 'red', 'green', 'green', 'blue', 'blue']);
  });

  it('extracts window by window, with the same frames as one pass', async () => {
    const file = await fixtureFile('video/timeline.webm');
    const probe = await probeVideo(client, file);
    const { frames, batches } = await collect(videoFrames(client, file, probe, { intervalS: 1, windowS: 2 }));
    expect(batches).toBe(3);
    expect(frames.map((f) => f.t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await frameColours(frames)).toEqual(['red', 'red', 'green', 'green', 'blue', 'blue']);
  });

  it('widens the interval to respect the cap on frames per video', async () => {
    const file = await fixtureFile('video/timeline.mp4');
    const probe = await probeVideo(client, file);
    const { frames } = await collect(videoFrames(client, file, probe, { intervalS: 1, maxFrames: 2 }));
    expect(frames.map((f) => f.t)).toEqual([0, 3]);
    expect(await frameColours(frames)).toEqual(['red', 'green']);
  });

  it('refuses a video longer than the limit', async () => {
    const file = await fixtureFile('video/timeline.mp4');
    const error = await expectError(probeVideo(client, file, { maxDurationS: 5 }), 'too-long');
    expect(error.message).toMatch(/0:06 long; the limit is 0:05/);
  });

  it.each(['video/timeline.mp4', 'video/timeline.webm', 'video/timeline.mov', 'video/timeline.mkv'])(
    '%s: the audio track as mono PCM at 48 and 16 kHz, with the timeline sounds',
    async (path) => {
      const facts = (await entry(path)).facts;
      const file = await fixtureFile(path);
      const probe = await probeVideo(client, file);
      const audio = await videoAudioTrack(client, file, probe);
      expect(audio).not.toBeNull();
      for (const [pcm, rate] of [
        [audio!.pcm48k, 48_000],
        [audio!.pcm16k, 16_000],
      ] as const) {
        expect(pcm.length / rate).toBeGreaterThan(facts.durationS! - 0.1);
        expect(pcm.length / rate).toBeLessThan(facts.durationS! + 0.1);
        // The middle of each 2 s stretch, away from codec transients at the joins.
        const heard = facts.timeline!.map((s) => classifySound(pcm, rate, s.start + 0.4, s.end - 0.4));
        expect(heard, `${path} at ${rate} Hz`).toEqual(facts.timeline!.map((s) => s.sound));
      }
    },
  );

  it('extracts a stretch of the audio track', async () => {
    const file = await fixtureFile('video/timeline.mp4');
    const { tracks } = await client.audio(file, { rates: [16_000], startS: 2, durationS: 2 });
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.samples.length / 16_000).toBeCloseTo(2, 1);
    expect(classifySound(tracks[0]!.samples, 16_000, 0.3, 1.7)).toBe('high');
  });

  it('handles a video without audio: frames, and no audio track', async () => {
    const file = await fixtureFile('video/timeline-silent.mp4');
    const probe = await probeVideo(client, file);
    expect(await videoAudioTrack(client, file, probe)).toBeNull();
    expect((await client.audio(file, { rates: [48_000] })).tracks).toEqual([]);
  });

  it('decodes audio-only files too (the fallback for decodeAudioData)', async () => {
    const file = await fixtureFile('audio/low-hum.m4a');
    const { tracks } = await client.audio(file, { rates: [48_000, 16_000] });
    expect(tracks.map((t) => t.rate)).toEqual([48_000, 16_000]);
    expect(tracks[0]!.samples.length / 48_000).toBeCloseTo(2, 1);
    expect(classifySound(tracks[0]!.samples, 48_000, 0.2, 1.8)).toBe('low');
    await expectError(probeVideo(client, file), 'no-video-stream');
  });

  it('gives each bad file its own clear error, and keeps working afterwards', async () => {
    const truncated = await expectError(
      probeVideo(client, await fixtureFile('bad/truncated.mp4')),
      'truncated',
    );
    expect(truncated.message).toMatch(/cut short/);
    expect(truncated.log.length).toBeGreaterThan(0);
    await expectError(client.probe(await fixtureFile('bad/not-a-video.webm')), 'corrupt-data');
    await expectError(
      client.audio(await fixtureFile('bad/corrupt.wav'), { rates: [16_000] }),
      'corrupt-data',
    );
    await expectError(client.probe(await fixtureFile('bad/zero-bytes.jpg')), 'corrupt-data');
    const file = await fixtureFile('video/timeline.mkv');
    const { frames } = await collect(videoFrames(client, file, await probeVideo(client, file)));
    expect(frames.map((f) => f.t)).toEqual([0, 2, 4]);
  });
});
