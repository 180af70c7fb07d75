// Issue 23's pure parts in Node: the gazetteer (the real one the build makes, and a hand-written one), the
// location tag of videos, the cheap text test, the language of text, and backups keeping places and
// languages.
import { describe, expect, it } from 'vitest';
import { buildGazetteer } from '../../scripts/vite/gazetteer.ts';
import { Gazetteer, GazetteerFormatError } from '../../src/ingest/places/gazetteer.ts';
import { locationTag } from '../../src/ingest/video/ffmpeg-output.ts';
import { bmpPixels, textEvidence, TEXT_CROSSINGS_PER_ROW } from '../../src/ingest/image/text-test.ts';
import { detectLanguage } from '../../src/ingest/text/language.ts';
import { checkItem, checkSegment } from '../../src/backup/records.ts';
import { placeLabel } from '../../src/library/records.ts';
import { itemRecord } from '../support/factories.ts';
import { dashcamVideo, languageDocuments, placePhotos } from '../../scripts/fixtures/world.ts';

const names: Record<string, string> = { PT: 'Portugal', FR: 'France', FJ: 'Fiji' };
const small = Gazetteer.parse(
  [
    'trove-gazetteer\t1\t3',
    'PT\tLisbon',
    'FR\t',
    'FJ\tNorthern',
    'Lisbon\t38725\t-9150\t0',
    'Almada\t38679\t-9157\t0',
    'Lyon\t45748\t4847\t1',
    'Labasa\t-16417\t179383\t2',
    '',
  ].join('\n'),
  (code) => names[code] ?? code,
);

describe('the gazetteer', () => {
  it('names the nearest place, its region and country', () => {
    expect(small.size).toBe(4);
    expect(small.nearest({ lat: 38.71, lon: -9.14 })).toEqual({
      city: 'Lisbon',
      region: 'Lisbon',
      country: 'Portugal',
      countryCode: 'PT',
    });
    expect(small.nearest({ lat: 38.68, lon: -9.16 })?.city).toBe('Almada');
    // A country without region names gives none.
    expect(small.nearest({ lat: 45.76, lon: 4.83 })).toEqual({
      city: 'Lyon',
      country: 'France',
      countryCode: 'FR',
    });
  });

  it('wraps around the antimeridian, and names nothing far from every place or off the globe', () => {
    expect(small.nearest({ lat: -16.5, lon: -179.9 })?.city).toBe('Labasa');
    expect(small.nearest({ lat: 0, lon: -30 })).toBeNull();
    expect(small.nearest({ lat: 91, lon: 0 })).toBeNull();
    expect(small.nearest({ lat: Number.NaN, lon: 0 })).toBeNull();
  });

  it('refuses a file that is not a gazetteer', () => {
    expect(() => Gazetteer.parse('<!doctype html>')).toThrow(GazetteerFormatError);
  });

  it('the one the build makes, from npm data, names the fixture photos and the dashcam clip', () => {
    const real = Gazetteer.parse(buildGazetteer());
    expect(real.size).toBeGreaterThan(100_000);
    for (const p of placePhotos) expect(real.nearest(p.gps), p.file).toMatchObject(p.place);
    expect(real.nearest({ lat: 45.7578, lon: 4.832 })?.region).toBe('Auvergne-Rhône-Alpes');
    const tag = locationTag({ location: dashcamVideo.location })!;
    expect(real.nearest(tag)).toMatchObject(dashcamVideo.place);
  });

  it('a place reads as one line, each name once', () => {
    expect(placeLabel({ city: 'Lisbon', region: 'Lisbon', country: 'Portugal', countryCode: 'PT' })).toBe(
      'Lisbon, Portugal',
    );
    expect(
      placeLabel({ city: 'Lyon', region: 'Auvergne-Rhône-Alpes', country: 'France', countryCode: 'FR' }),
    ).toBe('Lyon, Auvergne-Rhône-Alpes, France');
  });
});

