// The reference bank of each query text encoder is kept between visits (issue 20: embedding it was most of
// the first query after a reload), in Cache Storage, on the fixture models in real workers. A visit with a
// kept bank embeds only the empty text, to check the model still agrees with the bank; a bank that no longer
// agrees is embedded afresh and replaced.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createEncoders, type Encoders } from '../../src/encoders/encoders';
import { cacheStorageBanks } from '../../src/search/bank-cache';
import { planQuery, prepareQueries, type QueryEncoders } from '../../src/search/fan-out';
import { BANK_PHRASES } from '../../src/search/query-bank';
import { fixtureModelsConfig } from '../support/fixture-models';

const config = fixtureModelsConfig('/test/fixtures/models/');
const opened: Encoders[] = [];
afterAll(() => opened.forEach((e) => e.terminate()));

type Calls = Record<'clip' | 'clap' | 'text', string[][]>;

/** A visit: fresh encoders (as after a reload), whose text calls are recorded. */
function visit(origin: string): { encoders: QueryEncoders; calls: Calls } {
  const e = createEncoders(config, { prefer: 'wasm' });
  opened.push(e);
  const calls: Calls = { clip: [], clap: [], text: [] };
  const q = e.forQueries;
  const recorded = <R extends { embedTexts: QueryEncoders['text']['embedTexts'] }>(
    role: 'clip' | 'clap' | 'text',
    r: R,
  ): R => ({
    ...r,
    embedTexts: (t: string[], p?: Parameters<R['embedTexts']>[1]) => {
      calls[role].push(t);
      return r.embedTexts(t, p);
    },
  });
  return {
    encoders: {
      ...q,
      clip: recorded('clip', q.clip),
      clap: recorded('clap', q.clap),
      text: recorded('text', q.text),
      banks: cacheStorageBanks(origin),
    },
    calls,
  };
}

describe('kept reference banks', () => {
  // Each test keeps its banks under its own origin's keys, in the one Cache Storage of the test page.
  let origin: string;
  beforeEach(() => {
    origin = `${location.origin}/bank-test-${crypto.randomUUID()}`;
  });

  it('a second visit embeds only the empty text, and plans the same query', async () => {
    const first = visit(origin);
    await prepareQueries(first.encoders);
    for (const role of ['clip', 'clap', 'text'] as const)
      expect(first.calls[role].flat()).toEqual([...BANK_PHRASES]);
    const before = await planQuery({ text: 'red' }, first.encoders);

    const second = visit(origin);
    await prepareQueries(second.encoders);
    for (const role of ['clip', 'clap', 'text'] as const) expect(second.calls[role]).toEqual([['']]);
    const after = await planQuery({ text: 'red' }, second.encoders);
    for (const [i, space] of before.spaces.entries()) {
      const again = after.spaces[i]!;
      expect(again.space).toBe(space.space);
      // The kept floats themselves, so what a query is calibrated against is exactly what it was.
      expect(again.bank.mean).toEqual(space.bank.mean);
      expect(again.nullVector).toEqual(space.nullVector);
      expect(again.bank.phrases).toHaveLength(BANK_PHRASES.length);
    }
  });

  it('a kept bank the model no longer agrees with is embedded afresh and replaced', async () => {
    const first = visit(origin);
    await prepareQueries(first.encoders);
    // Another model's bank under CLIP's key: every vector turned around.
    const cache = await caches.open('trove-query-banks');
    const mine = (await cache.keys()).filter((r) => r.url.startsWith(`${origin}/query-banks/`));
    expect(mine).toHaveLength(3);
    const clip = mine.find((r) => decodeURIComponent(r.url).includes(first.encoders.clip.modelKey!))!;
    const kept = new Float32Array(await (await cache.match(clip))!.arrayBuffer());
    const turned = kept.map((x, i) => (i < 2 ? x : -x)); // the count and dimension (as floats) kept
    await cache.put(clip, new Response(turned));

    const second = visit(origin);
    await prepareQueries(second.encoders);
    expect(second.calls.clip).toEqual([[''], [...BANK_PHRASES]]);
    expect(second.calls.clap).toEqual([['']]);
    const replaced = new Float32Array(await (await cache.match(clip))!.arrayBuffer());
    expect(replaced).toEqual(kept);
  });

  it('a damaged kept bank is embedded afresh', async () => {
    await prepareQueries(visit(origin).encoders);
    const cache = await caches.open('trove-query-banks');
    const mine = (await cache.keys()).filter((r) => r.url.startsWith(`${origin}/query-banks/`));
    for (const r of mine) await cache.put(r, new Response(new Uint8Array(13)));
    const again = visit(origin);
    await prepareQueries(again.encoders);
    expect(again.calls.text.flat()).toEqual([...BANK_PHRASES]);
    expect((await (await cache.match(mine[0]!))!.arrayBuffer()).byteLength).toBeGreaterThan(13);
  });

  it('without a place to keep them, each visit embeds the whole bank', async () => {
    const first = visit(origin);
    const { banks: _, ...unkept } = first.encoders;
    await prepareQueries(unkept);
    expect(first.calls.text.flat()).toEqual([...BANK_PHRASES]);
    const second = visit(origin);
    const { banks: __, ...unkeptAgain } = second.encoders;
    await prepareQueries(unkeptAgain);
    expect(second.calls.text.flat()).toEqual([...BANK_PHRASES]);
  });
});
