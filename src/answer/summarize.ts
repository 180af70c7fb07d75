// "Summarize" on a video, an audio item or a document: its transcript spans, frame captions and text
// chunks, in time (or page) order, numbered like answer sources so the summary cites the moments it
// draws on. A long item is summarized in sections that each fit the context window (map), then the
// section summaries are combined (reduce, repeated until one remains). Every step runs through the same
// AnswerEngine interface; only the last one streams to the UI.
import { parseAnswer, type AnswerSegment } from './citations.ts';
import { buildContext, formatSource, type RetrievedSegment, type Source } from './context.ts';
import { AnswerEngineError, type AnswerEngine, type ChatMessage, type LoadProgress } from './engine.ts';
import { asEngineError } from './ask.ts';
import { eventQueue } from './event-queue.ts';
import { extractiveAnswer } from './extractive.ts';
import { buildReduceMessages, buildSummaryMessages, cost } from './prompt.ts';
import { estimateTokens, truncateToTokens } from './tokens.ts';

export type SummaryEvent =
  | { type: 'sources'; sources: Source[] }
  | { type: 'loading'; progress: LoadProgress }
  /** Map-reduce progress: `done` of `total` model calls finished before the final, streamed one. */
  | { type: 'progress'; done: number; total: number }
  | { type: 'summary'; segments: AnswerSegment[]; text: string }
  | { type: 'notice'; code: AnswerEngineError['code']; message: string }
  | { type: 'done'; result: SummaryResult };

export interface SummaryResult {
  kind: 'generated' | 'extractive' | 'empty';
  segments: AnswerSegment[];
  text: string;
  sources: Source[];
  /** Model calls made: 1 for a short item; sections + combining steps for a long one. */
  calls: number;
  label?: string;
  error?: AnswerEngineError;
  finishReason?: 'stop' | 'length' | 'abort';
}

export interface SummaryInput {
  engine: AnswerEngine | null;
  itemName: string;
  /** The item's transcript spans, frames and text chunks; frames without a caption are skipped. */
  segments: RetrievedSegment[];
  /** Tokens kept for each model reply. */
  answerTokens?: number;
  /** Cap on one section's parts, however large the window. */
  maxPartTokens?: number;
}

export const NOTHING_TO_SUMMARIZE = 'This item has no transcript, captions or text to summarize.';

export async function* summarizeItem(input: SummaryInput): AsyncGenerator<SummaryEvent, SummaryResult> {
  const { engine, itemName } = input;
  const answerTokens = input.answerTokens ?? 384;
  const usable = input.segments.filter(
    (s) => s.segmentKind === 'transcript' || s.segmentKind === 'text-chunk' || s.caption,
  );
  const all = buildContext(usable, {
    maxTokens: Infinity,
    maxSources: Infinity,
    mergeGapS: -Infinity,
    order: 'time',
  });
  const sources = all.sources;
  yield { type: 'sources', sources };
  if (!sources.length) {
    return yield* finish({
      kind: 'empty',
      segments: [{ kind: 'text', text: NOTHING_TO_SUMMARIZE }],
      text: NOTHING_TO_SUMMARIZE,
      sources,
      calls: 0,
    });
  }

  let failure: AnswerEngineError | undefined;
  let calls = 0;
  if (engine) {
    try {
      const { contextWindow } = await engine.info();
      const loading = eventQueue<SummaryEvent>();
      const loaded = engine
        .load((progress) => loading.push({ type: 'loading', progress }))
        .finally(() => loading.close());
      yield* loading;
      await loaded;

      const room = (messages: ChatMessage[]) =>
        contextWindow - answerTokens - messages.reduce((s, m) => s + cost(m), 0);
      const partBudget = Math.min(
        room(buildSummaryMessages(itemName, '', { index: 1, of: 1 })),
        input.maxPartTokens ?? 2400,
      );
      const sections = packSections(sources, partBudget);
      let partials: string[] = [];
      const total = plannedCalls(sections.length, (n) =>
        reduceGroups(itemName, new Array<string>(n).fill('x'.repeat(Math.ceil(answerTokens * 3.5))), room),
      );
      const run = async (messages: ChatMessage[]) => {
        calls++;
        const out = await collect(engine, messages, answerTokens);
        if (out.finishReason === 'abort')
          throw new AnswerEngineError('generation-failed', 'The summary was stopped.');
        return out.text;
      };

      if (sections.length > 1) {
        for (const [i, section] of sections.entries()) {
          partials.push(
            await run(buildSummaryMessages(itemName, section, { index: i + 1, of: sections.length })),
          );
          yield { type: 'progress', done: calls, total };
        }
        for (
          let groups = reduceGroups(itemName, partials, room);
          groups.length > 1;
          groups = reduceGroups(itemName, partials, room)
        ) {
          const next: string[] = [];
          for (const g of groups) {
            next.push(await run(buildReduceMessages(itemName, g)));
            yield { type: 'progress', done: calls, total };
          }
          partials = next;
        }
      }

      const final =
        sections.length > 1
          ? buildReduceMessages(itemName, partials)
          : buildSummaryMessages(itemName, sections[0]!);
      calls++;
      let text = '';
      let finishReason: SummaryResult['finishReason'];
      for await (const chunk of engine.stream(final, { maxTokens: answerTokens, temperature: 0.2 })) {
        text += chunk.text;
        finishReason = chunk.finishReason ?? finishReason;
        if (chunk.text)
          yield {
            type: 'summary',
            segments: parseAnswer(text, sources.length, { streaming: true }).segments,
            text,
          };
      }
      if (text.trim()) {
        const { segments } = parseAnswer(text, sources.length);
        return yield* finish({ kind: 'generated', segments, text, sources, calls, finishReason });
      }
      failure = new AnswerEngineError('generation-failed', 'The model returned an empty summary.');
    } catch (err) {
      failure = asEngineError(err, 'generation-failed');
    }
    yield { type: 'notice', code: failure.code, message: failure.message };
  }

  const extractive = extractiveAnswer(sources, {}, { maxSources: 5 });
  return yield* finish({ kind: 'extractive', ...extractive, sources, calls, error: failure });
}

