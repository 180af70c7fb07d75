// Words that are filters (issue 22): the parser turns media, dates and folders named in a query into
// filters, relative to an injected "today", and leaves the rest of the query to be searched.
import { describe, expect, it } from 'vitest';
import { mergeFilters, parseFilters, withoutFilter } from '../../src/search/filter-words/parse-filters.ts';
import { itemFilter } from '../../src/search/catalog.ts';
import { itemRecord } from '../support/factories.ts';

const makeItem = (fields: Parameters<typeof itemRecord>[1]) => itemRecord('item', fields);

/** Local midday of a date, as the app's clock would read it. */
const on = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12, 0);
const day = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime();
/** The last millisecond of a day. */
const endOf = (y: number, m: number, d: number) => new Date(y, m - 1, d + 1).getTime() - 1;

function dateOf(text: string, now: Date) {
  const parsed = parseFilters(text, { now });
  return {
    ...mergeFilters(parsed.filters)?.date,
    rest: parsed.text,
    labels: parsed.filters.map((f) => f.label),
  };
}

describe('dates relative to today', () => {
  it('"last summer" asked in January is the summer of the year before', () => {
    expect(dateOf('videos from last summer', on(2026, 1, 15))).toMatchObject({
      from: day(2025, 6, 1),
      to: endOf(2025, 8, 31),
      rest: '',
    });
  });

  it('"last summer" asked in August (a summer under way) is a year ago; in October the one just gone', () => {
    expect(dateOf('last summer', on(2026, 8, 10))).toMatchObject({
      from: day(2025, 6, 1),
      to: endOf(2025, 8, 31),
    });
    expect(dateOf('last summer', on(2026, 10, 2))).toMatchObject({
      from: day(2026, 6, 1),
      to: endOf(2026, 8, 31),
    });
  });

  it('"this summer" and "from the summer" are the one under way; "last winter" runs over New Year', () => {
    expect(dateOf('this summer', on(2026, 8, 10))).toMatchObject({ from: day(2026, 6, 1) });
    expect(dateOf('from the summer', on(2026, 8, 10))).toMatchObject({ from: day(2026, 6, 1) });
    expect(dateOf('last winter', on(2026, 4, 1))).toMatchObject({
      from: day(2025, 12, 1),
      to: endOf(2026, 2, 28),
    });
    expect(dateOf('last winter', on(2026, 1, 20))).toMatchObject({
      from: day(2024, 12, 1),
      to: endOf(2025, 2, 28),
    });
  });

  it('"yesterday" and "today" are whole local days, across a month end', () => {
    expect(dateOf('yesterday', on(2026, 3, 1))).toMatchObject({
      from: day(2026, 2, 28),
      to: endOf(2026, 2, 28),
    });
    expect(dateOf('photos from today', on(2026, 3, 1))).toMatchObject({
      from: day(2026, 3, 1),
      to: endOf(2026, 3, 1),
    });
  });

  it("a month name means the latest one that has begun: a month still to come is last year's", () => {
    expect(dateOf('voice notes from March', on(2026, 5, 4))).toMatchObject({
      from: day(2026, 3, 1),
      to: endOf(2026, 3, 31),
      rest: '',
    });
    expect(dateOf('voice notes from March', on(2026, 1, 4))).toMatchObject({ from: day(2025, 3, 1) });
    expect(dateOf('in march', on(2026, 3, 9))).toMatchObject({ from: day(2026, 3, 1) });
    expect(dateOf('last march', on(2026, 3, 9))).toMatchObject({ from: day(2025, 3, 1) });
    expect(dateOf('from Feb', on(2024, 3, 9))).toMatchObject({ to: endOf(2024, 2, 29) });
  });

  it('years, and months or seasons with a year, need no "today"', () => {
    expect(dateOf('photos in 2023', on(2026, 7, 1))).toMatchObject({
      from: day(2023, 1, 1),
      to: endOf(2023, 12, 31),
      labels: ['Type: Photos', 'Date: 2023'],
    });
    expect(dateOf('beach in March 2023', on(2026, 7, 1))).toMatchObject({
      from: day(2023, 3, 1),
      to: endOf(2023, 3, 31),
      rest: 'beach',
    });
    expect(dateOf('the summer of 2021 at the lake', on(2026, 7, 1))).toMatchObject({
      from: day(2021, 6, 1),
      rest: 'the at the lake',
    });
  });

  it('last week, this month and last year are calendar periods (weeks from Monday)', () => {
    // Wednesday 11 March 2026: last week is Monday 2 to Sunday 8 March.
    expect(dateOf('last week', on(2026, 3, 11))).toMatchObject({
      from: day(2026, 3, 2),
      to: endOf(2026, 3, 8),
    });
    expect(dateOf('this month', on(2026, 3, 11))).toMatchObject({
      from: day(2026, 3, 1),
      to: endOf(2026, 3, 31),
    });
    expect(dateOf('last year', on(2026, 3, 11))).toMatchObject({
      from: day(2025, 1, 1),
      to: endOf(2025, 12, 31),
    });
  });

  it('labels say the words and, for a relative date, the days they came to', () => {
    expect(dateOf('last summer', on(2026, 1, 15)).labels).toEqual([
      'Date: last summer (Jun 1 – Aug 31, 2025)',
    ]);
    expect(dateOf('yesterday', on(2026, 1, 15)).labels).toEqual(['Date: yesterday (Jan 14, 2026)']);
  });
});

