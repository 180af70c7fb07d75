// Grouping, catalog filters and the searcher's wiring after the encoders (searchPlan), over the real
// in-process engine (ExactIndex) and catalog, with hand-made vectors in a toy space.
import { describe, expect, it } from 'vitest';
import { groupByItem } from '../../src/search/group.ts';
import { SearchCatalog, itemFilter } from '../../src/search/catalog.ts';
import { Searcher } from '../../src/search/searcher.ts';
import { ExactIndex } from '../../src/vector-index/exact-index.ts';
import type { ItemRecord, SegmentRecord, Space } from '../../src/library/records.ts';
import { itemRecord } from '../support/factories.ts';
import type { QueryPlan, SpaceQuery } from '../../src/search/fan-out.ts';
import type { SegmentResult } from '../../src/search/results.ts';
import { referenceBank } from '../../src/search/query-bank.ts';

function item(id: string, kind: ItemRecord['kind'], extra: Partial<ItemRecord> = {}): ItemRecord {
  return itemRecord(id, { kind, ...extra });
}

function seg(
  id: string,
  itemId: string,
  kind: SegmentRecord['kind'],
  space: Space,
  extra: Partial<SegmentRecord> = {},
): SegmentRecord {
  return { id, itemId, kind, spaces: [space], ...extra };
}

describe('groupByItem', () => {
  const result = (key: number, itemId: string, score: number, matched: SegmentResult['matched'] = []) => ({
    key,
    item: item(itemId, 'video'),
    segment: seg(`${itemId}:${key}`, itemId, 'frame', 'clip', { t0: key, t1: key }),
    modality: 'video' as const,
    score,
    range: { kind: 'time' as const, t0: key, t1: key },
    matched,
  });

  it('one entry per item, best segment first, other moments attached best first, items by best score', () => {
    const groups = groupByItem([
      result(1, 'a', 3, [{ source: 'clip', raw: 0.3, z: 3, passed: false }]),
      result(2, 'b', 9, [{ source: 'clip', raw: 0.9, z: 9, passed: true }]),
      result(3, 'a', 7, [{ source: 'clap', raw: 0.7, z: 7, passed: true }]),
      result(4, 'a', 5, [{ source: 'lexical', raw: 2, z: 5, passed: true }]),
    ]);
    expect(groups.map((g) => [g.item.id, g.best.key, g.others.map((o) => o.key), g.score])).toEqual([
      ['b', 2, [], 9],
      ['a', 3, [4, 1], 7],
    ]);
    expect(groups[1]!.spaces).toEqual(['clap', 'lexical']);
    expect(groupByItem([result(1, 'a', 1), result(2, 'b', 2)], 1).map((g) => g.item.id)).toEqual(['b']);
  });
});

describe('catalog filters', () => {
  const photo = item('p', 'image', {
    folderId: 'f',
    folderPath: 'trips/2024',
    capturedAt: Date.UTC(2024, 4, 17),
    mtime: Date.UTC(2025, 0, 1),
  });
  const clip = item('v', 'video', { folderId: 'f', folderPath: 'trips', mtime: Date.UTC(2023, 0, 1) });
  const note = item('n', 'text', { mtime: Date.UTC(2024, 4, 1) });

  it('modality, capture date, file date, either date, folder and sub-path', () => {
    const pass = (f: Parameters<typeof itemFilter>[0]) =>
      [photo, clip, note].filter(itemFilter(f)).map((i) => i.id);
    expect(pass({ modalities: ['image', 'text'] })).toEqual(['p', 'n']);
    const may2024 = { from: Date.UTC(2024, 4, 1), to: Date.UTC(2024, 4, 31) };
    expect(pass({ date: { ...may2024, by: 'captured' } })).toEqual(['p']);
    expect(pass({ date: { ...may2024, by: 'file' } })).toEqual(['n']);
    expect(pass({ date: may2024 })).toEqual(['p', 'n']);
    expect(pass({ date: { to: Date.UTC(2023, 11, 31) } })).toEqual(['v']);
    expect(pass({ folder: { folderId: 'f' } })).toEqual(['p', 'v']);
    expect(pass({ folder: { folderId: 'f', path: 'trips/2024' } })).toEqual(['p']);
    expect(pass({ folder: { path: 'trip' } })).toEqual([]);
  });
});

