// The calibration grid: model worlds × library sizes, each cell a library built in memory from a synthetic
// world (calibration-world.ts) and searched by the real Searcher (exact vector indexes, the real catalog),
// with labelled queries whose answers are known by construction. Pure Node: no encoders, no browser.
//
// Scoring, per query: the returned segments (every item's best and other moments) against the relevant ones.
// F1 is the mean of per-query F1, where a query that should find nothing scores 1 when the answer is "no
// good match" and 0 otherwise. MRR is the mean reciprocal rank of the first relevant item, over the queries
// that have relevant items (0 when none is returned).
import type { ItemRecord, SegmentRecord, Space } from '../../src/library/records.ts';
import { SearchCatalog } from '../../src/search/catalog.ts';
import type { QueryEncoders } from '../../src/search/fan-out.ts';
import type { SearchQuery } from '../../src/search/query.ts';
import { Searcher, type SearcherOptions } from '../../src/search/searcher.ts';
import { ExactIndex } from '../../src/vector-index/exact-index.ts';
import {
  concepts,
  vocabularies,
  worldModels,
  type ModelWorld,
  type WorldModels,
} from './calibration-world.ts';

export const SPACES: Space[] = ['clip', 'clap', 'text'];
export const SIZES = [3, 10, 100, 10_000];

/** The labelled items of each space, as (concept, purity): several per concept, some weak. */
const targets: Record<Space, [string, number][]> = {
  clip: [
    ['red', 0.95],
    ['green', 0.9],
    ['blue', 0.9],
    ['red', 0.75],
    ['yellow', 0.85],
    ['red', 0.6],
  ],
  clap: [
    ['hum', 0.9],
    ['beep', 0.9],
    ['hiss', 0.85],
    ['hum', 0.7],
  ],
  text: [
    ['valve', 0.9],
    ['kite', 0.9],
    ['flour', 0.85],
    ['valve', 0.7],
    ['train', 0.8],
  ],
};

const kindOf: Record<Space, { item: ItemRecord['kind']; segment: SegmentRecord['kind'] }> = {
  clip: { item: 'image', segment: 'image' },
  clap: { item: 'audio', segment: 'audio-window' },
  text: { item: 'text', segment: 'text-chunk' },
};

export interface GridItem {
  id: string;
  space: Space;
  /** null for distractors and plain items. */
  concept: string | null;
  /** How much of the item is its concept (0 for unrelated items). */
  purity: number;
  plain: boolean;
}

export interface GridLibrary {
  models: WorldModels;
  items: Map<string, GridItem>;
  /** Adds unrelated items to every space: `plain` low-content ones and `distractors`. */
  addUnrelated(plain: number, distractors: number): Promise<void>;
  searcher(options?: SearcherOptions): Searcher;
}

