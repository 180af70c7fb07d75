// Every fixture in bad/ must be refused with the reason its manifest entry names, by the first stage that
// can tell: content detection, or the decoder of the kind detection found.
import { afterAll, describe, expect, it } from 'vitest';
import { detectFileType, type FileType } from '../../src/ingest/detect-type.ts';
import { decodeImage } from '../../src/ingest/image/decode-image.ts';
import { decodeAudioFile } from '../../src/ingest/audio/decode-audio.ts';
import { extractText } from '../../src/ingest/text/extract-text.ts';
import { probeVideo, videoFrames } from '../../src/ingest/video/extract-video.ts';
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { fixtureFile, manifest } from '../support/media-files.ts';

const ffmpeg = new FfmpegClient();
afterAll(() => ffmpeg.terminate());

async function decode(file: File, type: FileType): Promise<void> {
  switch (type.kind) {
    case 'image':
      await decodeImage(file, type.format);
      return;
    case 'audio':
      await decodeAudioFile(file, { ffmpeg });
      return;
    case 'text':
      await extractText(file, type.format);
      return;
    case 'video': {
      // As the pipeline does, a "video" container holding sound only is taken as audio.
      const probe = await probeVideo(ffmpeg, file).catch(async (error: unknown) => {
        if (!(error instanceof MediaDecodeError && error.code === 'no-video-stream')) throw error;
        await decodeAudioFile(file, { ffmpeg, maxWebAudioBytes: 0 });
        return null;
      });
      if (probe) for await (const batch of videoFrames(ffmpeg, file, probe)) void batch;
    }
  }
}

/** The stage and reason that refused the file, or null if nothing did. */
async function refusal(path: string): Promise<{ stage: string; code: string; message: string } | null> {
  const file = await fixtureFile(path);
  const detected = await detectFileType(file);
  if (!detected.ok) return { stage: 'detect', code: detected.code, message: detected.message };
  try {
    await decode(file, detected.type);
    return null;
  } catch (error) {
    if (!(error instanceof MediaDecodeError)) throw error;
    return { stage: 'decode', code: error.code, message: error.message };
  }
}

describe('bad files', async () => {
  const bad = (await manifest()).filter((e) => e.kind === 'bad');

  it('the manifest has bad files to test', () => {
    expect(bad.length).toBeGreaterThanOrEqual(9);
  });

  it.each(bad.map((e) => [e.path, e.facts.failure!] as const))(
    '%s is refused as %s',
    async (path, failure) => {
      const result = await refusal(path);
      expect(result, `${path} was accepted`).not.toBeNull();
      expect(result!.code).toBe(failure);
      expect(result!.message.length).toBeGreaterThan(10);
    },
  );
});

describe('good files', async () => {
  // Every fixture Trove must take, the hostile files made to be taken unharmed among them (the hostile ones
  // it must refuse have their own e2e spec: test/e2e/hostile-corpus.spec.ts).
  const good = (await manifest()).filter((e) => e.kind !== 'bad' && !e.facts.failure);

  it.each(good.map((e) => e.path))('%s is accepted by detection and its decoder', async (path) => {
    expect(await refusal(path)).toBeNull();
  });
});
