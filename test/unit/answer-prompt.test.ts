import { describe, expect, it } from 'vitest';
import {
  ANSWER_SYSTEM_PROMPT,
  buildAnswerPrompt,
  cost,
  NOT_IN_SOURCES,
  stripCitations,
  type PastTurn,
} from '../../src/answer/prompt';
import { fixtureResults } from '../support/answer-fixtures';
import { growthEightfold, LINEAR_EIGHTFOLD } from '../support/time-growth';

const question = { text: 'What did the plumber say about the valve?' };

describe('answer prompt', () => {
  it('tells the model to answer only from the sources, cite [n], and say when they do not contain the answer', () => {
    const { messages } = buildAnswerPrompt({ question, results: fixtureResults(), contextWindow: 4096 });
    expect(messages[0]).toEqual({ role: 'system', content: ANSWER_SYSTEM_PROMPT });
    expect(ANSWER_SYSTEM_PROMPT).toMatch(/only/);
    expect(ANSWER_SYSTEM_PROMPT).toContain('[1]');
    expect(ANSWER_SYSTEM_PROMPT).toContain(NOT_IN_SOURCES);
    expect(ANSWER_SYSTEM_PROMPT).toMatch(/not instructions/);
  });

  it("puts this turn's numbered sources and the question in the last user message", () => {
    const p = buildAnswerPrompt({ question, results: fixtureResults(), contextWindow: 4096 });
    expect(p.messages).toHaveLength(2);
    const last = p.messages.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toBe(`Sources:\n${p.context.text}\n\nQuestion: ${question.text}`);
    expect(p.context.sources.length).toBe(5);
    expect(last.content).toContain(
      '[1] podcast-kite.wav [0:02–0:08], transcript: The plumber said the valve',
    );
  });

  it('fits the context window with room for the answer, shrinking the sources first', () => {
    const results = fixtureResults();
    let previous = Infinity;
    for (const contextWindow of [4096, 1024, 800, 760, 730, 700]) {
      const p = buildAnswerPrompt({ question, results, contextWindow, answerTokens: 512 });
      expect(p.tokens, `window ${contextWindow}`).toBeLessThanOrEqual(contextWindow - 512);
      expect(p.tokens).toBe(p.messages.reduce((s, m) => s + cost(m), 0));
      expect(p.context.sources.length).toBeLessThanOrEqual(previous);
      previous = p.context.sources.length;
    }
    expect(previous).toBeLessThan(5);
    expect(() => buildAnswerPrompt({ question, results, contextWindow: 600, answerTokens: 512 })).toThrow(
      RangeError,
    );
  });

  it('says when nothing was found', () => {
    const p = buildAnswerPrompt({ question, results: [], contextWindow: 4096 });
    expect(p.messages.at(-1)!.content).toBe(`Sources:\n(none found)\n\nQuestion: ${question.text}`);
  });
});

describe('follow-up turns', () => {
  const history: PastTurn[] = [
    { question: { text: 'Is there a leak?' }, answer: 'Yes, the valve under the sink is leaking [1][2].' },
    {
      question: { attachments: [{ kind: 'image', name: 'kite.jpg' }] },
      answer: 'A red kite was flying [2, 3].',
    },
    { question: { text: 'And the bread?' }, answer: "The sources don't say." },
  ];

  it('keeps earlier turns in order, without their citation numbers (which pointed into older lists)', () => {
    const p = buildAnswerPrompt({ question, history, results: fixtureResults(), contextWindow: 4096 });
    expect(p.turnsKept).toBe(3);
    expect(p.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(p.messages[1]!.content).toBe('Question: Is there a leak?');
    expect(p.messages[2]!.content).toBe('Yes, the valve under the sink is leaking.');
    expect(p.messages[4]!.content).toBe('A red kite was flying.');
    expect(p.messages[3]!.content).toMatch(/attached an image, "kite\.jpg"/);
  });

  it('drops the oldest turns first when they do not fit their share of the budget', () => {
    const long: PastTurn[] = Array.from({ length: 12 }, (_, i) => ({
      question: { text: `Question number ${i} about the valve and the kite?` },
      answer: `Answer number ${i}: ${'the valve under the sink is leaking slowly '.repeat(6)}[1].`,
    }));
    const p = buildAnswerPrompt({
      question,
      history: long,
      results: fixtureResults(),
      contextWindow: 1500,
      answerTokens: 256,
    });
    expect(p.turnsKept).toBeGreaterThan(0);
    expect(p.turnsKept).toBeLessThan(12);
    const kept = p.messages
      .filter((m) => m.role === 'user')
      .slice(0, -1)
      .map((m) => m.content);
    expect(kept).toEqual(long.slice(12 - p.turnsKept).map((t) => `Question: ${t.question.text}`));
    expect(p.tokens).toBeLessThanOrEqual(1500 - 256);
    // History has its share; the sources still get most of the room.
    expect(p.context.sources.length).toBeGreaterThan(0);
  });
});

describe('attachments', () => {
  it('notes an image attached instead of text, and that retrieval followed it', () => {
    const p = buildAnswerPrompt({
      question: { attachments: [{ kind: 'image', name: 'photo.jpg' }] },
      results: fixtureResults(),
      contextWindow: 4096,
    });
    const last = p.messages.at(-1)!.content;
    expect(last).toMatch(
      /The user attached an image, "photo\.jpg"\. You cannot see or hear it; the sources were found by searching with it\./,
    );
    expect(last).toMatch(/Question: \(none written\)/);
  });

  it('notes an audio recording with text, and includes what it says when search transcribed it', () => {
    const p = buildAnswerPrompt({
      question: {
        text: 'Where is this from?',
        attachments: [
          {
            kind: 'audio',
            name: 'recording.webm',
            recorded: true,
            transcript: ' what did the  plumber say ',
          },
        ],
      },
      results: fixtureResults(),
      contextWindow: 4096,
    });
    const last = p.messages.at(-1)!.content;
    expect(last).toContain('The user attached an audio recording, "recording.webm".');
    expect(last).toContain('Its speech says: "what did the plumber say"');
    expect(last.endsWith('Question: Where is this from?')).toBe(true);
  });
});

describe('stripCitations', () => {
  it('removes every citation form the parser reads', () => {
    expect(stripCitations('A [1], b [2,3]; c [2-4] d [Source 5]. e【2】')).toBe('A, b; c d. e');
    expect(stripCitations('Keep [note] and list[0x]')).toBe('Keep [note] and list[0x]');
  });

  it('takes about 8x as long for 8x the spaces in an answer (which quotes untrusted documents)', () => {
    const spaces = ' \t'.repeat(5_000);
    expect(stripCitations(`a${spaces}b${spaces} [1]${spaces}.`)).toBe(`a${spaces}b.`);
    const growth = growthEightfold((n) => {
      const answer = `a${' '.repeat(n)}b${'\n'.repeat(n)}c${' \t'.repeat(n)}[note]`;
      return () => stripCitations(answer);
    }, 4_000);
    expect(growth).toBeLessThan(LINEAR_EIGHTFOLD);
  });
});
