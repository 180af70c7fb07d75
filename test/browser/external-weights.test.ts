// Model weights handed to onnxruntime-web as external data (src/encoders/external-weights.ts), in the real
// ORT WASM build: the session answers exactly as the same model with its weights inline.
import { InferenceSession, Tensor } from 'onnxruntime-web/webgpu';
import { describe, expect, it } from 'vitest';
import { externaliseWeights, WEIGHTS_FILE } from '../../src/encoders/external-weights';
import { configureRuntime } from '../../src/encoders/runtime';

const fixture = async (path: string) =>
  new Uint8Array(await (await fetch(`/test/fixtures/models/trove-fixtures/${path}`)).arrayBuffer());

describe('weights as external data', () => {
  it('gives the same outputs as the model with its weights inline', async () => {
    configureRuntime('wasm');
    const model = await fixture('text-embedder/onnx/model.onnx');
    const graph = externaliseWeights(model, 64);
    expect(graph).not.toBeNull();
    expect(graph!.length).toBeLessThan(model.length / 2);
    // An externalData option of its own (even empty) makes the app's wrapper (lean-sessions.ts) step aside.
    const inline = await InferenceSession.create(model, { externalData: [] });
    const external = await InferenceSession.create(graph!, {
      externalData: [{ path: WEIGHTS_FILE, data: model }],
    });
    const ids = [0, 1, 1, 0, 1];
    const feeds: Record<string, Tensor> = {};
    for (const name of inline.inputNames)
      feeds[name] = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
    const [a, b] = [await inline.run(feeds), await external.run(feeds)];
    for (const name of inline.outputNames) {
      const x = Array.from(a[name]!.data as Float32Array);
      expect(x.some((v) => v !== 0)).toBe(true);
      expect(Array.from(b[name]!.data as Float32Array)).toEqual(x);
    }
    await inline.release();
    await external.release();
  });

  it('applies to the fixture models whose loading the other browser tests exercise', async () => {
    // Whisper's decoder and Florence-2's token embeddings have initializers over the 1 KB threshold, so the
    // transcription and caption tests load them through the external-data path.
    expect(externaliseWeights(await fixture('whisper/onnx/decoder_model_merged.onnx'))).not.toBeNull();
    expect(externaliseWeights(await fixture('florence/onnx/embed_tokens.onnx'))).not.toBeNull();
  });
});
