// The text box's small query language: words, "quoted phrases", and negative terms written with a leading
// minus ("beach -people", -"red kite"). A minus inside a word ("t-shirt") or alone is just text.

export interface ParsedText {
  /** What to look for: the text without its negative terms (quotes removed), for the encoders and BM25. */
  positive: string;
  /** Each negative term or phrase, as written without the minus and quotes. */
  negatives: string[];
}

const tokenPattern = /(-?)"([^"]*)"?|(\S+)/g;

export function parseQueryText(text: string): ParsedText {
  const positive: string[] = [];
  const negatives: string[] = [];
  for (const m of text.matchAll(tokenPattern)) {
    const [, minus, quoted, bare] = m;
    if (quoted !== undefined) {
      const phrase = quoted.trim().replace(/\s+/g, ' ');
      if (phrase) (minus ? negatives : positive).push(phrase);
    } else if (bare) {
      // A lone "-" or "--" is punctuation, not an empty negative term.
      const negative = /^-+(.+)$/.exec(bare);
      if (negative && /[\p{L}\p{N}]/u.test(negative[1]!)) negatives.push(negative[1]!);
      else if (/[\p{L}\p{N}]/u.test(bare)) positive.push(bare);
    }
  }
  return { positive: positive.join(' '), negatives: [...new Set(negatives)] };
}
