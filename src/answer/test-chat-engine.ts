// The test seam for answers: end-to-end tests cannot load WebLLM's weights here, so a test may put an
// MLCEngine-like object (streamed chat completions) on the page as `window.__troveTestChatEngine` before
// the app starts (Playwright's page.addInitScript). When it is there, the app answers and summarizes with it
// through the same adapter the WebLLM engine uses (chat-completions.ts); everything else (search, context,
// prompt, citations, rendering) is the app's own path. Nothing in the app sets this global, and the page
// runs no scripts but the app's own (CSP script-src), so outside a test it is always absent.
import { streamChatCompletion, type ChatCompletionsEngine } from './chat-completions.ts';
import type {
  AnswerChunk,
  AnswerEngine,
  ChatMessage,
  EngineInfo,
  GenerateOptions,
  LoadProgress,
} from './engine.ts';

export const TEST_CHAT_ENGINE_GLOBAL = '__troveTestChatEngine';

/** What a test puts on the page: an MLCEngine-like chat engine, with the name it shows as the model. */
export interface TestChatEngine extends ChatCompletionsEngine {
  model: string;
  contextWindow?: number;
}

/** The engine a test put on the page, ready to answer; null (the usual case) when there is none. */
export function testChatEngineOnPage(): AnswerEngine | null {
  const engine = (globalThis as Record<string, unknown>)[TEST_CHAT_ENGINE_GLOBAL];
  return isChatEngine(engine) ? new ChatCompletionsAnswerEngine(engine) : null;
}

function isChatEngine(value: unknown): value is TestChatEngine {
  const v = value as Partial<TestChatEngine> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.model === 'string' &&
    typeof v.chat?.completions?.create === 'function' &&
    typeof v.interruptGenerate === 'function'
  );
}

/** An AnswerEngine over a chat engine that is already loaded (nothing to download or free). */
export class ChatCompletionsAnswerEngine implements AnswerEngine {
  constructor(private readonly engine: TestChatEngine) {}

  info(): Promise<EngineInfo> {
    return Promise.resolve({ model: this.engine.model, contextWindow: this.engine.contextWindow ?? 4096 });
  }

  async load(onProgress?: (p: LoadProgress) => void): Promise<EngineInfo> {
    onProgress?.({ fraction: 1, text: `${this.engine.model} is ready` });
    return this.info();
  }

  stream(messages: ChatMessage[], options?: GenerateOptions): AsyncIterable<AnswerChunk> {
    return streamChatCompletion(this.engine, messages, options);
  }

  interrupt(): void {
    this.engine.interruptGenerate();
  }

  async unload(): Promise<void> {}
}