describe('what is not a filter', () => {
  const now = on(2026, 6, 1);
  it('a bare month, season or year stays text: "may" and "march" are verbs, "2023" may be a name', () => {
    for (const text of ['may the force', 'march of the penguins', 'summer dress', 'invoice 2023']) {
      expect(parseFilters(text, { now })).toEqual({ text, filters: [] });
    }
  });

  it('quoted phrases and negative terms are never filters', () => {
    expect(parseFilters('"from last summer" -photos', { now })).toEqual({
      text: '"from last summer" -photos',
      filters: [],
    });
  });

  it('a preposition with nothing it leads is text', () => {
    expect(parseFilters('notes from the plumber', { now }).text).toBe('notes from the plumber');
  });
});

describe('media, folders, and the rest of the query', () => {
  const now = on(2026, 6, 1);

  it('media words filter by medium; several add up', () => {
    const parsed = parseFilters('photos and videos of the red kite', { now });
    expect(parsed.text).toBe('and of the red kite');
    expect(mergeFilters(parsed.filters)).toEqual({ modalities: ['image', 'video'] });
    expect(parseFilters('voice notes', { now }).filters.map((f) => f.label)).toEqual(['Type: Sounds']);
  });

  it('"in folder Trips", "in the Trips folder" and a quoted folder name', () => {
    for (const [text, name, rest] of [
      ['kite in folder Trips', 'Trips', 'kite'],
      ['in the Trips folder kite', 'Trips', 'kite'],
      ['folder "Summer 2024" beach', 'Summer 2024', 'beach'],
    ] as const) {
      const parsed = parseFilters(text, { now });
      expect(parsed.text).toBe(rest);
      expect(mergeFilters(parsed.filters)).toEqual({ folderNamed: { names: [name] } });
      expect(parsed.filters[0]!.label).toBe(`Folder: ${name}`);
      expect(parsed.filters[0]!.removeLabel).toBe(`Remove filter Folder: ${name}`);
    }
  });

  it('a query that is only filters leaves nothing to search, and every filter applies', () => {
    const parsed = parseFilters('videos from last summer in folder Trips', { now: on(2026, 1, 15) });
    expect(parsed.text).toBe('');
    expect(parsed.filters.map((f) => f.kind)).toEqual(['media', 'date', 'folder']);
    expect(mergeFilters(parsed.filters)).toEqual({
      modalities: ['video'],
      date: { from: day(2025, 6, 1), to: endOf(2025, 8, 31) },
      folderNamed: { names: ['Trips'] },
    });
  });

  it('removing a filter takes its words out of the query, preposition and all', () => {
    const text = 'videos from last summer of the beach';
    const parsed = parseFilters(text, { now });
    const date = parsed.filters.find((f) => f.kind === 'date')!;
    expect(withoutFilter(text, date)).toBe('videos of the beach');
    expect(parseFilters(withoutFilter(text, date), { now }).filters.map((f) => f.kind)).toEqual(['media']);
  });

  it('the merged filters select items in the catalog: medium, date and folder by name', () => {
    const filters = mergeFilters(
      parseFilters('photos from last summer in folder trips', { now: on(2026, 1, 15) }).filters,
    )!;
    const pass = itemFilter(filters);
    const july = day(2025, 7, 4);
    expect(pass(makeItem({ kind: 'image', mtime: july, folderPath: 'Trips/Lisbon' }))).toBe(true);
    expect(pass(makeItem({ kind: 'image', mtime: july, folderPath: 'Work' }))).toBe(false);
    expect(pass(makeItem({ kind: 'video', mtime: july, folderPath: 'Trips' }))).toBe(false);
    expect(pass(makeItem({ kind: 'image', mtime: day(2025, 9, 1), folderPath: 'Trips' }))).toBe(false);
    // The capture date counts before the file's date.
    expect(
      pass(makeItem({ kind: 'image', mtime: day(2026, 1, 1), capturedAt: july, folderPath: 'trips' })),
    ).toBe(true);
    // An imported folder named Trips: its items' paths are inside it, so the caller passes its id.
    const imported = itemFilter({ ...filters, folderNamed: { names: ['trips'], importedIds: ['f1'] } });
    expect(imported(makeItem({ kind: 'image', mtime: july, folderId: 'f1', folderPath: '' }))).toBe(true);
  });
});

