// Download progress and the model cache, on the fixture models served by the test server.
import { describe, expect, it } from 'vitest';
import { createEncoders } from '../../src/encoders/encoders';
import { deleteCachedModel, listCachedModels } from '../../src/encoders/model-cache';
import { fixtureModelsConfig } from '../support/fixture-models';
import { mergeOverride } from '../../src/models/config';

const config = fixtureModelsConfig('/test/fixtures/models/');

describe('model downloads', () => {
  it('reports per-file and overall progress, then lists and deletes the cached files', async () => {
    await caches.delete('transformers-cache');
    const enc = createEncoders(config, { prefer: 'wasm' });
    const events: string[] = [];
    enc.clip.addEventListener('progress', (e) => events.push((e as CustomEvent).detail.status));
    try {
      await enc.clip.embedTexts(['red']);
      const files = [...enc.progress.files.values()].filter((f) => f.role === 'clip');
      expect(files.map((f) => f.file).sort()).toEqual(
        expect.arrayContaining(['config.json', 'onnx/text_model.onnx', 'tokenizer.json']),
      );
      const onnx = files.find((f) => f.file === 'onnx/text_model.onnx')!;
      expect(onnx.done).toBe(true);
      expect(onnx.total).toBeGreaterThan(1000);
      expect(enc.progress.overall).toMatchObject({ active: false, fraction: 1 });
      expect(events).toEqual(expect.arrayContaining(['initiate', 'progress', 'done']));

      const cached = await listCachedModels(config);
      const clip = cached.find((c) => c.role === 'clip')!;
      expect(clip.files).toEqual(expect.arrayContaining(['config.json', 'onnx/text_model.onnx']));
      expect(clip.bytes).toBeGreaterThan(onnx.total);
      expect(cached.find((c) => c.role === 'clap')!.files).toEqual([]);

      expect(await deleteCachedModel(config, 'clip')).toBe(clip.files.length);
      expect((await listCachedModels(config)).find((c) => c.role === 'clip')!.files).toEqual([]);
    } finally {
      enc.terminate();
    }
  });

  it('counts and deletes the files of every revision of a Hub-layout model, and no other model', async () => {
    // A revision pinned after files were cached (or changed since) leaves files under the old one.
    const hub = mergeOverride(config, {
      host: 'https://hub.example/',
      layout: 'hub',
      roles: { text: { revision: 'c0ffee' } },
    });
    const model = `https://hub.example/${config.roles.text.model}`;
    const cache = await caches.open('transformers-cache');
    await cache.put(`${model}/resolve/main/config.json`, new Response('{"old":1}'));
    await cache.put(`${model}/resolve/c0ffee/onnx/model.onnx`, new Response('new'));
    await cache.put(`${model}-large/resolve/main/config.json`, new Response('{}'));

    const text = (await listCachedModels(hub)).find((c) => c.role === 'text')!;
    expect(text.files.sort()).toEqual(['config.json', 'onnx/model.onnx']);
    expect(text.bytes).toBe('{"old":1}'.length + 'new'.length);
    expect(await deleteCachedModel(hub, 'text')).toBe(2);
    expect(await cache.match(`${model}-large/resolve/main/config.json`)).toBeDefined();
    await cache.delete(`${model}-large/resolve/main/config.json`);
  });
});
