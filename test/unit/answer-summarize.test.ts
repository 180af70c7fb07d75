// Summaries through the AnswerEngine interface, with the scripted engine (a labelled test double:
// WebLLM's weights cannot be downloaded here).
import { describe, expect, it } from 'vitest';
import type { RetrievedSegment } from '../../src/answer/context';
import { cost } from '../../src/answer/prompt';
import {
  NOTHING_TO_SUMMARIZE,
  summarizeItem,
  type SummaryEvent,
  type SummaryResult,
} from '../../src/answer/summarize';
import { ScriptedAnswerEngine } from '../support/scripted-answer-engine';
import { podcastSpans } from '../support/answer-fixtures';

async function run(gen: AsyncGenerator<SummaryEvent, SummaryResult>) {
  const events: SummaryEvent[] = [];
  for (;;) {
    const step = await gen.next();
    if (step.done) return { events, result: step.value };
    events.push(step.value);
  }
}

const podcast: RetrievedSegment[] = podcastSpans
  .map((s, i) => ({
    segmentId: `podcast#t${i}`,
    itemId: 'podcast',
    itemName: 'podcast-kite.wav',
    modality: 'audio' as const,
    segmentKind: 'transcript' as const,
    t0: s.start,
    t1: s.end,
    text: s.text,
    score: 0,
  }))
  .reverse();

describe('summaries', () => {
  it('summarizes a fixture audio item from its transcript in one call, citing its moments in time order', async () => {
    const engine = new ScriptedAnswerEngine();
    const { events, result } = await run(
      summarizeItem({ engine, itemName: 'podcast-kite.wav', segments: podcast }),
    );
    expect(result.kind).toBe('generated');
    expect(result.calls).toBe(1);
    expect(result.sources.map((s) => [s.n, s.label])).toEqual([
      [1, 'podcast-kite.wav [0:02–0:04], transcript'],
      [2, 'podcast-kite.wav [0:06–0:08], transcript'],
    ]);
    expect(result.text).toBe('The plumber said the valve under [1]. A red kite was flying over [2].');
    expect(result.segments.filter((s) => s.kind === 'citation').map((s) => (s as { n: number }).n)).toEqual([
      1, 2,
    ]);
    expect(events.filter((e) => e.type === 'summary').length).toBeGreaterThan(3);
    const prompt = engine.calls[0]!;
    expect(prompt[0]!.content).toMatch(/summarize/i);
    expect(prompt[1]!.content).toContain('Parts of "podcast-kite.wav"');
  });

  it('uses frame captions of a video and skips frames without one and sound windows', async () => {
    const engine = new ScriptedAnswerEngine();
    const frame = (t: number, caption?: string): RetrievedSegment => ({
      segmentId: `v#f${t}`,
      itemId: 'v',
      itemName: 'timeline.mp4',
      modality: 'video',
      segmentKind: 'frame',
      t0: t,
      score: 0,
      ...(caption ? { caption } : {}),
    });
    const window: RetrievedSegment = {
      segmentId: 'v#a0',
      itemId: 'v',
      itemName: 'timeline.mp4',
      modality: 'video',
      segmentKind: 'audio-window',
      t0: 0,
      t1: 6,
      score: 0,
    };
    const { result } = await run(
      summarizeItem({
        engine,
        itemName: 'timeline.mp4',
        segments: [frame(4, 'a plain blue picture'), frame(1, 'a plain red picture'), frame(3), window],
      }),
    );
    expect(result.sources.map((s) => s.segmentId)).toEqual(['v#f1', 'v#f4']);
    expect(result.text).toBe('shows a plain red picture [1]. shows a plain blue picture [2].');
  });

  it('summarizes a long transcript in sections and combines them, every prompt within the window', async () => {
    const engine = new ScriptedAnswerEngine({ contextWindow: 2048 });
    const lecture: RetrievedSegment[] = Array.from({ length: 240 }, (_, i) => ({
      segmentId: `lec#${i}`,
      itemId: 'lec',
      itemName: 'lecture.mp4',
      modality: 'video',
      segmentKind: 'transcript',
      t0: i * 15,
      t1: i * 15 + 14,
      text: `Point ${i} of the lecture is about topic ${i % 7}, explained at some length with an example or two.`,
      score: 0,
    }));
    const answerTokens = 256;
    const { events, result } = await run(
      summarizeItem({ engine, itemName: 'lecture.mp4', segments: lecture, answerTokens, maxPartTokens: 900 }),
    );
    expect(result.kind).toBe('generated');
    expect(result.sources).toHaveLength(240);
    expect(result.sources.at(-1)!.label).toBe('lecture.mp4 [59:45–59:59], transcript');
    expect(result.calls).toBe(engine.calls.length);
    expect(result.calls).toBeGreaterThan(3);
    for (const messages of engine.calls)
      expect(messages.reduce((s, m) => s + cost(m), 0)).toBeLessThanOrEqual(2048 - answerTokens);

    // Sections cover the transcript in order, each part once.
    const sectionCalls = engine.calls.filter((m) => m[1]!.content.startsWith('Parts of'));
    const cited = sectionCalls.flatMap((m) =>
      [...m[1]!.content.matchAll(/^\[(\d+)\]/gm)].map((x) => Number(x[1])),
    );
    expect(cited).toEqual(lecture.map((_, i) => i + 1));
    const combining = engine.calls.filter((m) =>
      m[1]!.content.startsWith('Summaries of consecutive sections'),
    );
    expect(combining.length).toBeGreaterThan(0);

    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    expect(progress.map((p) => p.done)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.every((p) => p.total === progress[0]!.total && p.done < p.total)).toBe(true);
    expect(progress.at(-1)!.done).toBe(result.calls - 1);
    // The final summary's citations point at real parts of the lecture.
    const finalCites = result.segments.flatMap((s) => (s.kind === 'citation' ? [s.n] : []));
    expect(finalCites.length).toBeGreaterThan(0);
    expect(finalCites.every((n) => n >= 1 && n <= 240)).toBe(true);
  });

  it('says there is nothing to summarize without a transcript, captions or text', async () => {
    const engine = new ScriptedAnswerEngine();
    const { result } = await run(
      summarizeItem({
        engine,
        itemName: 'low-hum.wav',
        segments: [
          {
            segmentId: 'h',
            itemId: 'h',
            itemName: 'low-hum.wav',
            modality: 'audio',
            segmentKind: 'audio-window',
            t0: 0,
            t1: 3,
            score: 0,
          },
        ],
      }),
    );
    expect(result).toMatchObject({ kind: 'empty', text: NOTHING_TO_SUMMARIZE, calls: 0 });
    expect(engine.calls).toHaveLength(0);
  });

  it('quotes the opening parts, with a notice, when the model cannot load', async () => {
    const engine = new ScriptedAnswerEngine({ failLoad: 'the model host did not answer' });
    const { events, result } = await run(
      summarizeItem({ engine, itemName: 'podcast-kite.wav', segments: podcast }),
    );
    expect(events.some((e) => e.type === 'notice' && e.message === 'the model host did not answer')).toBe(
      true,
    );
    expect(result.kind).toBe('extractive');
    expect(result.text).toContain(`“${podcastSpans[0]!.text}” [1]`);
  });
});
