// Captions at ingest, from pictures to text-space segments, with the real caption and text workers on the
// fixture models (WASM): a still image gets one caption segment; video frames get one segment per run of
// identical captions, spanning its frames' times even across batches; the words reach the keyword index,
// so "red" finds the red picture's caption and not the blue one's.
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoders } from '../../src/encoders/encoders';
import { CaptionCollector, captionSegments } from '../../src/ingest/caption-segments';
import { pictureForCaption } from '../../src/ingest/caption-image';
import { SearchCatalog } from '../../src/search/catalog';
import type { SegmentRecord } from '../../src/library/records';
import { fixtureModelsConfig } from '../support/fixture-models';
import { fetchBlob } from '../support/browser-media';
import { fixtureAnswer } from '../../scripts/fixtures/models/florence-script';
import { itemRecord } from '../support/factories.ts';

const encoders = createEncoders(fixtureModelsConfig('/test/fixtures/models/', { enabled: true }), {
  prefer: 'wasm',
});
afterAll(() => encoders.terminate());
const deps = { caption: encoders.caption!, text: encoders.text };
const picture = (file: string) => fetchBlob(`image/${file}`);

describe('caption segments', () => {
  it('a still image: one caption segment in the text space, no time, no OCR text', async () => {
    const segments = await captionSegments([{ image: await picture('red-square.png') }], deps, { ocr: true });
    expect(segments.map((s) => s.draft)).toEqual([
      { kind: 'caption', text: fixtureAnswer('detailed', 'red', 'white') },
    ]);
    const [v] = segments.map((s) => s.vector);
    expect(v).toHaveLength(16);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 4);
    // The vector is the text embedder's own for those words.
    const [direct] = await encoders.text.embedTexts([segments[0]!.draft.text], 'passage');
    expect(Array.from(v!)).toEqual(Array.from(direct!));
  });

  it('video frames: a run of identical captions is one segment over its frames, across batches', async () => {
    const [red, green, blue] = await Promise.all(
      ['red-square.png', 'green-field.jpg', 'blue-sky.webp'].map(picture),
    );
    const collector = new CaptionCollector(deps);
    await collector.add([
      { image: red!, t: 0 },
      { image: red!, t: 2 },
    ]);
    await collector.add([
      { image: red!, t: 4 },
      { image: green!, t: 6 },
      { image: blue!, t: 8 },
    ]);
    const segments = await collector.segments();
    expect(segments.map((s) => s.draft)).toEqual([
      { kind: 'caption', t0: 0, t1: 4, text: fixtureAnswer('detailed', 'red', 'white') },
      { kind: 'caption', t0: 6, t1: 6, text: fixtureAnswer('detailed', 'green', 'yellow') },
      { kind: 'caption', t0: 8, t1: 8, text: fixtureAnswer('detailed', 'blue', 'white') },
    ]);
    expect(segments.every((s) => s.vector.length === 16)).toBe(true);
  });

  it('read text when the caption worker is configured to (captions.ocr), unless told otherwise', async () => {
    const asked: number[] = [];
    const counting = (readsText: boolean) => ({
      caption: (images: Blob[]) => deps.caption.caption(images),
      readText: (images: Blob[]) => (asked.push(images.length), deps.caption.readText(images)),
      readsText,
    });
    const red = [{ image: await picture('red-square.png') }];
    expect(deps.caption.readsText).toBe(false);
    await captionSegments(red, { ...deps, caption: counting(false) });
    expect(asked).toEqual([]);
    await captionSegments(red, { ...deps, caption: counting(true) });
    expect(asked).toEqual([1]);
    await captionSegments(red, { ...deps, caption: counting(true) }, { ocr: false });
    expect(asked).toEqual([1]);
  });

  it('no pictures, no segments', async () => {
    expect(await captionSegments([], deps)).toEqual([]);
  });

  it('reach the keyword index: "red" finds the red picture\'s caption, not the blue one\'s', async () => {
    const catalog = new SearchCatalog();
    const files = ['red-square.png', 'blue-sky.webp'];
    for (const [n, file] of files.entries()) {
      const [s] = await captionSegments([{ image: await picture(file) }], deps);
      const item = itemRecord(file, { mime: 'image/png' });
      const segment: SegmentRecord = { id: `${file}:s1`, itemId: file, spaces: ['text'], ...s!.draft };
      catalog.upsertItem(item, [{ key: n + 1, segment }]);
    }
    expect((await catalog.lexical('red', [])).hits.map((h) => h.key)).toEqual([1]);
    expect((await catalog.lexical('blue', [])).hits.map((h) => h.key)).toEqual([2]);
  });
});

describe('the picture a captioner sees of a still image', () => {
  it('is the file itself when it is small enough', async () => {
    const file = await picture('red-square.png');
    expect(await pictureForCaption(file)).toBe(file);
  });

  it('is scaled down, upright, when it is larger', async () => {
    // Stored 128x96 with EXIF orientation 6: upright it is 96 wide and 128 tall.
    const scaled = await pictureForCaption(await picture('rotated-exif.jpg'), 64);
    const bitmap = await createImageBitmap(scaled);
    expect([bitmap.width, bitmap.height]).toEqual([48, 64]);
    bitmap.close();
    // Still the same picture to the captioner.
    expect(await encoders.caption!.caption([scaled])).toEqual([fixtureAnswer('detailed', 'black', 'white')]);
  });
});
