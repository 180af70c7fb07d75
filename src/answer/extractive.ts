// The answer when no language model can run (no WebGPU, or the model failed to load): the top sources'
// most relevant sentences, quoted with their citations, and labelled so nobody mistakes it for a written
// answer. The user is never left with nothing.
import type { AnswerSegment } from './citations.ts';
import type { Source } from './context.ts';
import type { Question } from './prompt.ts';

export const EXTRACTIVE_LABEL =
  'Extractive answer: the most relevant passages, quoted. No language model wrote this.';
export const NOTHING_FOUND = 'Nothing in your library matches this question.';

export interface ExtractiveAnswer {
  label: string;
  segments: AnswerSegment[];
  /** The same answer as plain text with "[n]" citations. */
  text: string;
}

export interface ExtractiveOptions {
  maxSources?: number;
  /** Longest quote per source, in characters. */
  maxChars?: number;
}

export function extractiveAnswer(sources: Source[], question: Question, options: ExtractiveOptions = {}) {
  const { maxSources = 3, maxChars = 280 } = options;
  const terms = queryTerms([
    question.text ?? '',
    ...(question.attachments ?? []).map((a) => a.transcript ?? ''),
  ]);
  const segments: AnswerSegment[] = [];
  const lines: string[] = [];
  for (const s of sources.slice(0, maxSources)) {
    const line = `${s.label}: ${quote(s, terms, maxChars)} `;
    segments.push({ kind: 'text', text: (segments.length ? '\n' : '') + line });
    segments.push({ kind: 'citation', n: s.n, raw: `[${s.n}]` });
    lines.push(`${line}[${s.n}]`);
  }
  if (!segments.length) segments.push({ kind: 'text', text: NOTHING_FOUND });
  return {
    label: EXTRACTIVE_LABEL,
    segments,
    text: lines.join('\n') || NOTHING_FOUND,
  } satisfies ExtractiveAnswer;
}

/** The sentence(s) of a text source that share the most words with the question, or its first ones. */
function quote(s: Source, terms: Set<string>, maxChars: number): string {
  if (s.segmentKind !== 'text-chunk' && s.segmentKind !== 'transcript') return s.body;
  const sentences = s.body.match(/[^.!?。！？]+[.!?。！？]*\s*/g)?.map((x) => x.trim()) ?? [s.body];
  const score = (x: string) => [...words(x)].filter((w) => terms.has(w)).length;
  let best = 0;
  sentences.forEach((x, i) => {
    if (score(x) > score(sentences[best]!)) best = i;
  });
  let out = sentences[best]!;
  for (let i = best + 1; i < sentences.length && out.length + sentences[i]!.length + 1 <= maxChars; i++)
    out += ` ${sentences[i]}`;
  if (out.length > maxChars) out = `${out.slice(0, maxChars - 1).replace(/\s+\S*$/, '')}…`;
  return `“${out}”`;
}

const STOP = new Set(
  'a an and are as at be by did do does for from had has have how i in is it its of on or so that the this to was were what when where which who why with you your'.split(
    ' ',
  ),
);

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]*/gu) ?? []);
}

function queryTerms(texts: string[]): Set<string> {
  return new Set([...words(texts.join(' '))].filter((w) => !STOP.has(w)));
}
