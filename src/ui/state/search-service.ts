// Search over the open library: the search worker fills its catalog from the store when the app opens (it
// reads the store itself, a page at a time, so the page never holds the library's segments) and keeps it in
// step with the library through the facade's events (an item ready, an item removed, the library cleared or
// replaced), and queries run through the Searcher over the facade's encoders and vector indexes. A search
// made while the catalog fills does not wait for it: the worker answers it from the store, by meaning
// only, and the answer says so (SearchResponse.pending), so the UI asks again once the fill is done.
import type { Trove, TroveEventMap } from '../../trove.ts';
import { RemoteCatalog } from '../../search/catalog-client.ts';
import { Searcher } from '../../search/searcher.ts';
import { cacheStorageBanks } from '../../search/bank-cache.ts';
import { prepareQueries } from '../../search/fan-out.ts';
import type { SearchQuery } from '../../search/query.ts';
import type { SearchResponse } from '../../search/results.ts';

/** Runs `task` once the page has had a moment of idle time after opening (at most 2 s later). */
function whenIdle(task: () => unknown): void {
  if ('requestIdleCallback' in globalThis) requestIdleCallback(() => void task(), { timeout: 2000 });
  else setTimeout(() => void task(), 500);
}

/** A promise that never settles: no catalog fill is queued. */
const never = new Promise<void>(() => undefined);

export class SearchService {
  private readonly catalog = new RemoteCatalog();
  private readonly searcher: Searcher;
  /** Catalog changes run one after another, so a removal never overtakes the add it follows. */
  private pending: Promise<unknown> = Promise.resolve();
  /**
   * Settles when a queued fill of the catalog begins (never while none is queued). From then on the worker
   * answers searches from the store until the fill is done, so a search need not wait for it.
   */
  private fillBegun: Promise<void> = never;
  private filling = false;
  private readonly placesKey: string;

  constructor(private readonly trove: Trove) {
    // One object for both, so the banks prepared at idle are the ones the first query finds.
    const encoders = { ...trove.encoders.forQueries, banks: cacheStorageBanks() };
    this.searcher = new Searcher({
      encoders,
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
    this.placesKey = `trove.place-names:${name}`;
    trove.addEventListener('library-replaced', () => this.fill(name));
    this.fill(name, true);
    whenIdle(() =>
      prepareQueries(encoders).catch((error: unknown) =>
        // Not an error yet: the first query loads the encoders again and reports what went wrong there.
        console.warn('Trove: preparing the query encoders failed', error),
      ),
    );
  }

  /**
   * Searches once every catalog change made so far is in, or once a fill of the catalog has begun (the
   * worker answers from the store meanwhile, without keyword hits: the response says `pending`). A folder
   * named in the query is also looked up among imported folders, whose own names the catalog does not know.
   */
  async search(query: SearchQuery): Promise<SearchResponse> {
    await Promise.race([this.pending, this.fillBegun]);
    const named = query.filters?.folderNamed;
    if (named?.names.length) {
      const names = new Set(named.names.map((n) => n.toLocaleLowerCase()));
      const importedIds = (await this.trove.library.listFolders())
        .filter((f) => names.has(f.name.toLocaleLowerCase()))
        .map((f) => f.id);
      query = { ...query, filters: { ...query.filters, folderNamed: { ...named, importedIds } } };
    }
    // While the catalog fills, its reading pauses for the search (it reads the same store, on one of the
    // two cores a small machine has).
    const held = this.filling;
    if (held) void this.catalog.hold().catch(() => undefined);
    try {
      return await this.searcher.search(query);
    } finally {
      if (held) void this.catalog.release().catch(() => undefined);
    }
  }

  /**
   * The library's place names, once every catalog change made so far is in; while the catalog is being
   * filled, the names it had when last filled (kept in localStorage), so "in Lisbon" stays a filter.
   */
  async placeNames(): Promise<string[]> {
    await Promise.race([this.pending, this.fillBegun]);
    if (this.filling) return this.savedPlaces();
    const names = await this.catalog.placeNames();
    try {
      globalThis.localStorage?.setItem(this.placesKey, JSON.stringify(names));
    } catch {
      // Storage full or denied: the names are only a head start for the next opening.
    }
    return names;
  }

  /** Resolves once every catalog change made so far, a fill included, is in. */
  async whenLoaded(): Promise<void> {
    await this.pending;
  }

  private savedPlaces(): string[] {
    try {
      const saved: unknown = JSON.parse(globalThis.localStorage?.getItem(this.placesKey) ?? '[]');
      return Array.isArray(saved) ? saved.filter((n): n is string => typeof n === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Queues a fill of the catalog from the store (at opening, and when the library was replaced). */
  private fill(name: string, opening = false): void {
    let begin!: () => void;
    this.fillBegun = new Promise<void>((resolve) => (begin = resolve));
    const begun = this.fillBegun;
    this.enqueue(async () => {
      this.filling = true;
      begin();
      if (opening) performance.mark('trove:search:loading');
      try {
        await this.catalog.loadLibrary(name);
        if (opening) performance.mark('trove:search:loaded');
      } finally {
        this.filling = false;
        if (this.fillBegun === begun) this.fillBegun = never;
      }
    });
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
