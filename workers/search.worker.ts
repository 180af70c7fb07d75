// The search worker: holds the search catalog (segments, items, the BM25 index), so filtering, keyword
// search and snippets over a large library never block the page.
import * as Comlink from 'comlink';
import { SearchCatalog } from '../src/search/catalog.ts';

const catalog = new SearchCatalog();

const api = {
  upsertItem: catalog.upsertItem.bind(catalog),
  upsertItems: catalog.upsertItems.bind(catalog),
  removeItem: catalog.removeItem.bind(catalog),
  size: () => catalog.size,
  prepare: catalog.prepare.bind(catalog),
  lexical: catalog.lexical.bind(catalog),
  describe: catalog.describe.bind(catalog),
  itemIds: catalog.itemIds.bind(catalog),
  browse: catalog.browse.bind(catalog),
};

export type SearchWorkerApi = typeof api;

Comlink.expose(api);
