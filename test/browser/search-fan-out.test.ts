// Fan-out with the real encoder workers on the fixture models: which spaces each kind of query reaches,
// through which sources, and the caption route an image query takes when captions are on.
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoders, type Encoders } from '../../src/encoders/encoders.ts';
import { decodeAudioFile } from '../../src/ingest/audio/decode-audio.ts';
import { planQuery, type QueryPlan } from '../../src/search/fan-out.ts';
import { fetchBlob } from '../support/browser-media.ts';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { fixtureFile } from '../support/media-files.ts';

const opened: Encoders[] = [];
afterAll(() => opened.forEach((e) => e.terminate()));
function encoders(captions: boolean): Encoders {
  const e = createEncoders(fixtureModelsConfig('/test/fixtures/models/', { enabled: captions }), {
    prefer: 'wasm',
  });
  opened.push(e);
  return e;
}

const sources = (plan: QueryPlan) => Object.fromEntries(plan.spaces.map((s) => [s.space, s.sources]));
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('fan-out', () => {
  const plain = encoders(false);

  it('a text query reaches clip, clap and text, with a null query and negatives in each', async () => {
    const plan = await planQuery({ text: 'red hum -kite' }, plain);
    expect(sources(plan)).toEqual({ clip: ['text'], clap: ['text'], text: ['text'] });
    expect(plan.lexical).toEqual({ text: 'red hum', weight: 1 });
    expect(plan.negatives).toEqual(['kite']);
    for (const s of plan.spaces) {
      expect(s.weight).toBe(1);
      expect(s.negatives).toHaveLength(1);
      for (const v of [s.vector, s.nullVector, s.negatives[0]!]) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
    // "kite" is a word of the text space only: elsewhere it is the off-meaning (null) vector.
    const clip = plan.spaces.find((s) => s.space === 'clip')!;
    expect(dot(clip.negatives[0]!, clip.nullVector)).toBeCloseTo(1, 4);
    const text = plan.spaces.find((s) => s.space === 'text')!;
    expect(dot(text.negatives[0]!, text.nullVector)).toBeLessThan(0.5);
  });

  it('an image reaches clip only, mixed with the text by weight; the text alone keeps the other spaces', async () => {
    const image = { blob: await fetchBlob('image/blue-sky.webp') };
    const alone = await planQuery({ image }, plain);
    expect(sources(alone)).toEqual({ clip: ['image'] });
    expect(alone.lexical.weight).toBe(0);
    const mixed = await planQuery({ text: 'red', image: { ...image, weight: 0.25 } }, plain);
    expect(sources(mixed)).toEqual({ clip: ['text', 'image'], clap: ['text'], text: ['text'] });
    expect(mixed.spaces.map((s) => s.weight)).toEqual([1, 0.75, 0.75]);
    const [red] = await plain.clip.embedTexts(['red'], 'query');
    const clip = (p: QueryPlan) => p.spaces.find((s) => s.space === 'clip')!.vector;
    expect(dot(clip(mixed), red!)).toBeGreaterThan(dot(clip(alone), red!));
  });

  it('an audio clip reaches clap, and text through its transcript', async () => {
    const speech = await decodeAudioFile(await fixtureFile('audio/speech-plumber.wav'));
    const plan = await planQuery({ audio: { pcm48k: speech.pcm48k, pcm16k: speech.pcm16k } }, plain);
    expect(sources(plan)).toEqual({ clap: ['audio'], text: ['transcript'] });
    expect(plan.transcript).toMatch(/plumber.*valve/i);
  });

  it('with captions on, an image also reaches text through its caption', async () => {
    const plan = await planQuery(
      { image: { blob: await fetchBlob('image/red-square.png') } },
      encoders(true),
    );
    expect(sources(plan)).toEqual({ clip: ['image'], text: ['caption'] });
    expect(plan.caption).toMatch(/\bred\b/i);
  });
});