// A toy world in 16 dimensions (so the calibration floor, 0.5/√16, is what a small real space gets):
// axis 0 "red", 1 "blue", 2 "hum", 3 "off-meaning".
const DIM = 16;
const unit = (...xs: number[]) => {
  const n = Math.hypot(...xs);
  const v = new Float32Array(DIM);
  xs.forEach((x, i) => (v[i] = x / n));
  return v;
};

async function toyLibrary() {
  const catalog = new SearchCatalog();
  const indexes = {
    clip: new ExactIndex({ dim: DIM }),
    clap: new ExactIndex({ dim: DIM }),
    text: new ExactIndex({ dim: DIM }),
  };
  const add = async (it: ItemRecord, segs: [number, SegmentRecord, Float32Array][]) => {
    catalog.upsertItem(
      it,
      segs.map(([key, segment]) => ({ key, segment })),
    );
    for (const [key, segment, v] of segs) await indexes[segment.spaces[0]!].add([key], v);
  };
  await add(item('red.png', 'image', { mtime: 1 }), [
    [1, seg('r', 'red.png', 'image', 'clip'), unit(1, 0.1, 0, 0)],
  ]);
  await add(item('blue.png', 'image', { mtime: 2 }), [
    [2, seg('b', 'blue.png', 'image', 'clip'), unit(0.1, 1, 0, 0)],
  ]);
  await add(item('film.mp4', 'video', { mtime: 3 }), [
    [3, seg('f0', 'film.mp4', 'frame', 'clip', { t0: 0, t1: 0 }), unit(1, 0, 0, 0.05)],
    [4, seg('f2', 'film.mp4', 'frame', 'clip', { t0: 2, t1: 2 }), unit(0, 1, 0, 0.05)],
    [5, seg('a0', 'film.mp4', 'audio-window', 'clap', { t0: 0, t1: 2 }), unit(0, 0, 1, 0)],
  ]);
  await add(item('notes.md', 'text', { mtime: 4 }), [
    [
      6,
      seg('t0', 'notes.md', 'text-chunk', 'text', {
        page: 1,
        charStart: 0,
        charEnd: 30,
        text: 'The zanzibar valve is red.',
      }),
      unit(0, 0, 0, 1),
    ],
  ]);
  // Unrelated images: directions of their own, away from every meaning above.
  for (let k = 0; k < 12; k++) {
    const v = unit(...Array.from({ length: DIM }, (_, i) => (i === 4 + k ? 1 : i === 2 ? 0.2 : 0)));
    await add(item(`grey${k}.png`, 'image', { mtime: 10 + k }), [
      [100 + k, seg(`g${k}`, `grey${k}.png`, 'image', 'clip'), v],
    ]);
  }
  return { catalog, indexes, searcher: new Searcher({ encoders: null as never, indexes, catalog }) };
}

const nul = unit(0, 0, 0, 1);
// Generic queries of the toy world: off-meaning, each leaning a little towards one axis.
const bank = referenceBank([
  nul,
  ...Array.from({ length: DIM }, (_, k) =>
    unit(...Array.from({ length: DIM }, (_, i) => (i === 3 ? 1 : 0) + (i === k ? 0.5 : 0))),
  ),
]);
const sq = (space: Space, vector: Float32Array, negatives: Float32Array[] = []): SpaceQuery => ({
  space,
  vector,
  weight: 1,
  sources: ['text'],
  negatives,
  nullVector: nul,
  bank,
});
const plan = (spaces: SpaceQuery[], text = '', negatives: string[] = []): QueryPlan => ({
  spaces,
  lexical: { text, weight: text ? 1 : 0 },
  negatives,
});

