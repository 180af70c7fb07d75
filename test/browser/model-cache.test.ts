// Download progress and the model cache, on the fixture models served by the test server.
import { describe, expect, it } from 'vitest';
import { createEncoders } from '../../src/encoders/encoders';
import { deleteCachedModel, listCachedModels } from '../../src/encoders/model-cache';
import { fixtureModelsConfig } from '../support/fixture-models';

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
});
