// Token counts without the model's tokenizer (it lives in the WebLLM worker, behind the weights).
// The estimate errs high: a budget planned with it never overflows the context window. Qwen's BPE gives
// about 4 characters per token in English prose; we count 3.5. Outside ASCII (accents, CJK, emoji) a
// character can be a token of its own or more, so each counts as one.

const ASCII_CHARS_PER_TOKEN = 3.5;

export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN + other);
}

/**
 * The longest prefix of `text` that fits in `maxTokens`, cut at a word boundary and marked with "…".
 * Returns "" when not even one word fits.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  const words = text.split(/(\s+)/);
  let out = '';
  for (const w of words) {
    const next = out + w;
    if (estimateTokens(next.trimEnd() + '…') > maxTokens) break;
    out = next;
  }
  out = out.trimEnd();
  return out ? `${out}…` : '';
}