describe("a video's location tag", () => {
  it('reads ISO 6709, with or without altitude, under either key', () => {
    expect(locationTag({ location: '+38.7113-009.1366/' })).toEqual({ lat: 38.7113, lon: -9.1366 });
    expect(locationTag({ 'com.apple.quicktime.location.ISO6709': '-33.8688+151.2093+012.000/' })).toEqual({
      lat: -33.8688,
      lon: 151.2093,
    });
  });

  it('ignores other tags, nonsense and 0,0', () => {
    expect(locationTag({ title: '+38.7113-009.1366/' })).toBeNull();
    expect(locationTag({ location: 'Lisbon' })).toBeNull();
    expect(locationTag({ location: '+00.0000+000.0000/' })).toBeNull();
    expect(locationTag({ location: '+95.0000+000.0000/' })).toBeNull();
    expect(locationTag(undefined)).toBeNull();
  });
});

/** An RGB picture of `width` × `height`, grey levels from `at(x, y)`. */
function picture(width: number, height: number, at: (x: number, y: number) => number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(at(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { data, width, height, channels: 3 };
}

describe('the text test', () => {
  it('passes rows that cross from ink to paper often (letters), not a shape or a plain field', () => {
    // Strokes 2 px wide every 5 px across a band, as a line of small letters gives.
    const letters = picture(224, 224, (x, y) => (y > 100 && y < 120 && x % 5 < 2 ? 20 : 240));
    const shape = picture(224, 224, (x, y) => (x > 60 && x < 150 && y > 40 && y < 90 ? 20 : 240));
    const plain = picture(224, 224, () => 128);
    expect(textEvidence(letters).mayHaveText).toBe(true);
    expect(textEvidence(shape).densest).toBeLessThan(TEXT_CROSSINGS_PER_ROW);
    expect(textEvidence(plain)).toEqual({ densest: 0, mayHaveText: false });
    // Low contrast is not legible text, however it alternates.
    const faint = picture(224, 224, (x) => (x % 5 < 2 ? 120 : 150));
    expect(textEvidence(faint).mayHaveText).toBe(false);
  });

  it('reads the pixels of a 24-bit BMP as ffmpeg writes it (rows padded to 4 bytes)', () => {
    const width = 30;
    const height = 28;
    const stride = Math.ceil((width * 3) / 4) * 4;
    const bytes = new Uint8Array(54 + stride * height);
    const view = new DataView(bytes.buffer);
    bytes.set([0x42, 0x4d]);
    view.setUint32(10, 54, true);
    view.setInt32(18, width, true);
    view.setInt32(22, height, true);
    view.setUint16(28, 24, true);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        bytes.fill(x % 4 < 2 ? 10 : 250, 54 + y * stride + x * 3, 54 + y * stride + x * 3 + 3);
    const pixels = bmpPixels(bytes)!;
    expect(pixels).toMatchObject({ width, height, channels: 3, rowStride: stride, offset: 54 });
    expect(textEvidence(pixels).mayHaveText).toBe(true);
    expect(bmpPixels(bytes.subarray(0, 60))).toBeNull();
    expect(
      bmpPixels(new TextEncoder().encode('not a bitmap at all, but long enough to have a header...')),
    ).toBeNull();
  });
});

describe('the language of text', () => {
  it('tells the fixture documents apart', () => {
    for (const doc of languageDocuments) expect(detectLanguage(doc.text), doc.file).toBe(doc.language);
  });

  it('says nothing about text too short to tell', () => {
    expect(detectLanguage('Bonjour')).toBeUndefined();
  });
});

describe('backups', () => {
  it("keep an item's place and a segment's language, and refuse a malformed place", () => {
    const place = { city: 'Lisbon', region: 'Lisbon', country: 'Portugal', countryCode: 'PT' };
    const exported = itemRecord('lisbon-tram.jpg', { mime: 'image/jpeg', place });
    expect(checkItem(exported, 0).place).toEqual(place);
    expect(() => checkItem({ ...exported, place: { city: 3 } }, 0)).toThrow(/place/);
    const segment = {
      id: 's1',
      itemId: exported.id,
      kind: 'text-chunk',
      spaces: ['text'],
      text: 'Bonjour',
      language: 'fra',
    };
    expect(checkSegment(segment, 0).language).toBe('fra');
  });
});
