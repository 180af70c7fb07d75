// Issue 23 through the whole ingest path (Trove: detection, the image workers, ffmpeg.wasm, the places
// worker and its gazetteer, the caption worker on the fixture Florence-2, the document worker, IndexedDB),
// with text reading on and captions off:
//   - places: EXIF GPS of photos and the location tag of a video become city, region and country on the
//     item, and the names reach the keyword index ("Lisbon" finds the two Lisbon photos);
//   - text in pictures: OCR text becomes 'ocr' segments with the picture they came from (the photo, or the
//     seconds of the clip that show the sign), and pictures that fail the cheap text test are never shown
//     to the model;
//   - languages: each document chunk records its language, and transcripts the one chosen in Settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import type { ItemRecord, SegmentRecord } from '../../src/library/records.ts';
import { SearchCatalog } from '../../src/search/catalog.ts';
import { PlaceFinder } from '../../src/ingest/places/place-finder.ts';
import { TEXT_CROSSINGS_PER_ROW, textEvidence } from '../../src/ingest/image/text-test.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { entry, fixtureFile } from '../support/media-files.ts';
import { fetchBlob } from '../support/browser-media.ts';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';
import { dashcamVideo, languageDocuments, placePhotos, textPictures } from '../../scripts/fixtures/world.ts';

const names = freshNames('understand');
let trove: Trove;
const stored = new Map<string, { item: ItemRecord; segments: (SegmentRecord & { key: number })[] }>();
const catalog = new SearchCatalog();

const photos = placePhotos.map((p) => `places/${p.file}`);
const texts = [...textPictures.map((p) => `ocr/${p.file}`), `ocr/${dashcamVideo.file}`];
const documents = languageDocuments.map((d) => `languages/${d.file}`);
/** Neither GPS nor text: no place, and the text test keeps it from the model. */
const plain = ['image/green-field.jpg', 'image/red-square.png'];
const speech = 'audio/speech-plumber.wav';
const files = [...photos, ...texts, ...documents, ...plain, speech];

beforeAll(async () => {
  trove = await openTestTrove(names, {
    config: fixtureModelsConfig('/test/fixtures/models/', { enabled: false, ocr: true }),
    // A frame a second, so the sign (2–4 s) is seen in two frames.
    pipeline: { video: { intervalS: 1 } },
    // As chosen in Settings: recorded on every transcript span.
    transcriptionLanguage: 'en',
  });
  await trove.addFiles(await Promise.all(files.map((f) => fixtureFile(f))));
  await trove.queue.whenIdle();
  const byName = new Map(files.map((f) => [f.slice(f.indexOf('/') + 1), f]));
  for (const { item, segments } of await trove.allSegments()) {
    const path = byName.get(item.name)!;
    expect(item.status, `${path}: ${item.error?.message}`).toBe('ready');
    stored.set(path, { item, segments });
  }
  expect([...stored.keys()].sort()).toEqual([...files].sort());
  catalog.upsertItems(
    [...stored.values()].map(({ item, segments }) => ({
      item,
      segments: segments.map(({ key, ...segment }) => ({ key, segment })),
    })),
  );
}, MAX_TEST_EXECUTION_TIME);

afterAll(() => destroyTrove(trove, names));

const itemOf = (path: string) => stored.get(path)!.item;
const segmentsOf = (path: string, kind?: SegmentRecord['kind']) =>
  stored.get(path)!.segments.filter((s) => !kind || s.kind === kind);
/** The fixture paths of the items the keyword index finds for a query, best first. */
async function lexicalItems(query: string): Promise<string[]> {
  const { hits } = await catalog.lexical(query, []);
  const pathOfItem = new Map([...stored].map(([path, s]) => [s.item.id, path]));
  const ids = await catalog.itemIds(hits.map((h) => h.key));
  return [...new Set(ids.map((id) => pathOfItem.get(id!)!))];
}

