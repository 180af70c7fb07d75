// The compact Unigram trie (src/encoders/unigram-trie.ts) must tokenize exactly as transformers.js's own:
// a vocabulary of every piece of up to 6 code points from a multilingual text (accents, CJK, emoji, the
// SentencePiece word marker), with XLM-R's Metaspace pre-tokenizer, ids compared on many inputs before
// and after the swap. The swap changes a shared prototype, so the expected ids are taken first.
import { describe, expect, it } from 'vitest';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { compactUnigramTries } from '../../src/encoders/unigram-trie.ts';

const corpus = [
  'the red kite flew over the field by the river',
  'what did the plumber say about the valve under the sink',
  'où est passé le cerf-volant rouge près de la rivière',
  'der Klempner sagte, das Ventil müsse getauscht werden',
  '東京の駅で赤い凧を見た',
  'fireworks 🎆 over the harbour, 2023',
];

function vocabulary(): [string, number][] {
  const pieces = new Map<string, number>();
  for (const line of corpus)
    for (const word of line.split(' ')) {
      const chars = [...`▁${word}`];
      for (let i = 0; i < chars.length; i++)
        for (let n = 1; n <= 6 && i + n <= chars.length; n++) {
          const piece = chars.slice(i, i + n).join('');
          // Longer pieces score higher, with a spread so the lattice has real choices to make.
          pieces.set(piece, -10 / n - (piece.length % 3) * 0.1);
        }
    }
  return [['<unk>', 0], ['<s>', 0], ['</s>', 0], ...pieces];
}

function tokenizer(vocab: [string, number][]) {
  return new PreTrainedTokenizer(
    {
      model: { type: 'Unigram', vocab, unk_id: 0 },
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', add_prefix_space: true },
      post_processor: null,
      decoder: { type: 'Metaspace', replacement: '▁', add_prefix_space: true },
      added_tokens: [],
    },
    {},
  );
}

const inputs = [
  ...corpus,
  'red kite',
  'plumber valve',
  'rivière rouge',
  'Ventil',
  '凧',
  '🎆🎆',
  'words never seen: zebra xylophone',
  '',
  '  spaced   out  ',
];

describe('compact Unigram trie', () => {
  it('tokenizes every input exactly as the trie it replaces, with the vocabulary in a set', () => {
    const vocab = vocabulary();
    expect(vocab.length).toBeGreaterThan(500);
    const original = tokenizer(vocab);
    const expected = inputs.map((text) => original.encode(text));
    // The unknown-piece path is exercised too.
    expect(expected.some((ids) => ids.includes(0))).toBe(true);

    expect(compactUnigramTries()).toBe(true);
    const compact = tokenizer(vocab);
    const trie = (compact as unknown as { _tokenizer: { model: { trie: { pieces?: Set<string> } } } })
      ._tokenizer.model.trie;
    expect(trie.pieces?.size).toBe(vocab.length);
    expect(inputs.map((text) => compact.encode(text))).toEqual(expected);
    expect(compactUnigramTries()).toBe(true);
  });
});