/** A library with `size` segments per space: the labelled items (as many as fit), plain items, distractors. */
export async function buildLibrary(world: ModelWorld, size: number, seed = 1): Promise<GridLibrary> {
  const models = worldModels(world, seed);
  const indexes = Object.fromEntries(
    SPACES.map((s) => [s, new ExactIndex({ dim: models[s].dim, space: s })]),
  ) as Record<Space, ExactIndex>;
  const catalog = new SearchCatalog();
  const items = new Map<string, GridItem>();
  let nextKey = 1;
  let nextSeed = seed * 1_000_003;

  async function add(
    space: Space,
    entries: { concept: string | null; purity?: number; plain: boolean; vector: Float32Array }[],
  ) {
    const keys = new Uint32Array(entries.length);
    const vectors = new Float32Array(entries.length * models[space].dim);
    const batch = entries.map((e, i) => {
      const key = nextKey++;
      keys[i] = key;
      vectors.set(e.vector, i * models[space].dim);
      const id = `${space}-${key}`;
      items.set(id, { id, space, concept: e.concept, purity: e.purity ?? 0, plain: e.plain });
      const item: ItemRecord = {
        id,
        name: `${id}${e.concept ? `-${e.concept}` : e.plain ? '-plain' : ''}`,
        folderPath: '',
        kind: kindOf[space].item,
        mime: 'application/octet-stream',
        size: 1,
        mtime: 0,
        status: 'ready',
        addedAt: 0,
        updatedAt: 0,
      };
      const segment: SegmentRecord = {
        id: `${id}#0`,
        key,
        itemId: id,
        kind: kindOf[space].segment,
        spaces: [space],
        ...(space === 'text' ? { text: `passage ${key}`, charStart: 0, charEnd: 12 } : {}),
        ...(space === 'clap' ? { t0: 0, t1: 10 } : {}),
      };
      return { item, segments: [{ key, segment }] };
    });
    catalog.upsertItems(batch);
    await indexes[space].add(keys, vectors);
  }

  const unrelated = (space: Space, plain: number, distractors: number) =>
    add(space, [
      ...Array.from({ length: plain }, () => ({
        concept: null,
        plain: true,
        vector: models[space].plain(nextSeed++),
      })),
      ...Array.from({ length: distractors }, () => ({
        concept: null,
        plain: false,
        vector: models[space].distractor(nextSeed++),
      })),
    ]);

  for (const space of SPACES) {
    // Three segments: three different concepts; from ten on, every labelled item.
    const labelled = size < targets[space].length ? targets[space].slice(0, size) : targets[space];
    await add(
      space,
      labelled.map(([concept, purity]) => ({
        concept,
        purity,
        plain: false,
        vector: models[space].item(concept, purity, nextSeed++),
      })),
    );
    const rest = size - labelled.length;
    const plain = rest <= 0 ? 0 : Math.max(Math.min(2, rest), Math.round(rest * 0.05));
    await unrelated(space, plain, rest - plain);
  }

  return {
    models,
    items,
    async addUnrelated(plain, distractors) {
      for (const space of SPACES) await unrelated(space, plain, distractors);
    },
    searcher: (options) =>
      new Searcher({ encoders: encodersOf(models), indexes, catalog }, { perSpace: 100, ...options }),
  };
}

/** Query encoders that embed as the world does: words through each space's query map, attachments as items. */
function encodersOf(models: WorldModels): QueryEncoders {
  const text = (space: Space) => ({
    embedTexts: async (texts: string[]) =>
      texts.map((t) => (t.trim() ? models[space].query(t.trim()) : models[space].nullQuery())),
  });
  return {
    clip: {
      ...text('clip'),
      // A concept's name is a photo of it; anything else (the blank picture) is a plain one.
      embedImages: async (blobs: Blob[]) =>
        Promise.all(
          blobs.map(async (b) => {
            const name = await b.text();
            return concepts.clip.includes(name) ? models.clip.item(name, 0.9, 424242) : models.clip.plain(0);
          }),
        ),
    },
    clap: {
      ...text('clap'),
      // A window starting with k + 1 is a recording of concept k; anything else (silence) is a plain one.
      embedAudio: async (windows: Float32Array[]) =>
        windows.map((w) =>
          w[0]! >= 1 ? models.clap.item(concepts.clap[w[0]! - 1]!, 0.9, 434343) : models.clap.plain(0),
        ),
    },
    text: text('text'),
    speech: { transcribe: async () => [] },
  };
}

export interface LabelledQuery {
  label: string;
  query: SearchQuery;
  /** Which items are relevant. */
  relevant: (item: GridItem) => boolean;
}

/**
 * Every concept word of every space, two words no space knows, a photo and a sound; in a world with a
 * word-level space, also each other word it knows for a concept, and two of them together ("static noise").
 */
export function labelledQueries(world?: ModelWorld): LabelledQuery[] {
  const words = SPACES.flatMap((s) => concepts[s]);
  const synonyms = SPACES.filter((s) => world?.spaces[s].vocabulary === 'word-level').flatMap((s) =>
    Object.entries(vocabularies[s]).flatMap(([concept, known]) =>
      [...known, known.slice(0, 2).reverse().join(' ')].map((w) => ({
        label: w,
        query: { text: w },
        relevant: (i: GridItem) => i.concept === concept,
      })),
    ),
  );
  return [
    ...synonyms,
    ...words.map((w) => ({
      label: w,
      query: { text: w },
      relevant: (i: GridItem) => i.concept === w,
    })),
    ...['zebra', 'umbrella'].map((w) => ({ label: w, query: { text: w }, relevant: () => false })),
    {
      label: 'image: a red photo',
      query: { image: { blob: new Blob(['red']) } },
      relevant: (i: GridItem) => i.space === 'clip' && i.concept === 'red',
    },
    {
      label: 'audio: a hum',
      query: { audio: { pcm48k: Float32Array.of(concepts.clap.indexOf('hum') + 1, 0, 0) } },
      relevant: (i: GridItem) => i.space === 'clap' && i.concept === 'hum',
    },
  ];
}

