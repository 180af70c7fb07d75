// Media whose container states no length (a MediaRecorder WebM, say) is held to the same caps as any other:
// its length is measured by reading it (nothing decoded) before anything is decoded, and it is refused
// past the limit; every decode is bounded. Fixtures: test/fixtures/media/hostile/no-duration*.webm.
import { afterAll, describe, expect, it } from 'vitest';
import { planAudioWindows } from '../../src/ingest/audio/windows.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { ingestAudio } from '../../src/ingest/pipeline.ts';
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import { probeVideo, videoFrames } from '../../src/ingest/video/extract-video.ts';
import type { Trove } from '../../src/trove.ts';
import { dominantColour, entry, fixtureFile, pixelsOf } from '../support/media-files.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';

const client = new FfmpegClient();
const names = freshNames('media-caps');
let trove: Trove | null = null;
afterAll(async () => {
  client.terminate();
  await destroyTrove(trove, names);
});

async function failure(promise: Promise<unknown>): Promise<MediaDecodeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaDecodeError);
  return error as MediaDecodeError;
}

describe('media that states no length', () => {
  it('the fixtures state none: ffprobe finds no duration', async () => {
    for (const path of ['hostile/no-duration.webm', 'hostile/no-duration-audio.webm']) {
      const probe = await client.probe(await fixtureFile(path));
      expect(probe.durationS, path).toBeNull();
      expect(probe.audio, path).not.toBeNull();
    }
  });

  it('a scan measures the real length without decoding', async () => {
    const facts = (await entry('hostile/no-duration.webm')).facts;
    const length = await client.scan(await fixtureFile('hostile/no-duration.webm'), 3600);
    expect(Math.abs(length - facts.durationS!)).toBeLessThan(0.15);
  });

  it('a video is framed on its measured length, window by window', async () => {
    const file = await fixtureFile('hostile/no-duration.webm');
    const probe = await probeVideo(client, file);
    expect(Math.abs(probe.durationS - 6)).toBeLessThan(0.15);
    const frames = [];
    for await (const batch of videoFrames(client, file, probe, { intervalS: 1, windowS: 2 }))
      frames.push(...batch);
    expect(frames.map((f) => f.t)).toEqual([0, 1, 2, 3, 4, 5]);
    const colours = await Promise.all(frames.map(async (f) => dominantColour(await pixelsOf(f.image))));
    expect(colours).toEqual(['red', 'red', 'green', 'green', 'blue', 'blue']);
  });

  it('one request never returns more frames than asked, whatever the file holds', async () => {
    const file = await fixtureFile('hostile/no-duration.webm');
    const frames = await client.frames(file, { intervalS: 0.5, maxFrames: 3 });
    expect(frames.map((f) => f.t)).toEqual([0, 0.5, 1]);
  });

  it('a video longer than the limit is refused before any frame is decoded', async () => {
    const error = await failure(
      probeVideo(client, await fixtureFile('hostile/no-duration.webm'), { maxDurationS: 4 }),
    );
    expect(error.code).toBe('too-long');
    expect(error.message).toMatch(/runs longer than the limit of 0:04.*does not state its length/);
  });
});

describe('audio that states no length', () => {
  it('is measured, then decoded chunk by chunk up to that length', async () => {
    // Everything through ffmpeg (the browser's decoder would read this WebM whole), 5 s at a time.
    trove = await openTestTrove(names, {
      pipeline: { transcribe: false, maxWholeAudioBytes: 0, audioChunkS: 5 },
    });
    const report = await trove.addFiles([await fixtureFile('hostile/no-duration-audio.webm')]);
    await trove.queue.whenIdle();
    const item = (await trove.library.getItem(report.files[0]!.itemId!))!;
    expect(item.status, item.error?.message).toBe('ready');
    expect(item.kind).toBe('audio');
    expect(Math.abs(item.media!.durationS! - 6)).toBeLessThan(0.15);
    const windows = (await trove.library.getSegments(item.id)).filter((s) => s.kind === 'audio-window');
    expect(windows.map((w) => [w.t0, w.t1])).toEqual(planAudioWindows(item.media!.durationS!));
  });

  it('is refused past the length limit, before any of it is decoded', async () => {
    const file = await fixtureFile('hostile/no-duration-audio.webm');
    let decoded = 0;
    const counting = Object.create(client) as FfmpegClient;
    counting.audio = (...args) => {
      decoded++;
      return client.audio(...args);
    };
    const error = await failure(
      ingestAudio(file, 'capped', {
        encoders: trove!.encoders,
        ffmpeg: counting,
        options: { maxWholeAudioBytes: 0, maxAudioDurationS: 4 },
      }),
    );
    expect(error.code).toBe('too-long');
    expect(error.message).toMatch(/audio runs longer than the limit of 0:04.*does not state its length/);
    expect(decoded).toBe(0);
  });
});
