// What the answer features need from a language model, whatever runs it: the WebLLM engine in a worker
// (webllm-engine.ts), or the deterministic double the tests use (test/support/scripted-answer-engine.ts).
// The shape follows chat completions with streaming, reduced to what Trove uses.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateOptions {
  /** Upper bound on the answer's length, in tokens. */
  maxTokens?: number;
  temperature?: number;
}

/**
 * One piece of a streamed answer. The last chunk carries `finishReason`: "stop" (the model finished),
 * "length" (maxTokens reached) or "abort" (interrupt() was called).
 */
export interface AnswerChunk {
  text: string;
  finishReason?: 'stop' | 'length' | 'abort';
}

export interface LoadProgress {
  /** 0…1; NaN while the amount of work is not known yet (the first requests of a load). */
  fraction: number;
  /** What is happening, in the engine's words (e.g. "Fetching param cache[3/20]: 120MB fetched"). */
  text: string;
}

export interface EngineInfo {
  /** What produced the answer, for the UI ("Qwen2.5-1.5B-Instruct-q4f16_1-MLC"). */
  model: string;
  /** Tokens the model can see at once: prompt plus answer. */
  contextWindow: number;
  /** Why this model was picked, in a sentence a user can read. */
  reason?: string;
}

export interface AnswerEngine {
  /** Known before loading: the model choice does not need the weights. */
  info(): Promise<EngineInfo>;
  /** Downloads (or reads from cache) and starts the model. Safe to call again; later calls share the load. */
  load(onProgress?: (p: LoadProgress) => void): Promise<EngineInfo>;
  /** Streams a reply to the conversation. Loads the model first if needed. One stream at a time. */
  stream(messages: ChatMessage[], options?: GenerateOptions): AsyncIterable<AnswerChunk>;
  /** Stops the stream in flight; it ends with finishReason "abort". */
  interrupt(): void;
  /** Frees the model (GPU memory, the worker). A later load() starts again. */
  unload(): Promise<void>;
}

export type AnswerEngineErrorCode =
  /** The browser has no WebGPU, or no adapter. */
  | 'no-webgpu'
  /** The model could not be fetched or started. */
  | 'load-failed'
  /** A file of the model did not match the SHA-256 models.json gives for it (llm.sha256). */
  | 'integrity'
  /** The load made no progress for too long. */
  | 'stalled'
  /** The model failed while writing (device lost, out of memory). */
  | 'generation-failed';

export class AnswerEngineError extends Error {
  override name = 'AnswerEngineError';
  constructor(
    readonly code: AnswerEngineErrorCode,
    message: string,
  ) {
    super(message);
  }
}
