// One turn of the conversation, from search results to a cited answer, as a stream of events the UI
// renders as they come. When the engine cannot run (no WebGPU, the model failed to load, it failed
// before writing anything), the turn ends with the extractive answer and a notice saying why.
import { parseAnswer, type AnswerSegment } from './citations.ts';
import type { RetrievedSegment, Source } from './context.ts';
import { AnswerEngineError, type AnswerEngine, type LoadProgress } from './engine.ts';
import { extractiveAnswer, NOTHING_FOUND } from './extractive.ts';
import { buildAnswerPrompt, type PastTurn, type Question } from './prompt.ts';
import { eventQueue } from './event-queue.ts';

export type AnswerEvent =
  /** The numbered sources of this turn, before any text: citation [n] opens `sources[n-1]`. */
  | { type: 'sources'; sources: Source[] }
  /** The model is downloading or starting. */
  | { type: 'loading'; progress: LoadProgress }
  /** The answer so far (the whole text each time, not a delta), parsed into text and citations. */
  | { type: 'answer'; segments: AnswerSegment[]; text: string }
  /** Something the user should know: why there is no written answer, or why it stopped early. */
  | { type: 'notice'; code: AnswerEngineError['code']; message: string }
  | { type: 'done'; result: AnswerResult };

export interface AnswerResult {
  /** "generated" by the model, "extractive" (quoted passages), or "nothing-found" (no sources). */
  kind: 'generated' | 'extractive' | 'nothing-found';
  segments: AnswerSegment[];
  /** The answer with "[n]" citations; keep it as `PastTurn.answer` for the next turn. */
  text: string;
  sources: Source[];
  /** For extractive answers: the label to show above them. */
  label?: string;
  /** Why the model did not (fully) write the answer. */
  error?: AnswerEngineError;
  finishReason?: 'stop' | 'length' | 'abort';
  model?: string;
}

export interface AskInput {
  /** null when answers are extractive by choice or because no engine can exist here. */
  engine: AnswerEngine | null;
  question: Question;
  history?: PastTurn[];
  /** This turn's search results, best first (retrieval follows the turn's text and attachments). */
  results: RetrievedSegment[];
  answerTokens?: number;
  temperature?: number;
}

/** Used to plan the context when there is no engine to ask (the extractive answer needs sources too). */
const FALLBACK_CONTEXT_WINDOW = 4096;

export async function* answerQuestion(input: AskInput): AsyncGenerator<AnswerEvent, AnswerResult> {
  const { engine, question, history, results } = input;
  const answerTokens = input.answerTokens ?? 512;
  let failure: AnswerEngineError | undefined;
  let contextWindow = FALLBACK_CONTEXT_WINDOW;
  let model: string | undefined;
  if (engine) {
    try {
      ({ contextWindow, model } = await engine.info());
    } catch (err) {
      failure = asEngineError(err, 'load-failed');
    }
  }

  const prompt = buildAnswerPrompt({ question, history, results, contextWindow, answerTokens });
  const sources = prompt.context.sources;
  yield { type: 'sources', sources };

  if (!sources.length) {
    const segments: AnswerSegment[] = [{ kind: 'text', text: NOTHING_FOUND }];
    return yield* finish({ kind: 'nothing-found', segments, text: NOTHING_FOUND, sources });
  }

  if (engine && !failure) {
    const loading = eventQueue<AnswerEvent>();
    const loaded = engine
      .load((progress) => loading.push({ type: 'loading', progress }))
      .then(
        (info) => {
          model = info.model;
          loading.close();
        },
        (err) => {
          failure = asEngineError(err, 'load-failed');
          loading.close();
        },
      );
    yield* loading;
    await loaded;
  }

  if (engine && !failure) {
    let text = '';
    let finishReason: AnswerResult['finishReason'];
    try {
      const stream = engine.stream(prompt.messages, {
        maxTokens: answerTokens,
        temperature: input.temperature ?? 0.2,
      });
      for await (const chunk of stream) {
        text += chunk.text;
        finishReason = chunk.finishReason ?? finishReason;
        const parsed = parseAnswer(text, sources.length, { streaming: true });
        if (chunk.text) yield { type: 'answer', segments: parsed.segments, text };
      }
    } catch (err) {
      failure = asEngineError(err, 'generation-failed');
    }
    if (text.trim()) {
      const { segments } = parseAnswer(text, sources.length);
      if (failure)
        yield { type: 'notice', code: failure.code, message: `The answer stopped early: ${failure.message}` };
      return yield* finish({
        kind: 'generated',
        segments,
        text,
        sources,
        finishReason,
        model,
        error: failure,
      });
    }
    failure ??= new AnswerEngineError('generation-failed', 'The model returned an empty answer.');
  }

  if (failure) yield { type: 'notice', code: failure.code, message: failure.message };
  const extractive = extractiveAnswer(sources, question);
  return yield* finish({ kind: 'extractive', ...extractive, sources, error: failure });
}

function* finish(result: AnswerResult): Generator<AnswerEvent, AnswerResult> {
  yield { type: 'answer', segments: result.segments, text: result.text };
  yield { type: 'done', result };
  return result;
}

export function asEngineError(err: unknown, code: AnswerEngineError['code']): AnswerEngineError {
  if (err instanceof AnswerEngineError) return err;
  return new AnswerEngineError(code, err instanceof Error ? err.message : String(err));
}