describe('Searcher.searchPlan over the real engine and catalog', () => {
  it('finds the red image and the red moment, not the blue ones, with ranges and spaces', async () => {
    const { searcher } = await toyLibrary();
    const res = await searcher.searchPlan(plan([sq('clip', unit(1, 0, 0, 0))]), undefined);
    expect(res.status).toBe('ok');
    expect(res.items.map((g) => g.item.id).sort()).toEqual(['film.mp4', 'red.png']);
    const film = res.items.find((g) => g.item.id === 'film.mp4')!;
    expect(film.best.range).toEqual({ kind: 'time', t0: 0, t1: 0 });
    expect(film.best.matched[0]).toMatchObject({ source: 'clip', passed: true });
    expect(film.spaces).toEqual(['clip']);
  });

  it('says "no good match" for an off-meaning query, and "empty-query" for nothing', async () => {
    const { searcher } = await toyLibrary();
    expect((await searcher.searchPlan(plan([sq('clip', nul)]), undefined)).status).toBe('no-good-match');
    expect((await searcher.searchPlan(plan([]), undefined)).status).toBe('empty-query');
    // Negative terms alone ask for nothing.
    expect((await searcher.searchPlan(plan([], '', ['red']), undefined)).status).toBe('empty-query');
  });

  it('finds a word the vectors cannot place through the keyword side, with the word marked', async () => {
    const { searcher } = await toyLibrary();
    // The vectors place the word nowhere near the note (which sits where the empty text does).
    const nowhere = unit(...Array.from({ length: DIM }, (_, i) => (i === DIM - 1 ? 1 : 0)));
    const res = await searcher.searchPlan(plan([sq('text', nowhere)], 'zanzibar'), undefined);
    expect(res.items.map((g) => g.item.id)).toEqual(['notes.md']);
    const { snippet, matched, range } = res.items[0]!.best;
    expect(snippet!.marks.map((m) => snippet!.text.slice(m.start, m.end))).toEqual(['zanzibar']);
    expect(matched.find((m) => m.passed)!.source).toBe('lexical');
    expect(res.items[0]!.best.words).toEqual(['zanzibar']);
    expect(range).toEqual({ kind: 'text', page: 1, charStart: 0, charEnd: 30 });
  });

  it('a negative vector removes what it names; a negative word removes what contains it', async () => {
    const { searcher } = await toyLibrary();
    const both = plan([sq('clip', unit(1, 1, 0, 0), [unit(0, 1, 0, 0)])]);
    const ids = (await searcher.searchPlan(both, undefined)).items.flatMap((g) =>
      [g.best, ...g.others].map((s) => s.key),
    );
    expect(ids.sort()).toEqual([1, 3]);
    const words = await searcher.searchPlan(plan([], 'red', ['valve']), undefined);
    expect(words.status).toBe('no-good-match');
  });

  it('filters by modality and date, in the vector and keyword lists alike', async () => {
    const { searcher } = await toyLibrary();
    const red = plan([sq('clip', unit(1, 0, 0, 0))], 'red');
    const videos = await searcher.searchPlan(red, { modalities: ['video'] });
    expect(videos.items.map((g) => g.item.id)).toEqual(['film.mp4']);
    const early = await searcher.searchPlan(red, { date: { to: 1, by: 'file' } });
    expect(early.items.map((g) => g.item.id)).toEqual(['red.png']);
    const texts = await searcher.searchPlan(red, { modalities: ['text'] });
    expect(texts.items.map((g) => g.item.id)).toEqual(['notes.md']);
  });

  it('a query of filters alone lists what passes them, newest first, each marked as listed', async () => {
    const { searcher } = await toyLibrary();
    const res = await searcher.searchPlan(plan([]), { modalities: ['image'], date: { to: 11, by: 'file' } });
    expect(res.status).toBe('ok');
    expect(res.items.map((g) => g.item.id)).toEqual(['grey1.png', 'grey0.png', 'blue.png', 'red.png']);
    expect(res.items.every((g) => g.listed && g.best.matched.length === 0)).toBe(true);
    const none = await searcher.searchPlan(plan([]), { modalities: ['audio'] });
    expect(none.status).toBe('no-good-match');
  });

  it('leaves out the items a search excepts ("More like this" leaves out its own), in every list', async () => {
    const { searcher } = await toyLibrary();
    const red = plan([sq('clip', unit(1, 0, 0, 0))], 'red');
    const res = await searcher.searchPlan(red, { exceptItems: ['red.png'] });
    expect(res.items.map((g) => g.item.id).sort()).toEqual(['film.mp4', 'notes.md']);
  });

  it('forgets a removed item', async () => {
    const { searcher, catalog, indexes } = await toyLibrary();
    const keys = catalog.removeItem('red.png');
    await indexes.clip.remove(keys);
    const res = await searcher.searchPlan(plan([sq('clip', unit(1, 0, 0, 0))]), undefined);
    expect(res.items.map((g) => g.item.id)).toEqual(['film.mp4']);
  });
});

