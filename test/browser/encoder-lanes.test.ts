// How the page shares the encoder workers between queries and ingest (issue 20), on the fixture models in
// real workers: queries have their own text-encoder workers and go first, and ingest's workers are let go
// when idle and come back on the next job.
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoders, type Encoders } from '../../src/encoders/encoders';
import { prepareQueries } from '../../src/search/fan-out';
import { fixtureModelsConfig } from '../support/fixture-models';
import { cosine, fetchBlob } from '../support/browser-media';

const config = fixtureModelsConfig('/test/fixtures/models/');
const opened: Encoders[] = [];
afterAll(() => opened.forEach((e) => e.terminate()));
function encoders(idleReleaseMs?: number) {
  const e = createEncoders(config, { prefer: 'wasm', idleReleaseMs });
  opened.push(e);
  return e;
}

describe('encoder lanes', () => {
  it('a query embeds in its own worker, with the vectors ingest’s worker gives', async () => {
    const enc = encoders();
    const [viaQuery] = await enc.forQueries.clip.embedTexts(['red']);
    expect(enc.query.clip.started).toBe(true);
    expect(enc.clip.started).toBe(false);
    const [viaIngest] = await enc.clip.embedTexts(['red'], 'query');
    expect(enc.clip.started).toBe(true);
    expect(cosine(viaQuery!, viaIngest!)).toBeCloseTo(1, 5);
  });

  it('a query does not wait for ingest’s queued batches', async () => {
    const enc = encoders();
    const red = await fetchBlob('image/red-square.png');
    await enc.clip.embedImages([red]);
    await enc.query.clip.embedTexts(['warm'], 'query');
    const order: string[] = [];
    // 40 batches of 8 images queued for ingest's CLIP worker, then a query.
    const ingest = enc.clip
      .embedImages(Array.from({ length: 320 }, () => red))
      .then(() => order.push('ingest'));
    const query = enc.forQueries.clip.embedTexts(['red']).then(() => order.push('query'));
    await Promise.all([ingest, query]);
    expect(order).toEqual(['query', 'ingest']);
  });

  it('an image query goes ahead of ingest’s queued batches in the same worker', async () => {
    const enc = encoders();
    const red = await fetchBlob('image/red-square.png');
    const blue = await fetchBlob('image/blue-sky.webp');
    await enc.clip.embedImages([red]);
    const order: string[] = [];
    const batches = Array.from({ length: 10 }, (_, i) =>
      enc.clip.embedImages(Array.from({ length: 8 }, () => red)).then(() => order.push(`batch ${i}`)),
    );
    const query = enc.forQueries.clip.embedImages([blue]).then(() => order.push('query'));
    await Promise.all([...batches, query]);
    // At most the batch in flight (and the one the lane had started) finished before the query.
    expect(order.indexOf('query')).toBeLessThanOrEqual(1);
    expect(order).toHaveLength(11);
  });

  it('while a text query encodes, ingest’s other workers start no new batch', async () => {
    const enc = encoders();
    const red = await fetchBlob('image/red-square.png');
    await enc.clip.embedImages([red]);
    await enc.forQueries.text.embedTexts(['warm']);
    const events: string[] = [];
    // Ten batches for the CLIP worker; the query goes to the text encoder's query worker.
    const batches = Array.from({ length: 10 }, (_, i) =>
      enc.clip.embedImages(Array.from({ length: 8 }, () => red)).then(() => events.push(`batch ${i}`)),
    );
    await batches[0];
    // A long query (many texts) so that, unheld, several batches would finish while it runs.
    const texts = Array.from({ length: 400 }, (_, i) => `red kite number ${i} over the field`);
    const query = enc.forQueries.text.embedTexts(texts).then(() => events.push('query'));
    await Promise.all([...batches, query]);
    // Batch 0 had finished; at most the batch running when the query began (batch 1) ends before it.
    expect(events.indexOf('query')).toBeLessThanOrEqual(2);
    expect(events).toHaveLength(11);
  });

  it('ingest’s worker is let go after the idle time and comes back for the next job', async () => {
    const enc = encoders(500);
    const released: string[] = [];
    enc.clip.addEventListener('released', (e) => released.push((e as CustomEvent).detail.role));
    const red = await fetchBlob('image/red-square.png');
    await enc.query.clip.embedTexts(['red'], 'query');
    const [before] = await enc.clip.embedImages([red]);
    expect(enc.clip.started).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(released).toEqual(['clip']);
    expect(enc.clip.started).toBe(false);
    // The query's worker stays.
    expect(enc.query.clip.started).toBe(true);
    const [after] = await enc.clip.embedImages([red]);
    expect(enc.clip.started).toBe(true);
    expect(cosine(before!, after!)).toBeCloseTo(1, 5);
  });

  it('query workers run ORT on one thread each, ingest workers on as many as the page allows', async () => {
    const enc = encoders();
    await Promise.all([enc.forQueries.clip.embedTexts(['red']), enc.clip.embedTexts(['red'])]);
    // Three query encoders run side by side on every query: one thread each keeps them off each other's cores.
    expect((await enc.query.clip.start()).wasmThreads).toBe(1);
    expect((await enc.clip.start()).wasmThreads).toBe(
      crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1,
    );
  });

  it('prepareQueries loads every query text encoder before the first query', async () => {
    const enc = encoders();
    await prepareQueries(enc.forQueries);
    expect([enc.query.clip.started, enc.query.clap.started, enc.query.text.started]).toEqual([
      true,
      true,
      true,
    ]);
    expect([enc.clip.started, enc.clap.started, enc.text.started, enc.speech.started]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
