// Search over the open library: the search worker fills its catalog from the store when the app opens (it
// reads the store itself, a page at a time, so the page never holds the library's segments) and keeps it in
// step with the library through the facade's events (an item ready, an item removed, the library cleared or
// replaced), and queries run through the Searcher over the facade's encoders and vector indexes.
import type { Trove, TroveEventMap } from '../../trove.ts';
import { RemoteCatalog } from '../../search/catalog-client.ts';
import { Searcher } from '../../search/searcher.ts';
import { prepareQueries } from '../../search/fan-out.ts';
import type { SearchQuery } from '../../search/query.ts';
import type { SearchResponse } from '../../search/results.ts';

/** Runs `task` once the page has had a moment of idle time after opening (at most 2 s later). */
function whenIdle(task: () => unknown): void {
  if ('requestIdleCallback' in globalThis) requestIdleCallback(() => void task(), { timeout: 2000 });
  else setTimeout(() => void task(), 500);
}

export class SearchService {
  private readonly catalog = new RemoteCatalog();
  private readonly searcher: Searcher;
  /** Catalog changes run one after another, so a removal never overtakes the add it follows. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly trove: Trove) {
    this.searcher = new Searcher({
      encoders: trove.encoders.forQueries,
      indexes: trove.indexes,
      catalog: this.catalog,
      segmentVectors: (keys) => trove.library.vectorsByKeys(keys),
    });
    const on = <K extends keyof TroveEventMap>(type: K, run: (detail: TroveEventMap[K]) => Promise<void>) =>
      trove.addEventListener(type, (e) =>
        this.enqueue(() => run((e as CustomEvent<TroveEventMap[K]>).detail)),
      );
    const name = trove.library.name;
    // Listening before the first read: an item that becomes ready meanwhile is read twice, harmlessly.
    on('item-ready', ({ itemId }) => this.catalog.loadItem(name, itemId));
    on('item-removed', async ({ itemId }) => void (await this.catalog.removeItem(itemId)));
    on('cleared', () => this.catalog.clear());
    on('library-replaced', async () => void (await this.catalog.loadLibrary(name)));
    this.enqueue(async () => {
      performance.mark('trove:search:loading');
      await this.catalog.loadLibrary(name);
      performance.mark('trove:search:loaded');
    });
    whenIdle(() =>
      prepareQueries(trove.encoders.forQueries).catch((error: unknown) =>
        // Not an error yet: the first query loads the encoders again and reports what went wrong there.
        console.warn('Trove: preparing the query encoders failed', error),
      ),
    );
  }

  /**
   * Searches once every catalog change made so far is in. A folder named in the query is also looked up
   * among imported folders, whose own names the catalog does not know.
   */
  async search(query: SearchQuery): Promise<SearchResponse> {
    await this.pending;
    const named = query.filters?.folderNamed;
    if (named?.names.length) {
      const names = new Set(named.names.map((n) => n.toLocaleLowerCase()));
      const importedIds = (await this.trove.library.listFolders())
        .filter((f) => names.has(f.name.toLocaleLowerCase()))
        .map((f) => f.id);
      query = { ...query, filters: { ...query.filters, folderNamed: { ...named, importedIds } } };
    }
    return this.searcher.search(query);
  }

  /** The library's place names, once every catalog change made so far is in. */
  async placeNames(): Promise<string[]> {
    await this.pending;
    return this.catalog.placeNames();
  }

  terminate(): void {
    this.catalog.terminate();
  }

  /** Queues a catalog change; one that fails is reported, and the next runs all the same. */
  private enqueue(task: () => Promise<void>): void {
    this.pending = this.pending
      .then(task)
      .catch((error: unknown) => console.warn('Trove: updating the search catalog failed', error));
  }
}
