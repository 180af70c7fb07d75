// Whole turns through answerQuestion with the scripted engine (a labelled test double: WebLLM's weights
// cannot be downloaded here). The real WebLLM engine's failure path is tested in the browser tier.
import { describe, expect, it } from 'vitest';
import { answerQuestion, type AnswerEvent, type AnswerResult } from '../../src/answer/ask';
import { segmentsToText } from '../../src/answer/citations';
import { EXTRACTIVE_LABEL, NOTHING_FOUND } from '../../src/answer/extractive';
import type { AnswerEngine } from '../../src/answer/engine';
import { ScriptedAnswerEngine, SCRIPTED_MODEL } from '../support/scripted-answer-engine';
import { fixtureResults, podcastSpans } from '../support/answer-fixtures';

async function run(gen: AsyncGenerator<AnswerEvent, AnswerResult>, onEvent?: (e: AnswerEvent) => void) {
  const events: AnswerEvent[] = [];
  for (;;) {
    const step = await gen.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
    onEvent?.(step.value);
  }
}

const leak = { text: 'What did the plumber say about the valve?' };

describe('answering a question', () => {
  it('sends the sources first, then streams a cited answer', async () => {
    const engine = new ScriptedAnswerEngine();
    const { events, result } = await run(
      answerQuestion({ engine, question: leak, results: fixtureResults() }),
    );
    expect(events[0]!.type).toBe('sources');
    expect(
      events
        .filter((e) => e.type === 'loading')
        .map((e) => (e as { progress: { fraction: number } }).progress.fraction),
    ).toEqual([0, 0.5, 1]);
    const texts = events.flatMap((e) => (e.type === 'answer' ? [e.text] : []));
    expect(texts.length).toBeGreaterThan(5);
    texts.forEach((t, i) => i && expect(t.startsWith(texts[i - 1]!)).toBe(true));
    expect(events.at(-1)).toEqual({ type: 'done', result });

    expect(result.kind).toBe('generated');
    expect(result.model).toBe(SCRIPTED_MODEL);
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe(`${podcastSpans[0]!.text.replace(/\.$/, '')} [1]`);
    expect(result.segments.at(-1)).toEqual({ kind: 'citation', n: 1, raw: '[1]' });
    expect(result.sources[0]!.segmentId).toBe('podcast#t0');
    // Mid-stream, a citation split across chunks was held back, never shown as "[" text.
    for (const e of events) if (e.type === 'answer') expect(segmentsToText(e.segments)).not.toMatch(/\[$/);
  });

  it('answers "the sources don\'t say" when nothing in them matches', async () => {
    const engine = new ScriptedAnswerEngine();
    const { result } = await run(
      answerQuestion({
        engine,
        question: { text: 'Who won the football match?' },
        results: fixtureResults(),
      }),
    );
    expect(result.kind).toBe('generated');
    expect(result.text).toBe("The sources don't say.");
    expect(result.segments.every((s) => s.kind === 'text')).toBe(true);
  });

  it('falls back to the extractive answer, with a notice, when the model cannot load', async () => {
    const engine = new ScriptedAnswerEngine({
      failLoad: 'could not reach http://127.0.0.1:9/model (Failed to fetch)',
    });
    const { events, result } = await run(
      answerQuestion({ engine, question: leak, results: fixtureResults() }),
    );
    expect(events.find((e) => e.type === 'notice')).toEqual({
      type: 'notice',
      code: 'load-failed',
      message: 'could not reach http://127.0.0.1:9/model (Failed to fetch)',
    });
    expect(result.kind).toBe('extractive');
    expect(result.label).toBe(EXTRACTIVE_LABEL);
    expect(result.error?.code).toBe('load-failed');
    expect(result.segments.some((s) => s.kind === 'citation' && s.n === 1)).toBe(true);
    expect(engine.calls).toHaveLength(0);
  });

  it('falls back when the engine cannot even say which model it would run (no WebGPU)', async () => {
    const noGpu: AnswerEngine = Object.assign(new ScriptedAnswerEngine(), {
      info: () => Promise.reject(Object.assign(new Error('This browser has no WebGPU'), {})),
    });
    const { events, result } = await run(
      answerQuestion({ engine: noGpu, question: leak, results: fixtureResults() }),
    );
    expect(events.some((e) => e.type === 'notice' && /no WebGPU/.test(e.message))).toBe(true);
    expect(result.kind).toBe('extractive');
  });

  it('gives the extractive answer without a notice when there is no engine at all', async () => {
    const { events, result } = await run(
      answerQuestion({ engine: null, question: leak, results: fixtureResults() }),
    );
    expect(events.some((e) => e.type === 'notice')).toBe(false);
    expect(result.kind).toBe('extractive');
  });

  it('keeps a partial answer when the model fails mid-way, and falls back when it fails before writing', async () => {
    const partial = await run(
      answerQuestion({
        engine: new ScriptedAnswerEngine({ failAfterChars: 12 }),
        question: leak,
        results: fixtureResults(),
      }),
    );
    expect(partial.result.kind).toBe('generated');
    expect(partial.result.text).toBe(podcastSpans[0]!.text.slice(0, 12));
    expect(partial.events.some((e) => e.type === 'notice' && /stopped early/.test(e.message))).toBe(true);

    const none = await run(
      answerQuestion({
        engine: new ScriptedAnswerEngine({ failAfterChars: 0 }),
        question: leak,
        results: fixtureResults(),
      }),
    );
    expect(none.result.kind).toBe('extractive');
    expect(none.result.error?.code).toBe('generation-failed');
  });

  it('stops when interrupted, keeping what was written', async () => {
    const engine = new ScriptedAnswerEngine({ chunkDelayMs: 1 });
    const { result } = await run(
      answerQuestion({ engine, question: leak, results: fixtureResults() }),
      (e) => {
        if (e.type === 'answer' && e.text.length >= 9) engine.interrupt();
      },
    );
    expect(result.finishReason).toBe('abort');
    expect(result.text.length).toBeGreaterThanOrEqual(9);
    expect(result.text.length).toBeLessThan(podcastSpans[0]!.text.length);
  });

  it('does not call the model when search found nothing', async () => {
    const engine = new ScriptedAnswerEngine();
    const { result } = await run(answerQuestion({ engine, question: leak, results: [] }));
    expect(result).toMatchObject({ kind: 'nothing-found', text: NOTHING_FOUND, sources: [] });
    expect(engine.calls).toHaveLength(0);
  });

  it('carries the conversation into a follow-up, which may switch to an image', async () => {
    const engine = new ScriptedAnswerEngine();
    const first = await run(answerQuestion({ engine, question: leak, results: fixtureResults() }));
    const history = [{ question: leak, answer: first.result.text }];
    const imageTurn = { attachments: [{ kind: 'image' as const, name: 'kite-photo.jpg' }] };
    // Retrieval followed the image: this turn's results are different.
    const kiteResults = fixtureResults().filter((r) => r.segmentId !== 'podcast#t0');
    const second = await run(answerQuestion({ engine, question: imageTurn, history, results: kiteResults }));
    const sent = engine.calls[1]!;
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent[1]!.content).toBe(`Question: ${leak.text}`);
    expect(sent[2]!.content).toBe(podcastSpans[0]!.text.replace(/\.$/, ''));
    expect(sent[3]!.content).toContain('attached an image, "kite-photo.jpg"');
    // The image-only turn is answered from its own sources, numbered afresh.
    expect(second.result.sources[0]!.segmentId).toBe('podcast#t1');
    expect(second.result.text).toBe(`${podcastSpans[1]!.text.replace(/\.$/, '')} [1]`);
    expect(engine.loads).toBe(1);
  });
});
