// The search worker: holds the search catalog (segments, items, the BM25 index), so filtering, keyword
// search and snippets over a large library never block the page. It fills the catalog from the library's
// store itself, a page of items at a time, so the segments' text never passes through the page.
import * as Comlink from 'comlink';
import { SearchCatalog } from '../src/search/catalog.ts';
import { Library } from '../src/library/library.ts';
import type { ItemRecord, SegmentRecord } from '../src/library/records.ts';

let catalog = new SearchCatalog();
let library: Promise<Library> | null = null;
let libraryName: string | undefined;

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
  prepare: (...args: Parameters<SearchCatalog['prepare']>) => catalog.prepare(...args),
  lexical: (...args: Parameters<SearchCatalog['lexical']>) => catalog.lexical(...args),
  describe: (...args: Parameters<SearchCatalog['describe']>) => catalog.describe(...args),
  itemIds: (keys: number[]) => catalog.itemIds(keys),
  placeNames: () => catalog.placeNames(),
  browse: (...args: Parameters<SearchCatalog['browse']>) => catalog.browse(...args),
  /** Empties the catalog. */
  clear: () => {
    catalog = new SearchCatalog();
  },
  /**
   * Fills the catalog with every ready item of the library `name`, read here a page at a time (replacing
   * what it held); returns the number of items taken.
   */
  async loadLibrary(name: string): Promise<number> {
    const lib = await open(name);
    const fresh = new SearchCatalog();
    let count = 0;
    for await (const page of lib.itemPages()) {
      const ready = page.filter(({ item }) => item.status === 'ready');
      fresh.upsertItems(ready.map(({ item, segments }) => keyed(item, segments)));
      count += ready.length;
    }
    catalog = fresh;
    return count;
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