describe('places from GPS', () => {
  it('names the city, region and country of each photo from its EXIF GPS', async () => {
    for (const path of photos) {
      const { facts } = await entry(path);
      expect(itemOf(path).place, path).toMatchObject(facts.place!);
    }
    expect(itemOf('places/lisbon-tram.jpg').place).toEqual({
      city: 'Lisbon',
      region: 'Lisbon',
      country: 'Portugal',
      countryCode: 'PT',
    });
    expect(itemOf('places/lyon-square.jpg').place?.region).toBe('Auvergne-Rhône-Alpes');
  });

  it("names a video's place from its container's location tag", () => {
    expect(itemOf(`ocr/${dashcamVideo.file}`).place).toMatchObject(dashcamVideo.place);
  });

  it('leaves files without GPS without a place', () => {
    for (const path of [...plain, ...textPictures.map((p) => `ocr/${p.file}`), ...documents, speech])
      expect(itemOf(path).place, path).toBeUndefined();
  });

  it('puts the place names in the keyword index: "Lisbon" finds the Lisbon photos, "Portugal" Porto too', async () => {
    // The two photos, and the dashcam clip, recorded in Lisbon too; nothing else.
    expect((await lexicalItems('Lisbon')).sort()).toEqual(
      ['places/lisbon-river.jpg', 'places/lisbon-tram.jpg', `ocr/${dashcamVideo.file}`].sort(),
    );
    expect((await lexicalItems('Portugal')).length).toBe(4);
    expect(await lexicalItems('Porto')).toEqual(['places/porto-bridge.jpg']);
    expect(await lexicalItems('Lyon')).toEqual(['places/lyon-square.jpg']);
    expect(await lexicalItems('France')).toEqual(['places/lyon-square.jpg']);
  });

  it('starts the places worker only when a file has coordinates', async () => {
    const finder = new PlaceFinder();
    try {
      expect(await finder.placesOf([])).toEqual([]);
      expect(finder.starts).toBe(0);
      expect(
        await finder.placesOf([
          { lat: 38.7113, lon: -9.1366 },
          { lat: 0.5, lon: -30 },
        ]),
      ).toEqual([
        { city: 'Lisbon', region: 'Lisbon', country: 'Portugal', countryCode: 'PT' },
        null, // mid-Atlantic: no place within 100 km
      ]);
      expect(finder.starts).toBe(1);
    } finally {
      finder.terminate();
    }
  });
});

describe('text in pictures', () => {
  it('indexes the text of a photo as an OCR segment of that photo, in the text space', () => {
    for (const p of textPictures) {
      const path = `ocr/${p.file}`;
      const ocr = segmentsOf(path, 'ocr');
      expect(
        ocr.map((s) => s.text),
        path,
      ).toEqual([p.lines.map((l) => l.text).join(' ')]);
      expect(ocr[0]!.spaces).toEqual(['text']);
      expect(ocr[0]!.t0).toBeUndefined();
      // Captions are off: text is read on its own.
      expect(segmentsOf(path, 'caption')).toEqual([]);
    }
  });

  it('indexes the text of a video frame at the seconds that show it', () => {
    const ocr = segmentsOf(`ocr/${dashcamVideo.file}`, 'ocr');
    expect(ocr).toHaveLength(1);
    expect(ocr[0]!.text).toBe('EXIT 14');
    expect(ocr[0]!.t0).toBeGreaterThanOrEqual(dashcamVideo.sign.start);
    expect(ocr[0]!.t1).toBeLessThan(dashcamVideo.sign.end);
    expect(ocr[0]!.t1! - ocr[0]!.t0!).toBeGreaterThanOrEqual(1); // two frames a second apart, one segment
  });

  it('finds the receipt by its words in the keyword index', async () => {
    expect((await lexicalItems('invoice 2291'))[0]).toBe('ocr/receipt.jpg');
    const exit = await lexicalItems('exit 14');
    expect(exit.sort()).toEqual(['ocr/dashcam.mp4', 'ocr/exit-sign.jpg']);
  });

  it('skips pictures without text: the text test keeps them (and the frames without the sign) from the model', () => {
    for (const path of plain) expect(segmentsOf(path, 'ocr'), path).toEqual([]);
    // Shown to the model: the receipt, the sign, and the two frames of the clip with the sign in view.
    expect(trove.encoders.caption!.picturesRead).toBe(4);
  });

  it('the text test: rows through letters cross from ink to paper often, through shapes seldom', async () => {
    const density = async (path: string) => {
      // The pixels ingest tests: the picture at 224 px on its shorter side.
      const bitmap = await createImageBitmap(await fetchBlob(path));
      const scale = 224 / Math.min(bitmap.width, bitmap.height);
      const w = Math.round(bitmap.width * scale);
      const h = Math.round(bitmap.height * scale);
      const ctx = new OffscreenCanvas(w, h).getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0, w, h);
      return textEvidence({ data: ctx.getImageData(0, 0, w, h).data, width: w, height: h, channels: 4 });
    };
    for (const p of textPictures) {
      const found = await density(`ocr/${p.file}`);
      expect(found.mayHaveText, `${p.file}: ${found.densest}`).toBe(true);
    }
    const others = ['blue-sky.webp', 'yellow-sun.png', 'white-card.avif', 'rotated-exif.jpg'];
    for (const path of [...plain, ...photos, ...others.map((f) => `image/${f}`)]) {
      const found = await density(path);
      expect(found.densest, path).toBeLessThan(TEXT_CROSSINGS_PER_ROW);
    }
  });
});

describe('languages', () => {
  it('records the language of each document chunk', () => {
    for (const doc of languageDocuments) {
      const chunks = segmentsOf(`languages/${doc.file}`, 'text-chunk');
      expect(chunks.length, doc.file).toBeGreaterThan(0);
      for (const c of chunks) expect(c.language, doc.file).toBe(doc.language);
    }
  });

  it('records the transcription language chosen in Settings on every transcript span', () => {
    const spans = segmentsOf(speech, 'transcript');
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) expect(s.language).toBe('en');
  });
});
