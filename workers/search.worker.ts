// The search worker: holds the search catalog (segments without their text, items), so filtering over a
// large library never blocks the page, and answers keyword searches from the library's keyword index
// (src/library/postings.ts), which lives in the store: a query reads the postings of its own words, at
// once after opening, whatever the library's size. Snippets are read from the store for the results
// shown (store-answers.ts), so no segment's text is held here. The catalog is filled from the store, a
// page of items at a time, so the segments never pass through the page; while it fills, queries are
// answered from the store (samples too), filters applied to the results, which say so. Opening a library
// first indexes by keyword what an import or an upgrade left to index (Library.indexKeywords).
import * as Comlink from 'comlink';
import { SearchCatalog } from '../src/search/catalog.ts';
import { searchKeywords, type PostingSource } from '../src/search/keyword-search.ts';
import { hasFilters, type SearchFilters } from '../src/search/query.ts';
import { StoreAnswers, type SegmentSource } from '../src/search/store-answers.ts';
import { Library } from '../src/library/library.ts';
import type { ItemRecord, SegmentRecord, Space, TermRead } from '../src/library/records.ts';

/** In memory (with its own keyword index) until a library is named; then over that library's store. */
let catalog = new SearchCatalog();
let library: Promise<Library> | null = null;
let libraryName: string | undefined;
/** While the catalog is being filled: the fill under way, and the store's answers meanwhile. */
let loading: { done: Promise<unknown>; store: StoreAnswers } | null = null;

/**
 * Searches in flight while the catalog fills (the page says so): the fill waits between pages while there
 * are any, so a first search's reads and nearest-neighbour searches do not queue behind it (at 100k items
 * its search stage took 5.0 s beside the fill, 0.9 s after). At most this long per wait, so a search that
 * never says it ended cannot hold the fill back.
 */
const MAX_GIVE_WAY_MS = 5000;
let holds = 0;
let waiting: (() => void)[] = [];

async function giveWay(): Promise<void> {
  const until = Date.now() + MAX_GIVE_WAY_MS;
  while (holds > 0 && Date.now() < until)
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      setTimeout(resolve, until - Date.now());
    });
}

/** Resolves once no fill is under way (whether it worked or not). */
async function loaded(): Promise<void> {
  while (loading) await loading.done.catch(() => undefined);
}

function open(name: string): Promise<Library> {
  if (!library || libraryName !== name) {
    // A catalog, and the store's answers, belong to one library.
    if (libraryName !== name) {
      libraryName = name;
      catalog = newCatalog();
      store = new StoreAnswers(Promise.resolve(storeSource));
    }
    library = Library.open({
      name,
      // Another tab upgrades the schema: this connection has closed; the next use opens it again.
      onVersionChange: () => {
        library = null;
      },
    });
    library.catch(() => (library = null));
  }
  return library;
}

/** The library named last, as the store's answers and keyword search read it (opened again if need be). */
const current = () => open(libraryName!);
const storeKeywords: PostingSource = {
  keywordPostings: async (terms: readonly TermRead[]) => (await current()).keywordPostings(terms),
};
const storeSource: SegmentSource = {
  segmentsByKeys: async (keys) => (await current()).segmentsByKeys(keys),
  segmentsSpread: async (points, run) => (await current()).segmentsSpread(points, run),
  getItems: async (ids) => (await current()).getItems(ids),
  itemsNewestFirst: async (range, count, after) => (await current()).itemsNewestFirst(range, count, after),
  getSegments: async (itemId) => (await current()).getSegments(itemId),
};

/** The store's answers (describe, item ids, samples) for the library named last. */
let store: StoreAnswers | null = null;

/**
 * What the catalog takes of an item's segments: those with an index key, keyed by it, without their text
 * (keyword search and snippets read the store), so the worker's memory does not grow with the text.
 */
function keyed(item: ItemRecord, segments: SegmentRecord[]) {
  return {
    item,
    segments: segments.flatMap(({ text: _text, ...segment }) =>
      segment.key === undefined ? [] : [{ key: segment.key, segment }],
    ),
  };
}

