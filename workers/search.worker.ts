// The search worker: holds the search catalog (segments, items, the BM25 index), so filtering, keyword
// search and snippets over a large library never block the page. It fills the catalog from the library's
// store itself, a page of items at a time, so the segments' text never passes through the page. While it
// does, a query without filters is answered from the store (store-answers.ts), so the first search after
// opening a large library does not wait for the whole catalog; its keyword hits come with the catalog.
import * as Comlink from 'comlink';
import { SearchCatalog } from '../src/search/catalog.ts';
import { hasFilters, type SearchFilters } from '../src/search/query.ts';
import { StoreAnswers } from '../src/search/store-answers.ts';
import { Library } from '../src/library/library.ts';
import type { ItemRecord, SegmentRecord, Space } from '../src/library/records.ts';

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
    libraryName = name;
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

/** What the catalog takes of an item's segments: those with an index key, keyed by it. */
function keyed(item: ItemRecord, segments: SegmentRecord[]) {
  return {
    item,
    segments: segments.flatMap((segment) =>
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
    if (loading && !hasFilters(filters)) return loading.store.prepare(spaces, sampleSize);
    await loaded();
    return catalog.prepare(spaces, filters, sampleSize);
  },
  async lexical(text: string, negatives: string[], filters?: SearchFilters, limit?: number) {
    // Without the keyword index there are no keyword hits yet; a negative term or a filter needs it.
    if (loading && negatives.length === 0 && !hasFilters(filters))
      return { hits: [], excluded: [], pending: true };
    await loaded();
    return catalog.lexical(text, negatives, filters, limit);
  },
  describe: (...args: Parameters<SearchCatalog['describe']>) =>
    loading ? loading.store.describe(...args) : catalog.describe(...args),
  itemIds: (keys: number[]) => (loading ? loading.store.itemIds(keys) : catalog.itemIds(keys)),
  placeNames: async () => {
    await loaded();
    return catalog.placeNames();
  },
  browse: async (...args: Parameters<SearchCatalog['browse']>) => {
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
    catalog = new SearchCatalog();
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
      const fresh = new SearchCatalog();
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
    const current = { done: fill(), store: new StoreAnswers(opening) };
    loading = current;
    try {
      return await current.done;
    } finally {
      if (loading === current) loading = null;
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

export type SearchWorkerApi = typeof api;

Comlink.expose(api);