/** Consecutive sources packed into sections whose numbered lines fit `budget` tokens. */
export function packSections(sources: Source[], budget: number): string[] {
  const sections: string[] = [];
  let lines: string[] = [];
  let used = 0;
  for (const s of sources) {
    let line = formatSource(s);
    if (estimateTokens(line) + 1 > budget) {
      // One part larger than a whole section: cut its text so it fits on its own.
      const head = estimateTokens(formatSource({ ...s, body: '' })) + 1;
      line = formatSource({ ...s, body: truncateToTokens(s.body, budget - head) });
    }
    const c = estimateTokens(line) + 1;
    if (used + c > budget && lines.length) {
      sections.push(lines.join('\n'));
      lines = [];
      used = 0;
    }
    lines.push(line);
    used += c;
  }
  if (lines.length) sections.push(lines.join('\n'));
  return sections;
}

/** Partial summaries grouped so that each group's combining prompt fits. */
function reduceGroups(itemName: string, partials: string[], room: (m: ChatMessage[]) => number): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  for (const p of partials) {
    if (group.length && room(buildReduceMessages(itemName, [...group, p])) < 0) {
      groups.push(group);
      group = [];
    }
    group.push(p);
  }
  if (group.length) groups.push(group);
  // When no two summaries fit one prompt, combining can never finish.
  if (groups.length > 1 && groups.every((g) => g.length === 1))
    throw new AnswerEngineError(
      'generation-failed',
      'The section summaries are too long to combine in this model.',
    );
  return groups;
}

/** How many model calls a summary will make, assuming each reply uses its whole token allowance. */
function plannedCalls(sections: number, groupsFor: (n: number) => string[][]): number {
  if (sections <= 1) return 1;
  let calls = sections;
  let n = sections;
  for (let groups = groupsFor(n); groups.length > 1; groups = groupsFor(n)) {
    calls += groups.length;
    n = groups.length;
  }
  return calls + 1;
}

async function collect(engine: AnswerEngine, messages: ChatMessage[], maxTokens: number) {
  let text = '';
  let finishReason: SummaryResult['finishReason'];
  for await (const chunk of engine.stream(messages, { maxTokens, temperature: 0.2 })) {
    text += chunk.text;
    finishReason = chunk.finishReason ?? finishReason;
  }
  return { text, finishReason };
}

function* finish(result: SummaryResult): Generator<SummaryEvent, SummaryResult> {
  yield { type: 'summary', segments: result.segments, text: result.text };
  yield { type: 'done', result };
  return result;
}
