// "Summarize" for the item in the viewer: its transcript, frame captions or text go through the page's
// answer engine (the one Ask uses), and the summary streams in with citations of the moments or passages
// it draws on. When the engine cannot run, the summary is quoted passages, labelled, with the reason.
import type { AnswerSegment } from '../../answer/citations.ts';
import type { Source } from '../../answer/context.ts';
import type { AnswerEngine, LoadProgress } from '../../answer/engine.ts';
import { summarizeItem, type SummaryResult } from '../../answer/summarize.ts';
import type { ItemRecord, SegmentRecord } from '../../library/records.ts';
import { messageOf } from '../state/library-state.svelte.ts';
import { summarySegments } from './summary-segments.ts';

export class SummaryState {
  status = $state<'idle' | 'summarizing' | 'done'>('idle');
  sources = $state.raw<Source[]>([]);
  segments = $state.raw<AnswerSegment[]>([]);
  loading = $state.raw<LoadProgress | null>(null);
  progress = $state.raw<{ done: number; total: number } | null>(null);
  notices = $state.raw<string[]>([]);
  result = $state.raw<SummaryResult | null>(null);

  private generation = 0;
  private engine: AnswerEngine | null = null;

  constructor(private readonly engineFor: () => Promise<AnswerEngine | null>) {}

  async summarize(item: ItemRecord, readSegments: () => Promise<SegmentRecord[]>): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.status = 'summarizing';
    this.sources = [];
    this.segments = [];
    this.loading = null;
    this.progress = null;
    this.notices = [];
    this.result = null;
    try {
      const [engine, stored] = await Promise.all([this.engineFor(), readSegments()]);
      this.engine = engine;
      const run = summarizeItem({ engine, itemName: item.name, segments: summarySegments(item, stored) });
      for await (const event of run) {
        if (!current()) break;
        if (event.type === 'sources') this.sources = event.sources;
        else if (event.type === 'loading') this.loading = event.progress;
        else if (event.type === 'progress') this.progress = { done: event.done, total: event.total };
        else if (event.type === 'summary') {
          this.loading = null;
          this.segments = event.segments;
        } else if (event.type === 'notice') this.notices = [...this.notices, event.message];
        else if (event.type === 'done') this.result = event.result;
      }
    } catch (error) {
      if (current()) this.notices = [...this.notices, `No summary: ${messageOf(error)}`];
    } finally {
      if (current()) {
        this.status = 'done';
        this.loading = null;
      }
    }
  }

  /** "Stop": the summary ends where it is. */
  stop(): void {
    if (this.status === 'summarizing') this.engine?.interrupt();
  }

  /** The viewer closed or moved to another item: a summary in flight is stopped and forgotten. */
  cancel(): void {
    this.stop();
    this.generation++;
  }
}
