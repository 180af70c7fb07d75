// Issue 6's acceptance on the fixture world: one library with every fixture type, ingested by the real
// pipeline and loaded into the search worker (see test/support/search-library.ts), searched through the
// real Searcher. Items are named by their fixture path.
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/ingest/audio/decode-audio.ts';
import type { SearchQuery } from '../../src/search/query.ts';
import type { ItemResult, SearchResponse, SegmentResult } from '../../src/search/results.ts';
import { fetchBlob } from '../support/browser-media.ts';
import { fixtureFile } from '../support/media-files.ts';
import { buildSearchLibrary, type SearchLibrary } from '../support/search-library.ts';

let lib: SearchLibrary;
beforeAll(async () => {
  lib = await buildSearchLibrary();
}, MAX_TEST_EXECUTION_TIME);
afterAll(() => lib?.close());

const search = (query: SearchQuery) => lib.searcher().search(query);
const text = (t: string, extra: Partial<SearchQuery> = {}) => search({ text: t, ...extra });
const ids = (res: SearchResponse) => res.items.map((g) => lib.pathOf(g.item.id));
const segments = (g: ItemResult): SegmentResult[] => [g.best, ...g.others];
const group = (res: SearchResponse, path: string) => res.items.find((g) => lib.pathOf(g.item.id) === path);
const marked = (s: SegmentResult) =>
  s.snippet?.marks.map((m) => s.snippet!.text.slice(m.start, m.end).toLowerCase()) ?? [];

