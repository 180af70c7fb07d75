// Whitespace clean-ups for extracted text, each one pass over the string. The regular expressions these
// replace (/^\s*\n|\s+$/g on HTML blocks, /[ \t]+\n/g on PDF pages) backtrack over every run of spaces
// not followed by what they look for, so their cost grew with the square of the run: a block of 40k <br>
// took 2.3 s and a page of 80k spaces 12.8 s (issue 21).

/**
 * A block of HTML text as a paragraph: no trailing whitespace, no leading whitespace up to its last line
 * break, and no leading spaces before the first visible character (leading tabs after the break stay, as
 * `<pre>` indentation).
 */
export function trimBlock(block: string): string {
  // trimEnd and trimStart remove exactly the characters \s matches (WhiteSpace and LineTerminator).
  const text = block.trimEnd();
  const lead = text.length - text.trimStart().length;
  if (lead === 0) return text;
  // Only whitespace comes before `lead`, so this search stays within the leading run.
  let from = text.lastIndexOf('\n', lead - 1) + 1;
  let spaces = from;
  while (spaces < lead && text.charCodeAt(spaces) === 0x20) spaces++;
  if (spaces === lead) from = lead;
  return text.slice(from);
}

/** The text without the spaces and tabs that end its lines (before each "\n"). */
export function dropSpacesBeforeBreaks(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    let end = line.length;
    while (end > 0 && isSpaceOrTab(line.charCodeAt(end - 1))) end--;
    if (end < line.length) lines[i] = line.slice(0, end);
  }
  return lines.join('\n');
}

function isSpaceOrTab(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
