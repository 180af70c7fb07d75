// The answer to the question asked with "Ask": its numbered sources, the answer text as it streams (text and
// citations as data), loading progress of the answer model, and notices. The engine (WebLLM in a worker) is
// made on the first question; when it cannot run, the answer is the quoted passages (extractive).
import { answerQuestion, type AnswerResult } from '../../answer/ask.ts';
import type { AnswerSegment } from '../../answer/citations.ts';
import type { Source } from '../../answer/context.ts';
import type { AnswerEngine, LoadProgress } from '../../answer/engine.ts';
import { testChatEngineOnPage } from '../../answer/test-chat-engine.ts';
import type { PastTurn, Question } from '../../answer/prompt.ts';
import type { LlmConfig } from '../../models/llm-config.ts';
import type { ItemResult } from '../../search/results.ts';
import { retrievedSegments } from '../search/retrieved-segments.ts';
import { messageOf } from './library-state.svelte.ts';

export class AnswerState {
  status = $state<'idle' | 'answering' | 'done'>('idle');
  question = $state.raw<Question | null>(null);
  sources = $state.raw<Source[]>([]);
  segments = $state.raw<AnswerSegment[]>([]);
  loading = $state.raw<LoadProgress | null>(null);
  notices = $state.raw<string[]>([]);
  result = $state.raw<AnswerResult | null>(null);

  private history: PastTurn[] = [];
  private engine: Promise<AnswerEngine | null> | null = null;
  private generation = 0;

  constructor(private readonly llmConfig: () => LlmConfig | undefined) {}

  async ask(question: Question, results: readonly ItemResult[]): Promise<void> {
    const generation = ++this.generation;
    this.question = question;
    this.status = 'answering';
    this.sources = [];
    this.segments = [];
    this.loading = null;
    this.notices = [];
    this.result = null;
    const current = () => generation === this.generation;
    try {
      const engine = await this.engineFor();
      const turn = answerQuestion({
        engine,
        question,
        history: this.history,
        results: retrievedSegments(results),
      });
      for await (const event of turn) {
        if (!current()) break;
        if (event.type === 'sources') this.sources = event.sources;
        else if (event.type === 'loading') this.loading = event.progress;
        else if (event.type === 'answer') {
          this.loading = null;
          this.segments = event.segments;
        } else if (event.type === 'notice') this.notices = [...this.notices, event.message];
        else if (event.type === 'done') {
          this.result = event.result;
          this.history = [...this.history, { question, answer: event.result.text }].slice(-6);
        }
      }
    } catch (error) {
      if (current()) this.notices = [...this.notices, `No answer: ${messageOf(error)}`];
    } finally {
      if (current()) {
        this.status = 'done';
        this.loading = null;
      }
    }
  }

  /** The "Stop" button: the answer ends where it is. */
  async stop(): Promise<void> {
    (await this.engine)?.interrupt();
  }

  /** Starts a new conversation. */
  reset(): void {
    this.generation++;
    this.history = [];
    this.status = 'idle';
    this.question = null;
    this.sources = [];
    this.segments = [];
    this.notices = [];
    this.result = null;
  }

  /** The one answer engine of the page, made on first use; answers and summaries share it. */
  engineFor(): Promise<AnswerEngine | null> {
    this.engine ??= this.makeEngine();
    return this.engine;
  }

  private makeEngine(): Promise<AnswerEngine | null> {
    // An engine put on the page by an end-to-end test stands in for WebLLM (see src/answer/README.md).
    const onPage = testChatEngineOnPage();
    if (onPage) return Promise.resolve(onPage);
    // WebLLM is imported on first use: the app shell does not carry it until someone asks.
    return import('../../answer/webllm-engine.ts').then(
      ({ createWebLLMEngine }) => createWebLLMEngine({ config: this.llmConfig() }),
      () => null,
    );
  }
}