describe('per-query work in the vector indexes', () => {
  /** Index searches one text query makes once the bank's spreads and the null query's scores are kept. */
  async function searchesPerQuery(calibration: 'query-bank' | 'null-query') {
    const { catalog, indexes } = await toyLibrary();
    let calls = 0;
    for (const index of Object.values(indexes)) {
      const search = index.search.bind(index);
      index.search = (...args) => (calls++, search(...args));
    }
    const searcher = new Searcher({ encoders: null as never, indexes, catalog }, { calibration });
    const query = () =>
      searcher.searchPlan(plan([sq('clip', unit(1, 0, 0, 0)), sq('clap', unit(0, 0, 1, 0))]), undefined);
    await query();
    calls = 0;
    await query();
    return calls;
  }

  it('the query bank needs one search per space, where the null-query background needed two', async () => {
    expect(await searchesPerQuery('query-bank')).toBe(2);
    expect(await searchesPerQuery('null-query')).toBe(4);
  });
});

describe('below the cut', () => {
  it('"no good match" still offers the closest items, at most three, each marked weak', async () => {
    const { searcher } = await toyLibrary();
    const res = await searcher.searchPlan(plan([sq('clip', nul)]), undefined);
    expect(res.status).toBe('no-good-match');
    expect(res.items).toEqual([]);
    expect(res.closest!.length).toBe(3);
    for (const item of res.closest!) {
      expect(item.weak).toBe(true);
      expect(item.best.matched.every((m) => !m.passed)).toBe(true);
    }
    const best = res.closest!.map((i) => Math.max(...i.best.matched.map((m) => m.z)));
    expect([...best].sort((a, b) => b - a)).toEqual(best);
  });

  it('a search that matches offers no closest items', async () => {
    const { searcher } = await toyLibrary();
    const res = await searcher.searchPlan(plan([sq('clip', unit(1, 0, 0, 0))]), undefined);
    expect(res.status).toBe('ok');
    expect(res.closest).toBeUndefined();
  });

  it('counts the items a looser or stricter cut would return, as searching with that cut does', async () => {
    const { searcher } = await toyLibrary();
    const red = plan([sq('clip', unit(1, 0.3, 0, 0))]);
    const cuts = [0.5, 2, 4.5, 9, 1000];
    const res = await searcher.searchPlan(red, undefined, 100, undefined, { preview: cuts });
    const counts = res.preview!.map((p) => p.items);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(counts[0]).toBeGreaterThan(counts.at(-1)!);
    for (const { cut, items } of res.preview!) {
      const at = await searcher.searchPlan(red, undefined, 100, undefined, { cut });
      expect(at.items.length, `cut ${cut}`).toBe(items);
      expect(at.cut).toBe(cut);
    }
  });
});