export interface QueryScore {
  label: string;
  relevant: number;
  returned: number;
  hits: number;
  f1: number;
  /** Reciprocal rank of the first relevant item; undefined when nothing is relevant. */
  rr?: number;
}

export interface CellScore {
  f1: number;
  mrr: number;
  /** Queries that should find nothing and said "no good match", of all such queries. */
  noMatch: [number, number];
  queries: QueryScore[];
}

export async function scoreQueries(
  lib: GridLibrary,
  searcher: Searcher,
  queries: LabelledQuery[],
): Promise<CellScore> {
  const scores: QueryScore[] = [];
  const all = [...lib.items.values()];
  for (const q of queries) {
    const res = await searcher.search({ ...q.query, limit: 1000 });
    const ranked = res.items.map((g) => lib.items.get(g.item.id)!);
    const relevant = all.filter(q.relevant).length;
    const hits = ranked.filter(q.relevant).length;
    const returned = ranked.length;
    let f1: number;
    if (relevant === 0) f1 = returned === 0 ? 1 : 0;
    else f1 = hits === 0 ? 0 : (2 * hits) / (returned + relevant);
    const first = ranked.findIndex(q.relevant);
    scores.push({
      label: q.label,
      relevant,
      returned,
      hits,
      f1,
      rr: relevant ? (first >= 0 ? 1 / (first + 1) : 0) : undefined,
    });
  }
  const withRelevant = scores.filter((s) => s.rr !== undefined);
  const empty = scores.filter((s) => s.rr === undefined);
  return {
    f1: mean(scores.map((s) => s.f1)),
    mrr: mean(withRelevant.map((s) => s.rr!)),
    noMatch: [empty.filter((s) => s.returned === 0).length, empty.length],
    queries: scores,
  };
}

export async function runCell(
  world: ModelWorld,
  size: number,
  options: SearcherOptions = {},
  seed = 1,
): Promise<CellScore> {
  const lib = await buildLibrary(world, size, seed);
  return scoreQueries(lib, lib.searcher(options), labelledQueries(world));
}

/** A relevant item this pure is a clear match: a search must return it, whatever else the library holds. */
export const CLEAR_PURITY = 0.85;

/**
 * Adding unrelated items never removes a clear match: each labelled query's clear matches are returned in
 * the library as built, and still after plain items, then many more unrelated ones, are added. Returns how
 * many clear matches were checked and which were missed, at which step.
 */
export async function stability(
  world: ModelWorld,
  size: number,
  options: SearcherOptions = {},
  steps: [plain: number, distractors: number][] = [
    [2, 0],
    [20, 0],
    [20, 200],
    // Past the 256-segment background sample: the sample changes as the library grows.
    [50, 1000],
  ],
): Promise<{ checked: number; missed: string[] }> {
  const lib = await buildLibrary(world, size);
  const queries = labelledQueries(world);
  const missed: string[] = [];
  let checked = 0;
  for (const [plain, distractors] of [[0, 0], ...steps]) {
    if (plain || distractors) await lib.addUnrelated(plain!, distractors!);
    const searcher = lib.searcher(options);
    for (const q of queries) {
      const clear = [...lib.items.values()].filter((i) => q.relevant(i) && i.purity >= CLEAR_PURITY);
      if (!clear.length) continue;
      const res = await searcher.search({ ...q.query, limit: 1000 });
      for (const item of clear) {
        checked++;
        if (!res.items.some((g) => g.item.id === item.id))
          missed.push(`"${q.label}" missed ${item.id} with +${plain} plain, +${distractors} unrelated`);
      }
    }
  }
  return { checked, missed };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 1;
}