describe('one text query, one list across every medium', () => {
  it('"red hum valve" finds the red image, the red moment of the video, the hum window and the plumbing note', async () => {
    const res = await text('red hum valve');
    expect(res.status).toBe('ok');
    expect(ids(res)).toEqual(
      expect.arrayContaining([
        'image/red-square.png',
        'video/timeline.mp4',
        'audio/low-hum.wav',
        'text/plumbing-notes.md',
      ]),
    );

    const image = group(res, 'image/red-square.png')!;
    expect(image).toMatchObject({ modality: 'image', best: { range: { kind: 'whole' } }, spaces: ['clip'] });

    // The video: its red frame (0 s) and its hum window (0–2 s); never the green or blue moments.
    const video = group(res, 'video/timeline.mp4')!;
    const moments = segments(video).map((s) => [s.segment.kind, s.range]);
    expect(moments).toEqual(
      expect.arrayContaining([
        ['frame', { kind: 'time', t0: 0, t1: 0 }],
        ['audio-window', { kind: 'time', t0: 0, t1: 2 }],
      ]),
    );
    expect(segments(video).every((s) => s.range.kind === 'time' && s.range.t0 < 2)).toBe(true);
    expect(video.spaces.sort()).toEqual(['clap', 'clip']);

    const hum = group(res, 'audio/low-hum.wav')!;
    expect(hum.best).toMatchObject({
      modality: 'audio',
      segment: { kind: 'audio-window' },
      range: { kind: 'time' },
    });

    const note = group(res, 'text/plumbing-notes.md')!;
    expect(note.best.range).toMatchObject({ kind: 'text', page: 1, charStart: 0 });
    expect(
      note.best.matched
        .filter((m) => m.passed)
        .map((m) => m.source)
        .sort(),
    ).toEqual(['lexical', 'text']);
    expect(marked(note.best)).toContain('valve');

    // Things the query does not name stay out.
    for (const other of [
      'image/blue-sky.webp',
      'image/green-field.jpg',
      'audio/high-beep.wav',
      'text/bread-recipe.pdf',
      'text/travel-notes.html',
    ]) {
      expect(ids(res)).not.toContain(other);
    }
    // One list, best first.
    const scores = res.items.map((g) => g.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('query by example', () => {
  it('an image query finds similar images and video frames', async () => {
    const res = await search({ image: { blob: await fetchBlob('image/red-square.png') } });
    expect(ids(res).sort()).toEqual(['image/red-square.png', 'image/two-frames.gif', 'video/timeline.mp4']);
    expect(segments(group(res, 'video/timeline.mp4')!).map((s) => s.range)).toEqual([
      { kind: 'time', t0: 0, t1: 0 },
    ]);
  });

  it('an audio query finds similar sounds, including the video track at the right time', async () => {
    // Neither clip is in the library; each is another file of a sound that is.
    const hum = await decodeAudioFile(await fixtureFile('audio/low-hum.mp3'));
    const res = await search({ audio: { pcm48k: hum.pcm48k } });
    expect(ids(res).slice(0, 2).sort()).toEqual(['audio/low-hum.wav', 'video/timeline.mp4']);
    expect(group(res, 'video/timeline.mp4')!.best.range).toEqual({ kind: 'time', t0: 0, t1: 2 });
    expect(ids(res)).not.toContain('audio/high-beep.wav');

    const beep = await decodeAudioFile(await fixtureFile('audio/high-beep.wav'));
    const res2 = await search({ audio: { pcm48k: beep.pcm48k.slice(0, 48_000) } });
    expect(group(res2, 'video/timeline.mp4')!.best.range).toEqual({ kind: 'time', t0: 2, t1: 4 });
  });

  it('an audio query reaches the text space through its transcript', async () => {
    const speech = await decodeAudioFile(await fixtureFile('audio/speech-plumber.wav'));
    const res = await search({ audio: { pcm48k: speech.pcm48k, pcm16k: speech.pcm16k } });
    expect(res.transcript).toMatch(/\bvalve\b/);
    const podcast = group(res, 'audio/podcast-kite.wav')!;
    expect(segments(podcast).find((s) => s.segment.kind === 'transcript')).toMatchObject({
      range: { kind: 'time' },
      matched: expect.arrayContaining([expect.objectContaining({ source: 'text', passed: true })]),
    });
    expect(ids(res)).toContain('text/plumbing-notes.md');
  });
});

describe('mixed and negative queries', () => {
  it('the weighted text + image query moves as the weight moves', async () => {
    const blue = await fetchBlob('image/blue-sky.webp');
    const scoreOf = (res: SearchResponse, id: string) => group(res, id)?.score ?? 0;
    const runs = [];
    for (const weight of [0, 0.25, 0.5, 0.75, 1])
      runs.push(await text('red', { image: { blob: blue, weight } }));
    const red = runs.map((r) => scoreOf(r, 'image/red-square.png'));
    const sky = runs.map((r) => scoreOf(r, 'image/blue-sky.webp'));
    for (let i = 1; i < runs.length; i++) {
      expect(red[i]).toBeLessThanOrEqual(red[i - 1]!);
      expect(sky[i]).toBeGreaterThanOrEqual(sky[i - 1]!);
    }
    expect(new Set(red).size + new Set(sky).size).toBeGreaterThanOrEqual(7);
    expect(red[0]).toBeGreaterThan(sky[0]!);
    expect(sky[4]).toBeGreaterThan(red[4]!);
    expect(ids(runs[0]!)).not.toContain('image/blue-sky.webp');
    expect(ids(runs[4]!)).not.toContain('image/red-square.png');
    // The video follows: its red moment at one end, its blue moment at the other.
    expect(group(runs[0]!, 'video/timeline.mp4')!.best.range).toEqual({ kind: 'time', t0: 0, t1: 0 });
    expect(group(runs[4]!, 'video/timeline.mp4')!.best.range).toEqual({ kind: 'time', t0: 4, t1: 4 });
  });

  it('a negative word removes what it names', async () => {
    const red = await text('red');
    expect(ids(red)).toEqual(
      expect.arrayContaining(['image/red-square.png', 'text/kite-diary.txt', 'audio/podcast-kite.wav']),
    );
    const notKite = await text('red -kite');
    expect(ids(notKite)).toEqual(
      expect.arrayContaining(['image/red-square.png', 'image/two-frames.gif', 'video/timeline.mp4']),
    );
    expect(ids(notKite)).not.toContain('text/kite-diary.txt');
    expect(ids(notKite)).not.toContain('audio/podcast-kite.wav');
  });

  it('a negative term removes what it means, where the word itself appears nowhere', async () => {
    // "drone" is one of the fixture CLAP's words for the low sound; no file's text says it.
    const withHum = await text('red hum');
    expect(ids(withHum)).toContain('audio/low-hum.wav');
    const res = await text('red hum -drone');
    expect(ids(res)).not.toContain('audio/low-hum.wav');
    expect(segments(group(res, 'video/timeline.mp4')!).map((s) => s.segment.kind)).toEqual(['frame']);
    expect(ids(res)).toContain('image/red-square.png');
  });
});

describe('no good match, keywords, filters', () => {
  it.each(['zebra', 'qwerty xyzzy', 'zebra -red'])('"%s" gets "no good match"', async (q) => {
    const res = await text(q);
    expect(res.status).toBe('no-good-match');
    expect(res.items).toEqual([]);
  });

  it('a rare word present in one transcript only is found through the keyword side', async () => {
    // "leaking" is said once, in the podcast; the plumbing note only has "leak".
    const res = await text('leaking');
    const podcast = group(res, 'audio/podcast-kite.wav')!;
    expect(ids(res)[0]).toBe('audio/podcast-kite.wav');
    expect(podcast.best).toMatchObject({ segment: { kind: 'transcript' }, range: { kind: 'time' } });
    const range = podcast.best.range as { t0: number; t1: number };
    expect(range.t0).toBeGreaterThan(1.5);
    expect(range.t1).toBeLessThan(5.5);
    expect(podcast.best.matched.find((m) => m.source === 'lexical')).toMatchObject({ passed: true });
    expect(marked(podcast.best)).toEqual(['leaking']);
    expect(
      group(res, 'text/plumbing-notes.md')?.best.matched.some((m) => m.source === 'lexical'),
    ).toBeFalsy();
  });

  it('a word the embedders cannot place is found by the keyword side alone', async () => {
    // The fixture text embedder does not know "said"; two texts do say it.
    const res = await text('said');
    expect(ids(res).sort()).toEqual(['audio/podcast-kite.wav', 'text/plumbing-notes.md']);
    for (const g of res.items) {
      expect(g.spaces).toEqual(['lexical']);
      expect(marked(g.best)).toEqual(['said']);
    }
  });

  it('filters by modality', async () => {
    const res = await text('red hum valve', { filters: { modalities: ['video'] } });
    expect(ids(res)).toEqual(['video/timeline.mp4']);
    const two = await text('red hum valve', { filters: { modalities: ['image', 'text'] } });
    expect(new Set(res.items.map((g) => g.modality))).toEqual(new Set(['video']));
    expect(new Set(two.items.map((g) => g.modality))).toEqual(new Set(['image', 'text']));
  });

  it('filters by capture date and by file date', async () => {
    const may2024 = { from: Date.parse('2024-05-01T00:00:00Z'), to: Date.parse('2024-05-31T23:59:59Z') };
    // rotated-exif.jpg is black and was taken on 17 May 2024 (EXIF); its file date is 2023.
    expect(ids(await text('black', { filters: { date: { ...may2024, by: 'captured' } } }))).toEqual([
      'image/rotated-exif.jpg',
    ]);
    expect((await text('black', { filters: { date: { ...may2024, by: 'file' } } })).status).toBe(
      'no-good-match',
    );
    const in2024 = {
      from: Date.parse('2024-01-01T00:00:00Z'),
      to: Date.parse('2024-12-31T23:59:59Z'),
      by: 'file' as const,
    };
    // The video and the documents are dated 2024; the kite diary comes in through the word "red".
    expect(ids(await text('red hum valve', { filters: { date: in2024 } })).sort()).toEqual([
      'text/kite-diary.txt',
      'text/plumbing-notes.md',
      'video/timeline.mp4',
    ]);
  });

  it('filters by folder', async () => {
    const notes = await text('red', { filters: { folder: { path: 'notes' } } });
    expect(ids(notes)).toEqual(['text/kite-diary.txt']);
    const photos = await text('red', { filters: { folder: { path: 'photos' } } });
    expect(ids(photos).sort()).toEqual(['image/red-square.png', 'image/two-frames.gif']);
    expect((await text('red', { filters: { folder: { path: 'elsewhere' } } })).status).toBe('no-good-match');
  });
});
