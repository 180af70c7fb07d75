// Settings' view of the answer models in Cache Storage, with entries laid out the way WebLLM stores
// them (no real weights can be downloaded here, so small stand-in bodies under the real URLs).
import { afterAll, describe, expect, it } from 'vitest';
import {
  answerModelCandidates,
  deleteCachedAnswerModel,
  listCachedAnswerModels,
} from '../../src/answer/llm-cache';

const config = {
  host: 'http://127.0.0.1:47411/llm',
  models: ['Qwen2.5-1.5B-Instruct', 'Qwen2.5-0.5B-Instruct'],
};

afterAll(async () => {
  for (const name of ['webllm/model', 'webllm/config', 'webllm/wasm']) await caches.delete(name);
});

describe('cached answer models', () => {
  it('lists each downloaded model with its size, and deletes one without touching the others', async () => {
    const candidates = await answerModelCandidates(config);
    const [big, , small] = candidates;
    const put = async (cache: string, url: string, bytes: number) =>
      (await caches.open(cache)).put(url, new Response(new Uint8Array(bytes)));
    await put('webllm/config', `${big!.record.model}/resolve/main/mlc-chat-config.json`, 100);
    await put('webllm/model', `${big!.record.model}/resolve/main/params_shard_0.bin`, 5000);
    await put('webllm/model', `${big!.record.model}/resolve/main/tokenizer.json`, 300);
    await put('webllm/wasm', big!.record.model_lib, 700);
    await put('webllm/model', `${small!.record.model}/resolve/main/params_shard_0.bin`, 2000);
    // Another model whose id starts the same must not be counted as part of this one.
    await put('webllm/model', `${big!.record.model}-other/resolve/main/params_shard_0.bin`, 9);

    expect(await listCachedAnswerModels(candidates)).toEqual([
      { id: big!.id, files: 4, bytes: 6100 },
      { id: small!.id, files: 1, bytes: 2000 },
    ]);
    expect(await deleteCachedAnswerModel(big!)).toBe(4);
    expect(await listCachedAnswerModels(candidates)).toEqual([{ id: small!.id, files: 1, bytes: 2000 }]);
  });
});
