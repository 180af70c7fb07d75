// Search over the open library: the search worker's catalog is filled from the store when the app opens
// and kept in step with ingest (an item is added when the queue says it is ready, and dropped when it is
// deleted), and queries run through the Searcher over the facade's encoders and vector indexes.
import type { Trove } from '../../trove.ts';
import type { ItemRecord } from '../../library/records.ts';
import { RemoteCatalog } from '../../search/catalog-client.ts';
import { Searcher } from '../../search/searcher.ts';
import type { SearchQuery } from '../../search/query.ts';
import type { SearchResponse } from '../../search/results.ts';
import type { KeyedSegment } from '../../trove.ts';

export class SearchService {
  private readonly catalog = new RemoteCatalog();
  private readonly searcher: Searcher;
  /** Catalog changes run one after another, so a delete never overtakes the add it follows. */
  private pending: Promise<unknown> = Promise.resolve();
  readonly ready: Promise<void>;

  constructor(private readonly trove: Trove) {
    this.searcher = new Searcher({ encoders: trove.encoders, indexes: trove.indexes, catalog: this.catalog });
    this.ready = this.enqueue(async () => {
      for (const { item, segments } of await trove.allSegments()) await this.upsert(item, segments);
    });
    trove.queue.addEventListener('item-ready', (e) => void this.itemReady(e.detail.itemId));
  }

  async search(query: SearchQuery): Promise<SearchResponse> {
    await this.ready;
    await this.pending;
    return this.searcher.search(query);
  }

  /** After the store deleted an item (the facade removed its vectors already). */
  itemRemoved(itemId: string): Promise<void> {
    return this.enqueue(async () => void (await this.catalog.removeItem(itemId)));
  }

  /** After the library was cleared. */
  cleared(itemIds: string[]): Promise<void> {
    return this.enqueue(async () => {
      for (const id of itemIds) await this.catalog.removeItem(id);
    });
  }

  terminate(): void {
    this.catalog.terminate();
  }

  private itemReady(itemId: string): Promise<void> {
    return this.enqueue(async () => {
      const item = await this.trove.library.getItem(itemId);
      if (!item) return;
      const found = (await this.trove.allSegments()).find((e) => e.item.id === itemId);
      if (found) await this.upsert(found.item, found.segments);
    });
  }

  private async upsert(item: ItemRecord, segments: KeyedSegment[]): Promise<void> {
    if (item.status !== 'ready') return;
    await this.catalog.upsertItem(
      item,
      segments.map(({ key, ...segment }) => ({ key, segment })),
    );
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.pending.then(task);
    this.pending = run.catch((error: unknown) => console.warn('Search catalog update failed', error));
    return run;
  }
}
