// Captions through the whole ingest path, with captions turned on in the model configuration: real
// ffmpeg.wasm, transformers.js on the fixture models (the fixture Florence-2 names a picture's colours),
// IndexedDB and the vector index worker. A photo gets a caption segment in the text space that says what
// it shows; a video gets one caption segment per stretch of frames that look alike, at those frames' times.
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import type { SegmentRecord } from '../../src/library/records.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { entry, fixtureFile } from '../support/media-files.ts';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { fixtureAnswer } from '../../scripts/fixtures/models/florence-script.ts';

const names = freshNames('captions');
let trove: Trove;
const segments = new Map<string, SegmentRecord[]>();
const files = ['image/red-square.png', 'image/blue-sky.webp', 'video/timeline.mp4'];

beforeAll(async () => {
  trove = await openTestTrove(names, {
    // OCR on as well (the fixture finds no text in its pictures).
    config: fixtureModelsConfig('/test/fixtures/models/', { enabled: true, ocr: true }),
    // A frame a second, so each 2 s colour of the fixture video is seen twice.
    pipeline: { video: { intervalS: 1 } },
  });
  const report = await trove.addFiles(await Promise.all(files.map((f) => fixtureFile(f))));
  await trove.queue.whenIdle();
  for (const [i, f] of report.files.entries()) {
    const item = await trove.library.getItem(f.itemId!);
    expect(item?.status, `${files[i]}: ${item?.error?.message}`).toBe('ready');
    segments.set(files[i]!, await trove.library.getSegments(f.itemId!));
  }
}, MAX_TEST_EXECUTION_TIME);

afterAll(() => destroyTrove(trove, names));

const captionsOf = (file: string) => segments.get(file)!.filter((s) => s.kind === 'caption');

describe('captions at ingest', () => {
  it('a photo gets one caption, in the text space, saying what it shows', () => {
    expect(captionsOf('image/red-square.png')).toMatchObject([
      { kind: 'caption', spaces: ['text'], text: fixtureAnswer('detailed', 'red', 'white') },
    ]);
    expect(captionsOf('image/blue-sky.webp')).toMatchObject([
      { kind: 'caption', text: fixtureAnswer('detailed', 'blue', 'white') },
    ]);
    expect(captionsOf('image/red-square.png')[0]!.t0).toBeUndefined();
  });

  it('the caption has a stored text vector of the text space', async () => {
    const [caption] = captionsOf('image/red-square.png');
    const vectors = await trove.library.vectorsOfItem(caption!.itemId);
    const v = vectors.find((r) => r.segmentId === caption!.id);
    expect(v?.space).toBe('text');
    expect(v?.vector).toHaveLength(16);
  });

  it('a video: one caption per colour stretch, timed within the frames that show that colour', async () => {
    const { timeline, letterbox } = (await entry('video/timeline.mp4')).facts;
    const colourAt = (t: number) => timeline!.find((s) => t >= s.start && t < s.end)!.colour;
    const captions = captionsOf('video/timeline.mp4');
    // The letterbox bars are the frames' accent.
    expect(captions.map((c) => c.text)).toEqual(
      timeline!.map((s) => fixtureAnswer('detailed', s.colour!, letterbox?.colour)),
    );
    for (const c of captions) {
      expect(c.t1! - c.t0!, c.text).toBeGreaterThanOrEqual(0.9); // two frames, a second apart
      expect(c.text).toContain(colourAt(c.t0!));
      expect(c.text).toContain(colourAt(c.t1!));
    }
    // Every frame is still there, in the clip space, beside its caption.
    const frames = segments.get('video/timeline.mp4')!.filter((s) => s.kind === 'frame');
    expect(frames.length).toBe(6);
  });

  it('reads no text where there is none: no OCR segments', () => {
    for (const f of files)
      expect(
        segments.get(f)!.filter((s) => s.kind === 'ocr'),
        f,
      ).toEqual([]);
  });
});