describe('places the library has', () => {
  const places = ['Lisbon', 'Lisboa', 'Portugal', 'Lyon', 'Auvergne-Rhône-Alpes', 'France', 'Porto Alegre'];
  const now = on(2026, 1, 15);

  it('"photos in Lisbon" is a medium and a place; the place keeps its own spelling', () => {
    const parsed = parseFilters('photos in lisbon', { now, places });
    expect(parsed.text).toBe('');
    expect(parsed.filters.map((f) => f.label)).toEqual(['Type: Photos', 'Place: Lisbon']);
    expect(mergeFilters(parsed.filters)).toMatchObject({
      modalities: ['image'],
      place: { names: ['Lisbon'] },
    });
  });

  it('takes the longest name, regions and countries too, and leaves other words to be searched', () => {
    expect(parseFilters('market in Porto Alegre', { now, places }).filters[0]?.label).toBe(
      'Place: Porto Alegre',
    );
    const parsed = parseFilters('red kite in Portugal last summer', { now, places });
    expect(parsed.text).toBe('red kite');
    expect(parsed.filters.map((f) => f.kind)).toEqual(['place', 'date']);
  });

  it('needs a preposition and a place the library has: other words stay words', () => {
    expect(parseFilters('Lisbon tram', { now, places }).filters).toEqual([]);
    expect(parseFilters('notes in English', { now, places }).filters).toEqual([]);
    expect(parseFilters('photos in Lisbon', { now }).filters.map((f) => f.kind)).toEqual(['media']);
  });

  it('selects the items taken in that city, region or country', () => {
    const pass = itemFilter(mergeFilters(parseFilters('in portugal', { now, places }).filters)!);
    const lisbon = { city: 'Lisbon', region: 'Lisbon', country: 'Portugal', countryCode: 'PT' };
    const lyon = { city: 'Lyon', region: 'Auvergne-Rhône-Alpes', country: 'France', countryCode: 'FR' };
    expect(pass(makeItem({ kind: 'image', place: lisbon }))).toBe(true);
    expect(pass(makeItem({ kind: 'image', place: lyon }))).toBe(false);
    expect(pass(makeItem({ kind: 'image' }))).toBe(false);
    const region = itemFilter({ place: { names: ['auvergne-rhône-alpes'] } });
    expect(region(makeItem({ kind: 'image', place: lyon }))).toBe(true);
  });
});
