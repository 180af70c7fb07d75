// The whitespace clean-ups of extracted text give what the regular expressions they replaced gave, and stay
// linear on the inputs that made those expressions backtrack (issue 21: 40k <br> took 2.3 s, 80k spaces
// 12.8 s).
import { describe, expect, it } from 'vitest';
import { dropSpacesBeforeBreaks, trimBlock } from '../../src/ingest/text/whitespace.ts';
import { seededRandom } from '../../scripts/fixtures/media/prng.ts';
import { growthEightfold, LINEAR_EIGHTFOLD } from '../support/time-growth.ts';

// The replaced expressions, as the reference on inputs small enough for them.
const trimBlockByRegex = (s: string) => s.replace(/^\s*\n|\s+$/g, '').replace(/^ +(?=\S)/, '');
const dropByRegex = (s: string) => s.replace(/[ \t]+\n/g, '\n');

/** Seeded strings over an alphabet heavy in the whitespace the expressions treat differently. */
function samples(seed: number, count: number): string[] {
  const next = seededRandom(seed);
  const alphabet = [' ', ' ', '\n', '\t', '\r', '\u00a0', '\u3000', 'a', 'b', '.'];
  return Array.from({ length: count }, () =>
    Array.from(
      { length: Math.floor(next() * 12) },
      () => alphabet[Math.floor(next() * alphabet.length)],
    ).join(''),
  );
}

describe('trimBlock', () => {
  it('gives what /^\\s*\\n|\\s+$/g then /^ +(?=\\S)/ gave', () => {
    for (const s of samples(1, 5000)) expect(trimBlock(s), JSON.stringify(s)).toBe(trimBlockByRegex(s));
    expect(trimBlock('  \n \n  two\n  lines \n ')).toBe('two\n  lines');
    expect(trimBlock(' \n\tindented')).toBe('\tindented');
    expect(trimBlock('\u00a0 x')).toBe('\u00a0 x');
  });

  it('cleans 200k spaces and 40k line breaks between words in one pass', () => {
    const spaces = ' '.repeat(200_000);
    expect(trimBlock(`a${spaces}b${spaces}`)).toBe(`a${spaces}b`);
    expect(trimBlock(spaces)).toBe('');
    const breaks = '\n'.repeat(40_000);
    expect(trimBlock(`${breaks}  a${breaks}b${breaks}`)).toBe(`a${breaks}b`);
  });

  it('takes about 8x as long for 8x the whitespace', () => {
    const growth = growthEightfold((n) => {
      const s = `a${' '.repeat(n)}b${'\n '.repeat(n)}`;
      return () => trimBlock(s);
    }, 4_000);
    expect(growth).toBeLessThan(LINEAR_EIGHTFOLD);
  });
});

describe('dropSpacesBeforeBreaks', () => {
  it('gives what /[ \\t]+\\n/g gave', () => {
    for (const s of samples(2, 5000))
      expect(dropSpacesBeforeBreaks(s), JSON.stringify(s)).toBe(dropByRegex(s));
  });

  it('cleans 200k spaces that no line break follows, and 200k that one does', () => {
    const spaces = ' \t'.repeat(100_000);
    expect(dropSpacesBeforeBreaks(`a${spaces}b`)).toBe(`a${spaces}b`);
    expect(dropSpacesBeforeBreaks(`a${spaces}\nb${spaces}`)).toBe(`a\nb${spaces}`);
  });

  it('takes about 8x as long for 8x the spaces', () => {
    const growth = growthEightfold((n) => {
      const s = `a${' '.repeat(n)}b${' \n'.repeat(n)}`;
      return () => dropSpacesBeforeBreaks(s);
    }, 4_000);
    expect(growth).toBeLessThan(LINEAR_EIGHTFOLD);
  });
});
