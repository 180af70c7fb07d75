import { describe, expect, it } from 'vitest';
import { buildContext, type RetrievedSegment } from '../../src/answer/context';
import { estimateTokens } from '../../src/answer/tokens';
import { formatRange } from '../../src/answer/time-format';
import { breadPages, fixtureResults, podcastSpans } from '../support/answer-fixtures';

const roomy = { maxTokens: 10_000 };

describe('context fusion', () => {
  it('numbers sources by relevance, whatever order the results come in', () => {
    const results = fixtureResults();
    const ctx = buildContext(results, roomy);
    const scores = ctx.sources.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(ctx.sources.map((s) => s.n)).toEqual(ctx.sources.map((_, i) => i + 1));
    expect(ctx.text.split('\n').map((l) => /^\[(\d+)\]/.exec(l)?.[1])).toEqual(
      ctx.sources.map((s) => String(s.n)),
    );
    const reversed = buildContext([...results].reverse(), roomy);
    expect(reversed.sources.map((s) => s.segmentId)).toEqual(ctx.sources.map((s) => s.segmentId));
  });

  it('keeps transcript times as m:ss–m:ss and document pages', () => {
    const ctx = buildContext(fixtureResults(), roomy);
    const podcast = ctx.sources.find((s) => s.itemId === 'podcast')!;
    // The two spoken sentences are 1.4 s apart, so they are one source spanning both, in time order.
    expect(podcast.segmentIds.sort()).toEqual(['podcast#t0', 'podcast#t1']);
    expect(podcast.t0).toBe(podcastSpans[0]!.start);
    expect(podcast.t1).toBe(podcastSpans[1]!.end);
    expect(podcast.label).toBe('podcast-kite.wav [0:02–0:08], transcript');
    expect(podcast.body).toBe(`${podcastSpans[0]!.text} ${podcastSpans[1]!.text}`);
    // The citation opens the best-matching span (the leak sentence), not the start of the range.
    expect(podcast.segmentId).toBe('podcast#t0');
    expect(podcast.openAt).toBe(podcastSpans[0]!.start);

    const bread = ctx.sources.find((s) => s.itemId === 'bread')!;
    expect(bread.page).toBe(2);
    expect(ctx.text).toContain(`[${bread.n}] bread-recipe.pdf, p. 2: ${breadPages[1]}`);
  });

  it('describes images and frames by caption, else by file name, date and what matched', () => {
    const ctx = buildContext(fixtureResults(), roomy);
    const line = (id: string) =>
      ctx.text.split('\n').find((l) => l.startsWith(`[${ctx.sources.find((s) => s.segmentId === id)!.n}]`));
    expect(line('video#f1')).toMatch(
      /^\[\d\] timeline\.mp4 \[0:01\], video frame: shows a plain red picture$/,
    );
    expect(line('red#img')).toMatch(
      /^\[\d\] red-square\.png, image: no caption; taken 2024-05-17; matched because its picture is red$/,
    );
    expect(line('hum#w0')).toMatch(
      /^\[\d\] low-hum\.wav \[0:00–0:03\], sound: no transcript; matched because its sound is like the query$/,
    );
  });

  it('drops duplicate segments, overlapping chunks and repeated text', () => {
    const [span] = fixtureResults();
    const chunk = (id: string, start: number, end: number, score: number): RetrievedSegment => ({
      segmentId: id,
      itemId: 'bread',
      itemName: 'bread-recipe.pdf',
      modality: 'text',
      segmentKind: 'text-chunk',
      page: 1,
      charStart: start,
      charEnd: end,
      text: breadPages[0]!.slice(start, end),
      score,
    });
    const copy = { ...chunk('other#c', 0, 80, 0.1), itemId: 'copy', itemName: 'copy.txt', page: undefined };
    const ctx = buildContext(
      [
        span!,
        { ...span!, score: 0.2 },
        chunk('b#1', 0, 80, 0.7),
        chunk('b#2', 60, 120, 0.6),
        chunk('b#3', 80, 130, 0.5),
        copy,
      ],
      roomy,
    );
    expect(ctx.sources.map((s) => s.segmentId)).toEqual(['podcast#t0', 'b#1', 'b#3']);
  });

  it('merges neighbouring frames of one video into one source with the whole range, and no others', () => {
    const frame = (item: string, t: number, score: number): RetrievedSegment => ({
      segmentId: `${item}#${t}`,
      itemId: item,
      itemName: `${item}.mp4`,
      modality: 'video',
      segmentKind: 'frame',
      t0: t,
      score,
    });
    const ctx = buildContext(
      [frame('a', 1, 0.9), frame('a', 0, 0.8), frame('a', 2, 0.85), frame('a', 30, 0.7), frame('b', 1, 0.6)],
      roomy,
    );
    expect(ctx.sources.map((s) => [s.segmentIds, s.t0, s.t1])).toEqual([
      [['a#1', 'a#2', 'a#0'], 0, 2],
      [['a#30'], 30, 30],
      [['b#1'], 1, 1],
    ]);
    expect(ctx.sources[0]!.label).toBe('a.mp4 [0:00–0:02], video frame');
    expect(ctx.sources[0]!.openAt).toBe(1);
  });

  it('respects the token budget, keeping the most relevant sources', () => {
    const results = fixtureResults();
    const all = buildContext(results, roomy);
    for (let budget = 0; budget <= all.tokens + 20; budget += 7) {
      const ctx = buildContext(results, { maxTokens: budget });
      expect(ctx.tokens, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(estimateTokens(ctx.text)).toBeLessThanOrEqual(budget);
      expect(ctx.sources.length + ctx.omitted).toBe(all.sources.length);
      // What is kept is in relevance order, numbered from 1.
      const scores = ctx.sources.map((s) => s.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(ctx.sources.map((s) => s.n)).toEqual(ctx.sources.map((_, i) => i + 1));
    }
    expect(buildContext(results, { maxTokens: 0 }).sources).toEqual([]);
  });

  it('cuts a long passage at a word to fit rather than dropping it, and marks it', () => {
    const long = 'The valve under the sink leaks slowly. '.repeat(60);
    const r: RetrievedSegment = {
      segmentId: 'notes#1',
      itemId: 'notes',
      itemName: 'plumbing-notes.md',
      modality: 'text',
      segmentKind: 'text-chunk',
      text: long,
      score: 1,
    };
    const ctx = buildContext([r], { maxTokens: 100 });
    expect(ctx.sources).toHaveLength(1);
    expect(ctx.sources[0]!.truncated).toBe(true);
    expect(ctx.sources[0]!.body).toMatch(/\w…$/);
    expect(long.startsWith(ctx.sources[0]!.body.slice(0, -1))).toBe(true);
    expect(ctx.tokens).toBeLessThanOrEqual(100);
    expect(ctx.tokens).toBeGreaterThan(80);
  });

  it('caps the number of sources and can order them by time for summaries', () => {
    expect(buildContext(fixtureResults(), { ...roomy, maxSources: 2 }).sources).toHaveLength(2);
    const spans = podcastSpans.map((s, i) => ({
      segmentId: `p#${i}`,
      itemId: 'p',
      itemName: 'podcast-kite.wav',
      modality: 'audio' as const,
      segmentKind: 'transcript' as const,
      t0: s.start,
      t1: s.end,
      text: s.text,
      score: i,
    }));
    const ctx = buildContext(spans, { ...roomy, order: 'time', mergeGapS: -Infinity, firstNumber: 4 });
    expect(ctx.sources.map((s) => [s.n, s.segmentId, formatRange(s.t0!, s.t1)])).toEqual([
      [4, 'p#0', '0:02–0:04'],
      [5, 'p#1', '0:06–0:08'],
    ]);
  });
});

describe('token estimate', () => {
  it('errs high: ASCII at 3.5 characters a token, every other character a token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcdefg')).toBe(2);
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('café')).toBe(Math.ceil(3 / 3.5 + 1));
  });
});
