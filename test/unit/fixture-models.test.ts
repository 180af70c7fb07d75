// The fixture model generator (CLIP, CLAP, text embedder): the committed files must be what it writes,
// its tokenizers must tokenize as transformers.js does, and its CLAP bands must match the mel bins that
// transformers.js's own ClapFeatureExtractor lights up for the fixture tones. Rankings are asserted in
// the browser tier (test/browser/fixture-models.test.ts), on the devices the app uses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIPTokenizer, ClapFeatureExtractor, type Tensor } from '@huggingface/transformers';
import { colours, coneModels, sounds, type Sound } from '../../scripts/fixtures/world';
import { clipModel } from '../../scripts/fixtures/models/clip';
import { clapModel, clapPreprocessor, melBinSounds } from '../../scripts/fixtures/models/clap';
import { textEmbedderModel } from '../../scripts/fixtures/models/text-embedder';
import { wordLevelTokenizer } from '../../scripts/fixtures/models/tokenizer';
import { dot, orthonormalBasis } from '../../scripts/fixtures/models/vectors';
import { synthesize } from '../../scripts/fixtures/media/synth';

const modelsDir = new URL('../fixtures/models/', import.meta.url);

describe.each([
  ['clip', () => clipModel()],
  ['clap', () => clapModel()],
  ['text-embedder', () => textEmbedderModel()],
  ['cone world clip', () => clipModel(coneModels.clip)],
  ['cone world clap', () => clapModel(coneModels.clap)],
  ['cone world text-embedder', () => textEmbedderModel(coneModels.textEmbedder)],
])('the committed %s fixture', (_, generate) => {
  it('is what the generator writes (run `npm run fixtures models` after changing world.ts)', () => {
    const model = generate();
    const dir = new URL(`${model.id}/`, modelsDir);
    for (const [name, json] of Object.entries(model.json)) {
      expect(JSON.parse(readFileSync(new URL(name, dir), 'utf8')), name).toEqual(json);
    }
    for (const [name, bytes] of Object.entries(model.onnx)) {
      expect(Buffer.compare(readFileSync(new URL(`onnx/${name}`, dir)), bytes), name).toBe(0);
    }
  });
});

describe('word-level tokenizer', () => {
  const spec = {
    specialTokens: ['<|startoftext|>', '<|endoftext|>'],
    words: Object.keys(colours),
    unkToken: '<|endoftext|>',
    wrap: { before: '<|startoftext|>', after: '<|endoftext|>' },
    config: { tokenizer_class: 'CLIPTokenizer', pad_token: '<|endoftext|>' },
  };

  it('lowercases, splits off punctuation, and maps unknown words to the unknown token', () => {
    const { tokenizerJson, tokenizerConfig, vocab } = wordLevelTokenizer(spec);
    const tokenizer = new CLIPTokenizer(tokenizerJson, tokenizerConfig);
    const id = (t: string) => vocab.get(t);
    expect(tokenizer.encode('Red, BLUE dog')).toEqual([
      id('<|startoftext|>'),
      id('red'),
      id('<|endoftext|>'),
      id('blue'),
      id('<|endoftext|>'),
      id('<|endoftext|>'),
    ]);
  });

  it('refuses words the tokenizer could never produce, and wrap tokens that are not special', () => {
    expect(() => wordLevelTokenizer({ ...spec, words: ['Red'] })).toThrow(/never be produced/);
    expect(() => wordLevelTokenizer({ ...spec, words: ['sky-blue'] })).toThrow(/never be produced/);
    expect(() => wordLevelTokenizer({ ...spec, wrap: { before: 'red', after: '<|endoftext|>' } })).toThrow(
      /special token/,
    );
  });
});

describe('CLAP bands', () => {
  const extractor = new ClapFeatureExtractor(clapPreprocessor);
  const bins = melBinSounds();

  /** The mel bin with the highest time-averaged log-mel energy, as the fixture audio graph sees it. */
  async function loudestBin(pcm: Float32Array): Promise<number> {
    const { input_features } = (await extractor(pcm)) as { input_features: Tensor };
    const nMels = input_features.dims.at(-1) ?? 0;
    const data = input_features.data as Float32Array;
    const profile = new Float64Array(nMels);
    for (let i = 0; i < data.length; i++) profile[i % nMels]! += data[i]!;
    return profile.indexOf(Math.max(...profile));
  }

  it.each(Object.keys(sounds).filter((s) => sounds[s as Sound].toneHz !== null) as Sound[])(
    'put the %s tone’s loudest mel bin in its own band',
    async (sound) => {
      const hz = sounds[sound].toneHz as number;
      const pcm = synthesize(
        { kind: 'sine', hz },
        { sampleRate: clapPreprocessor.sampling_rate, seconds: 3 },
      );
      expect(bins[await loudestBin(pcm)]).toBe(sound);
    },
  );

  it('leave most bins to the broadband sound, so noise mostly lands there', () => {
    const broadband = bins.filter((s) => sounds[s].toneHz === null).length;
    expect(broadband / bins.length).toBeGreaterThan(0.5);
  });
});

describe('orthonormalBasis', () => {
  it('gives unit vectors at right angles, the same for the same seed', () => {
    const basis = orthonormalBasis(6, 32, 42);
    for (const [i, a] of basis.entries()) {
      for (const [j, b] of basis.entries()) expect(dot(a, b)).toBeCloseTo(i === j ? 1 : 0, 10);
    }
    expect(orthonormalBasis(6, 32, 42)).toEqual(basis);
    expect(orthonormalBasis(6, 32, 43)).not.toEqual(basis);
  });
});