const api = {
  upsertItem: (...args: Parameters<SearchCatalog['upsertItem']>) => catalog.upsertItem(...args),
  upsertItems: (...args: Parameters<SearchCatalog['upsertItems']>) => catalog.upsertItems(...args),
  removeItem: (itemId: string) => catalog.removeItem(itemId),
  size: () => catalog.size,
  async prepare(spaces: Space[], filters: SearchFilters | undefined, sampleSize: number) {
    if (!loading) return catalog.prepare(spaces, filters, sampleSize);
    const prepared = await loading.store.prepare(spaces, sampleSize);
    if (!hasFilters(filters)) return prepared;
    // Which keys pass needs the catalog: until it is in, describe applies the filters to the results.
    return Object.fromEntries(
      Object.entries(prepared).map(([space, p]) => [space, { ...p, postFiltered: true as const }]),
    );
  },
  async lexical(text: string, negatives: string[], filters?: SearchFilters, limit?: number) {
    // The store's keyword index answers at once; a filter needs the items of the hits, which the catalog
    // has, and which describe reads while it is being filled (prepare says so).
    if (libraryName !== undefined && !hasFilters(filters))
      return searchKeywords(storeKeywords, text, negatives, { limit });
    if (libraryName !== undefined && loading)
      return {
        ...(await searchKeywords(storeKeywords, text, negatives, { limit })),
        postFiltered: true as const,
      };
    return catalog.lexical(text, negatives, filters, limit);
  },
  describe: (...args: Parameters<SearchCatalog['describe']>) =>
    store ? store.describe(...args) : catalog.describe(...args),
  itemIds: (keys: number[]) => (loading && store ? store.itemIds(keys) : catalog.itemIds(keys)),
  placeNames: async () => {
    await loaded();
    return catalog.placeNames();
  },
  browse: async (...args: Parameters<SearchCatalog['browse']>) => {
    const fromStore = loading ? await loading.store.browse(...args) : null;
    if (fromStore) return fromStore;
    await loaded();
    return catalog.browse(...args);
  },
  /** Resolves once the catalog holds the whole library (no fill under way). */
  loaded,
  /** A search begins: a fill under way waits between pages until it ends (release). */
  hold: () => {
    holds++;
  },
  release: () => {
    holds = Math.max(0, holds - 1);
    if (holds > 0) return;
    const resume = waiting;
    waiting = [];
    for (const r of resume) r();
  },
  /** Empties the catalog. */
  clear: () => {
    catalog = newCatalog();
  },
  /**
   * Fills the catalog with every ready item of the library `name`, read here a page at a time (replacing
   * what it held); returns the number of items taken.
   */
  async loadLibrary(name: string): Promise<number> {
    // Marked as loading at once, before the library is open, so a search sent right after is answered
    // from the store and never from the catalog being replaced.
    const opening = open(name);
    const fill = async () => {
      const lib = await opening;
      // What an import or an upgrade left to index by keyword first: it is what a first search needs.
      await lib.indexKeywords(giveWay);
      const fresh = newCatalog();
      let count = 0;
      for await (const page of lib.itemPages()) {
        const ready = page.filter(({ item }) => item.status === 'ready');
        fresh.upsertItems(ready.map(({ item, segments }) => keyed(item, segments)));
        count += ready.length;
        await giveWay();
      }
      catalog = fresh;
      return count;
    };
    // A fresh one: its background samples are read again for the library as it is now.
    const answers = new StoreAnswers(Promise.resolve(storeSource));
    store = answers;
    const filling = { done: fill(), store: answers };
    loading = filling;
    try {
      return await filling.done;
    } finally {
      if (loading === filling) loading = null;
    }
  },
  /** Takes one item from the library `name` as it is now: upserted when ready, else dropped. */
  async loadItem(name: string, itemId: string): Promise<void> {
    const lib = await open(name);
    const item = await lib.getItem(itemId);
    if (!item || item.status !== 'ready') {
      catalog.removeItem(itemId);
      return;
    }
    const { segments } = keyed(item, await lib.getSegments(itemId));
    catalog.upsertItem(item, segments);
  },
};

function newCatalog(): SearchCatalog {
  return new SearchCatalog(libraryName === undefined ? {} : { keywords: storeKeywords });
}

export type SearchWorkerApi = typeof api;

Comlink.expose(api);
