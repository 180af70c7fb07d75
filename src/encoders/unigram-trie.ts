// transformers.js tokenizes a Unigram (SentencePiece) vocabulary with a character trie of Map nodes. For
// multilingual-e5's 250,002 pieces that is about a million Maps: 166 MB of JS heap and 1–4 s of loading, most
// of it garbage collection, in every worker that loads the tokenizer (huggingface/transformers.js#1736,
// open; 4.2 s here in Node, and the largest part of the first query after a reload). The trie's one use is
// common_prefix_search: which pieces start at a position. A set of the pieces, with the longest piece per
// first character to stop early, gives the same answers in the same order at a fraction of the memory.
//
// The trie class is internal to the bundle, so its prototype is reached through a tiny Unigram tokenizer.
// Should a later transformers.js change its shape, nothing is patched and loading works as before.
import { PreTrainedTokenizer } from '@huggingface/transformers';

interface CompactTrie {
  pieces?: Set<string>;
  /** The longest piece, in code points, for each first code point. */
  longest?: Map<string, number>;
}

function push(this: CompactTrie, text: string): void {
  (this.pieces ??= new Set()).add(text);
  const longest = (this.longest ??= new Map());
  let length = 0;
  let first = '';
  for (const ch of text) {
    if (length === 0) first = ch;
    length++;
  }
  if (length > (longest.get(first) ?? 0)) longest.set(first, length);
}

function extend(this: CompactTrie, texts: Iterable<string>): void {
  for (const text of texts) push.call(this, text);
}

/** Each piece that `chars` (code points) starts with at `start`, shortest first, as the trie yields them. */
function* commonPrefixSearch(this: CompactTrie, chars: string[], start = 0): Generator<string> {
  const first = chars[start];
  if (first === undefined || !this.pieces) return;
  const end = Math.min(chars.length, start + (this.longest?.get(first) ?? 0));
  let prefix = '';
  for (let i = start; i < end; i++) {
    prefix += chars[i];
    if (this.pieces.has(prefix)) yield prefix;
  }
}

let patched: boolean | undefined;

/** Swaps the trie's methods for the compact ones, once; true if it did (or had). */
export function compactUnigramTries(): boolean {
  if (patched !== undefined) return patched;
  patched = false;
  try {
    const probe = new PreTrainedTokenizer(
      {
        model: {
          type: 'Unigram',
          vocab: [
            ['<unk>', 0],
            ['a', -1],
          ],
          unk_id: 0,
        },
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder: null,
        added_tokens: [],
      },
      {},
    ) as unknown as { _tokenizer?: { model?: { trie?: object } } };
    const trie = probe._tokenizer?.model?.trie;
    const proto = trie && (Object.getPrototypeOf(trie) as Record<string, unknown>);
    if (!proto || typeof proto.extend !== 'function' || typeof proto.common_prefix_search !== 'function')
      return false;
    Object.assign(proto, { push, extend, common_prefix_search: commonPrefixSearch });
    patched = true;
  } catch {
    // A transformers.js whose tokenizer is built differently: its own trie stays.
  }
  return patched;
}
