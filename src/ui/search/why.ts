// "Why this result", in words: which lists found the result and how strongly, each score set against the
// cut the search used, and the words the keyword side matched. Scores are calibrated (src/search/calibrate.ts):
// how many units above what an unrelated query scores; the raw score is given as well.
import type { EvidenceSource } from '../../search/fuse.ts';
import type { ItemResult } from '../../search/results.ts';

export const SOURCE_NAMES: Record<EvidenceSource, string> = {
  clip: 'Picture meaning',
  clap: 'Sound meaning',
  text: 'Text meaning',
  lexical: 'Exact words',
};

export interface WhyLine {
  source: EvidenceSource;
  name: string;
  /** The calibrated score, one decimal. */
  score: string;
  passed: boolean;
  /** The list's own score, in words ("cosine 0.84", "keyword score 2.1"). */
  raw: string;
}

export interface Why {
  summary: string;
  lines: WhyLine[];
  /** Words the keyword side matched, in any of the result's segments. */
  words: string[];
}

export function explain(result: ItemResult, cut?: number): Why {
  const lines = [...result.best.matched]
    .sort((a, b) => b.z - a.z)
    .map((m) => ({
      source: m.source,
      name: SOURCE_NAMES[m.source],
      score: m.z.toFixed(1),
      passed: m.passed,
      raw: m.source === 'lexical' ? `keyword score ${m.raw.toFixed(1)}` : `cosine ${m.raw.toFixed(2)}`,
    }));
  const words = [...new Set([result.best, ...result.others].flatMap((s) => s.words ?? []))];
  const at = cut === undefined ? 'the cut' : `the cut of ${cut.toFixed(1)}`;
  const passedIn = [...new Set(result.spaces)].map((s) => SOURCE_NAMES[s].toLowerCase());
  const summary = result.listed
    ? 'Listed because it passes the filters; the search had no words or attachment to rank by.'
    : result.weak
      ? `A weak match: below ${at} everywhere, shown because you asked for the closest.`
      : `Passed ${at} in ${list(passedIn)}.`;
  return { summary, lines, words };
}

function list(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? 'no list';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
