// The running app: model configuration, the opened library (the facade), search over it, and the state of
// each part of the page. Views read it through Svelte context (see context.ts).
import { hasModelsOverride, loadModelsConfig, saveModelsOverride } from '../../models/load-config.ts';
import type { ModelsConfig } from '../../models/config.ts';
import { openTrove, type Trove } from '../../trove.ts';
import { ObjectUrls } from '../common/object-urls.ts';
import { LibraryState, messageOf } from './library-state.svelte.ts';
import { SearchService } from './search-service.ts';
import { SearchState } from './search-state.svelte.ts';
import { ViewerState } from './viewer-state.svelte.ts';
import { savedTranscriptionLanguage } from '../settings/transcription-language.ts';
import { AnswerState } from './answer-state.svelte.ts';
import type { Source } from '../../answer/context.ts';
import type { Attachment as QuestionAttachment } from '../../answer/prompt.ts';
import { segmentRange, type SegmentRange } from '../../search/results.ts';

export type View = 'home' | 'settings';

export class AppState {
  phase = $state<'starting' | 'ready' | 'failed'>('starting');
  failure = $state('');
  /** Whether model settings are saved in this browser, so the failure can offer to reset them. */
  canResetModels = $state(false);
  /** What was removed from the saved model settings at start, because it was invalid. */
  modelsNotice = $state('');
  config = $state.raw<ModelsConfig | null>(null);
  view = $state<View>(viewOfHash());

  readonly library = new LibraryState();
  readonly search = new SearchState();
  readonly viewer = new ViewerState();
  readonly answer = new AnswerState(() => this.config?.llm);
  /** Thumbnails by 'item:<itemId>' (the item's first) or 'thumb:<thumbnailId>'. */
  readonly thumbnails = new ObjectUrls((key) => this.loadThumbnail(key));

  trove: Trove | null = null;
  searchService: SearchService | null = null;

  async start(): Promise<void> {
    addEventListener('hashchange', () => (this.view = viewOfHash()));
    try {
      const loaded = await loadModelsConfig();
      performance.mark('trove:open:config');
      this.config = loaded.config;
      this.modelsNotice = loaded.notice ?? '';
      this.trove = await openTrove({
        config: this.config,
        transcriptionLanguage: savedTranscriptionLanguage(),
      });
      // The library view's first reads (the month counts) go ahead of the search catalog's read of the
      // whole library, which would otherwise hold the database while the view waits to show anything.
      this.library.attach(this.trove);
      this.searchService = new SearchService(this.trove);
      this.search.attach(this.searchService);
      this.phase = 'ready';
    } catch (error) {
      this.failure = messageOf(error);
      this.canResetModels = hasModelsOverride();
      this.phase = 'failed';
    }
  }

  /** The way out of a start that failed with model settings saved: forget them and start again. */
  resetModelSettings(): void {
    saveModelsOverride(null);
    location.reload();
  }

  /** "Ask": searches with the query as it stands, then answers from those results. */
  async ask(): Promise<void> {
    const search = this.search;
    const text = search.text.trim() || undefined;
    await search.run();
    if (search.status !== 'done') return;
    const attachments: QuestionAttachment[] = search.attachments.map((a) =>
      a.kind === 'image'
        ? { kind: 'image', name: a.name }
        : { kind: 'audio', name: a.name, recorded: a.recorded, transcript: search.response?.transcript },
    );
    await this.answer.ask({ text, attachments }, search.results);
  }

  /**
   * Opens what a citation points at: the cited moment of a recording, or the cited passage. Never rejects:
   * a citation that cannot be read opens nothing, and says why in the console.
   */
  async openSource(source: Source): Promise<void> {
    try {
      await this.openSourceNow(source);
    } catch (error) {
      console.warn(`Trove: opening the cited ${source.itemId} failed`, error);
    }
  }

  private async openSourceNow(source: Source): Promise<void> {
    const library = this.trove?.library;
    if (!library) return;
    const item = await library.getItem(source.itemId);
    if (!item) return;
    const segments = await Promise.all(source.segmentIds.map((id) => library.getSegment(id)));
    const best = segments[source.segmentIds.indexOf(source.segmentId)];
    const at: SegmentRange =
      source.openAt !== undefined
        ? { kind: 'time', t0: source.openAt, t1: source.openAt }
        : best
          ? segmentRange(best)
          : { kind: 'whole' };
    const moments = segments.flatMap((s) => (s ? [segmentRange(s)] : []));
    this.viewer.open({ item, at, moments, segmentText: best?.text });
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
