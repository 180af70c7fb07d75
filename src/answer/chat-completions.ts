// The chat-completions streaming interface of WebLLM's MLCEngine (OpenAI's shape), reduced to what Trove
// reads, and the one adapter that turns its chunks into AnswerChunks. The WebLLM engine streams through it,
// and so does a chat engine a test puts on the page (test-chat-engine.ts), so both take the same path.
import { AnswerEngineError, type AnswerChunk, type ChatMessage, type GenerateOptions } from './engine.ts';

/** One streamed chunk, as `chat.completions.create({ stream: true })` yields it. */
export interface ChatCompletionChunkLike {
  choices: { delta: { content?: string | null }; finish_reason: string | null }[];
}

export interface ChatCompletionRequest {
  messages: ChatMessage[];
  stream: true;
  max_tokens?: number;
  temperature?: number;
}

/** What Trove uses of an MLCEngine: streamed chat completions, and stopping one. */
export interface ChatCompletionsEngine {
  chat: {
    completions: {
      create(request: ChatCompletionRequest): Promise<AsyncIterable<ChatCompletionChunkLike>>;
    };
  };
  interruptGenerate(): void;
}

/**
 * Streams one reply. `crashed` rejects when whatever runs the engine dies (WebLLM's worker), since the
 * engine's own stream would otherwise wait forever.
 */
export async function* streamChatCompletion(
  engine: ChatCompletionsEngine,
  messages: ChatMessage[],
  options: GenerateOptions = {},
  crashed?: Promise<never>,
): AsyncIterable<AnswerChunk> {
  const raceCrash = <T>(p: Promise<T>): Promise<T> => (crashed ? Promise.race([p, crashed]) : p);
  let chunks: AsyncIterable<ChatCompletionChunkLike>;
  try {
    chunks = await raceCrash(
      engine.chat.completions.create({
        messages,
        stream: true,
        max_tokens: options.maxTokens,
        temperature: options.temperature,
      }),
    );
  } catch (err) {
    throw new AnswerEngineError('generation-failed', `The answer model failed: ${errorReason(err)}`);
  }
  try {
    const it = chunks[Symbol.asyncIterator]();
    for (;;) {
      const step = await raceCrash(it.next());
      if (step.done) break;
      const choice = step.value.choices[0];
      const finish = choice?.finish_reason;
      yield {
        text: choice?.delta.content ?? '',
        ...(finish ? { finishReason: finish === 'length' || finish === 'abort' ? finish : 'stop' } : {}),
      };
    }
  } catch (err) {
    throw new AnswerEngineError(
      'generation-failed',
      `The answer model failed while writing: ${errorReason(err)}`,
    );
  }
}

/** WebLLM's worker sends errors as strings ("Error: …"); keep the message only. */
export function errorReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^(?:[A-Z]\w*)?Error:\s*/, '');
}
