// A model file whose SHA-256 is not the one models.json gives is refused by the workers' fetch guard: the
// load fails with ModelIntegrityError naming the URL and both digests, and nothing of the file is left in
// Cache Storage. Through the real transformers.js in an encoder worker, and through both of the answer
// worker's doors (Cache.add, fetch), on the fixture models the browser tier serves.
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoders, type Encoders } from '../../src/encoders/encoders';
import { fixtureModelsConfig } from '../support/fixture-models';
import type { GuardProbe, GuardProbeResult } from '../support/guard-probe.worker';

const host = '/test/fixtures/models/';
const file = 'onnx/model.onnx';
const fileUrl = new URL(`${host}trove-fixtures/text-embedder/${file}`, location.href).href;

const opened: Encoders[] = [];
afterAll(() => opened.forEach((e) => e.terminate()));

async function sha256Of(url: string): Promise<string> {
  const bytes = await (await fetch(url)).arrayBuffer();
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** The digest with its first hex digit changed: what a host that swapped the file would produce. */
const tampered = (digest: string) => (digest[0] === '0' ? '1' : '0') + digest.slice(1);

function textEncoder(digest: string) {
  const config = fixtureModelsConfig(host);
  config.roles.text.sha256 = { [file]: digest };
  const e = createEncoders(config, { prefer: 'wasm' });
  opened.push(e);
  return e.text;
}

async function cached(url: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await caches.keys()) if (await (await caches.open(name)).match(url)) found.push(name);
  return found;
}

describe('a model file with the wrong SHA-256', () => {
  it('fails the encoder load with ModelIntegrityError, and is not cached; the right digest loads', async () => {
    // Earlier runs of the fixture models may have cached the file; a cached file is not fetched again.
    await (await caches.open('transformers-cache')).delete(fileUrl);
    const actual = await sha256Of(fileUrl);
    const wrong = tampered(actual);

    const failure = await textEncoder(wrong)
      .embedTexts(['valve'])
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(failure?.name).toBe('ModelIntegrityError');
    expect(failure?.message).toBe(
      `The text model "trove-fixtures/text-embedder" was not loaded: ${fileUrl} failed its integrity check: ` +
        `its SHA-256 is ${actual}, models.json expects ${wrong}; the file was not used or kept`,
    );
    expect(await cached(fileUrl)).toEqual([]);

    const [vector] = await textEncoder(actual).embedTexts(['valve']);
    expect(vector).toHaveLength(16);
    expect(await cached(fileUrl)).toEqual(['transformers-cache']);
  });

  it("is refused through both of the answer worker's doors, and Cache.add stores nothing", async () => {
    const actual = await sha256Of(fileUrl);
    const run = (digest: string) =>
      new Promise<GuardProbeResult>((resolve, reject) => {
        const worker = new Worker(new URL('../support/guard-probe.worker.ts', import.meta.url), {
          type: 'module',
        });
        worker.onmessage = (e: MessageEvent<GuardProbeResult>) => {
          worker.terminate();
          resolve(e.data);
        };
        worker.onerror = (e) => reject(new Error(e.message));
        const cacheName = `trove-guard-probe-${digest.slice(0, 8)}`;
        worker.postMessage({
          origins: [location.origin],
          sha256: { [fileUrl]: digest },
          url: fileUrl,
          cacheName,
        } satisfies GuardProbe);
      });
    for (const name of await caches.keys())
      if (name.startsWith('trove-guard-probe-')) await caches.delete(name);

    const wrong = tampered(actual);
    const refused = await run(wrong);
    const why = `${fileUrl} failed its integrity check: its SHA-256 is ${actual}, models.json expects ${wrong}; the file was not used or kept`;
    expect(refused.add).toMatch(/^\w+Error: /);
    expect(refused.fetched).toMatch(/^\w+Error: /);
    expect(refused.reports.filter((r) => r.kind === 'trove:problem')).toEqual([
      { kind: 'trove:problem', reason: why, integrity: true },
      { kind: 'trove:problem', reason: why, integrity: true },
    ]);
    expect(await cached(fileUrl)).toEqual(['transformers-cache']); // the first test's good copy only

    const accepted = await run(actual);
    const size = (await (await fetch(fileUrl)).arrayBuffer()).byteLength;
    expect(accepted).toMatchObject({ add: 'stored', fetched: `read ${size}` });
    expect(accepted.reports.filter((r) => r.kind === 'trove:problem')).toEqual([]);
  });
});
