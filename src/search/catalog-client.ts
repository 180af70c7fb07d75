// The page's handle on the search worker's catalog. It answers the searcher like an in-process
// SearchCatalog does; items are copied to the worker (structured clone), never shared.
import * as Comlink from 'comlink';
import type { SearchWorkerApi } from '../../workers/search.worker.ts';
import type { CatalogApi, CatalogSegment } from './catalog.ts';
import type { ItemRecord, Space } from '../library/records.ts';
import type { SearchFilters } from './query.ts';

export class RemoteCatalog implements CatalogApi {
  private readonly worker: Worker;
  private readonly api: Comlink.Remote<SearchWorkerApi>;

  constructor() {
    this.worker = new Worker(new URL('../../workers/search.worker.ts', import.meta.url), {
      type: 'module',
      name: 'search',
    });
    this.api = Comlink.wrap<SearchWorkerApi>(this.worker);
  }

  upsertItem(item: ItemRecord, segments: CatalogSegment[]): Promise<number[]> {
    return this.api.upsertItem(item, segments);
  }
  upsertItems(batch: { item: ItemRecord; segments: CatalogSegment[] }[]): Promise<number[]> {
    return this.api.upsertItems(batch);
  }
  removeItem(itemId: string): Promise<number[]> {
    return this.api.removeItem(itemId);
  }
  /** Fills the catalog from the library's store, which the worker reads itself (see the worker). */
  loadLibrary(name: string): Promise<number> {
    return this.api.loadLibrary(name);
  }
  /** A search begins: a fill under way pauses between pages until release() (at most 5 s a wait). */
  hold(): Promise<void> {
    return this.api.hold();
  }
  release(): Promise<void> {
    return this.api.release();
  }
  /** Resolves once the catalog holds the whole library (no fill under way). */
  loaded(): Promise<void> {
    return this.api.loaded();
  }
  loadItem(name: string, itemId: string): Promise<void> {
    return this.api.loadItem(name, itemId);
  }
  clear(): Promise<void> {
    return this.api.clear();
  }
  size(): Promise<number> {
    return this.api.size();
  }
  prepare(spaces: Space[], filters: SearchFilters | undefined, sampleSize: number) {
    return this.api.prepare(spaces, filters, sampleSize);
  }
  lexical(text: string, negatives: string[], filters?: SearchFilters, limit?: number) {
    return this.api.lexical(text, negatives, filters, limit);
  }
  describe(
    requests: { key: number; terms?: string[] }[],
    queryText: string,
    limit?: { items: number; perItem: number },
    filters?: SearchFilters,
  ) {
    return this.api.describe(requests, queryText, limit, filters);
  }
  itemIds(keys: number[]) {
    return this.api.itemIds(keys);
  }
  placeNames() {
    return this.api.placeNames();
  }
  browse(filters: SearchFilters, limit: number) {
    return this.api.browse(filters, limit);
  }

  terminate(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
