// The running app: model configuration, the opened library (the facade), search over it, and the state of
// each part of the page. Views read it through Svelte context (see context.ts).
import { loadModelsConfig } from '../../models/load-config.ts';
import type { ModelsConfig } from '../../models/config.ts';
import { openTrove, type Trove } from '../../trove.ts';
import { ObjectUrls } from '../common/object-urls.ts';
import { LibraryState, messageOf } from './library-state.svelte.ts';
import { SearchService } from './search-service.ts';
import { SearchState } from './search-state.svelte.ts';
import { ViewerState } from './viewer-state.svelte.ts';

export type View = 'home' | 'settings';

export class AppState {
  phase = $state<'starting' | 'ready' | 'failed'>('starting');
  failure = $state('');
  config = $state.raw<ModelsConfig | null>(null);
  view = $state<View>(viewOfHash());

  readonly library = new LibraryState();
  readonly search = new SearchState();
  readonly viewer = new ViewerState();
  /** Thumbnails by 'item:<itemId>' (the item's first) or 'thumb:<thumbnailId>'. */
  readonly thumbnails = new ObjectUrls((key) => this.loadThumbnail(key));

  trove: Trove | null = null;
  searchService: SearchService | null = null;

  async start(): Promise<void> {
    addEventListener('hashchange', () => (this.view = viewOfHash()));
    try {
      this.config = await loadModelsConfig();
      this.trove = await openTrove({ config: this.config });
      this.searchService = new SearchService(this.trove);
      this.library.attach(this.trove);
      this.search.attach(this.searchService);
      this.phase = 'ready';
    } catch (error) {
      this.failure = messageOf(error);
      this.phase = 'failed';
    }
  }

  show(view: View): void {
    location.hash = view === 'home' ? '' : view;
    this.view = view;
  }

  private async loadThumbnail(key: string): Promise<Blob | undefined> {
    const library = this.trove?.library;
    if (!library) return undefined;
    const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'thumb') return (await library.getThumbnail(id))?.blob;
    const all = await library.thumbnailsOfItem(id);
    return all.sort((a, b) => a.id.localeCompare(b.id))[0]?.blob;
  }
}

function viewOfHash(): View {
  return location.hash === '#settings' ? 'settings' : 'home';
}
