import { describe, expect, it } from 'vitest';
import { buildContext } from '../../src/answer/context';
import { EXTRACTIVE_LABEL, extractiveAnswer, NOTHING_FOUND } from '../../src/answer/extractive';
import { parseAnswer } from '../../src/answer/citations';
import { fixtureResults, podcastSpans } from '../support/answer-fixtures';

const sources = buildContext(fixtureResults(), { maxTokens: 10_000 }).sources;

describe('extractive answer', () => {
  it('quotes the top sources with their citations, labelled as extractive', () => {
    const a = extractiveAnswer(sources, { text: 'Where was the red kite flying?' });
    expect(a.label).toBe(EXTRACTIVE_LABEL);
    expect(a.label).toMatch(/No language model/);
    const cites = a.segments.filter((s) => s.kind === 'citation').map((s) => (s as { n: number }).n);
    expect(cites).toEqual([1, 2, 3]);
    // The podcast source holds two sentences; the quote is the one about the question, with its time.
    expect(a.text.split('\n')[0]).toBe(
      `podcast-kite.wav [0:02–0:08], transcript: “${podcastSpans[1]!.text}” [1]`,
    );
    // Images and frames are described, not quoted.
    expect(a.text).toContain('timeline.mp4 [0:01], video frame: shows a plain red picture [2]');
    // Its text form parses back to the same citations, so it can be kept as a turn of the conversation.
    expect(parseAnswer(a.text, sources.length).cited).toEqual([1, 2, 3]);
  });

  it('falls back to the opening of a passage when no sentence shares a word with the question', () => {
    const a = extractiveAnswer(sources, { text: 'zzz' }, { maxSources: 1, maxChars: 60 });
    expect(a.text).toBe(`podcast-kite.wav [0:02–0:08], transcript: “${podcastSpans[0]!.text}” [1]`);
  });

  it('cuts long quotes at a word', () => {
    const a = extractiveAnswer(sources, { text: 'valve' }, { maxSources: 1, maxChars: 30 });
    expect(a.text).toMatch(/: “The plumber said the valve…” \[1\]$/);
  });

  it('uses the words of a spoken question too', () => {
    const a = extractiveAnswer(
      sources,
      { attachments: [{ kind: 'audio', name: 'q.webm', transcript: 'where is the kite' }] },
      { maxSources: 1 },
    );
    expect(a.text).toContain(podcastSpans[1]!.text);
  });

  it('says so when there is nothing to quote', () => {
    const a = extractiveAnswer([], { text: 'anything' });
    expect(a.text).toBe(NOTHING_FOUND);
    expect(a.segments).toEqual([{ kind: 'text', text: NOTHING_FOUND }]);
  });
});
