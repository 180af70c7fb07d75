import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import {
  chooseModel,
  llmFileHashes,
  llmOrigins,
  resolveCandidates,
  type GpuFacts,
} from '../../src/answer/choose-model';
import { mergeOverride, validateModelsConfig } from '../../src/models/config';
import {
  DEFAULT_LLM_CONFIG,
  llmFolders,
  WEBLLM_LIBS_URL,
  WEBLLM_WEIGHTS_URL,
  type LlmConfig,
} from '../../src/models/llm-config';

const prebuilt = prebuiltAppConfig.model_list;
const app = 'https://trove.example/app/';
const defaults = resolveCandidates(DEFAULT_LLM_CONFIG, prebuilt, app);
const gpu = (facts: Partial<GpuFacts>): GpuFacts => ({
  shaderF16: true,
  maxBufferSize: 2 ** 31,
  adapter: 'test GPU',
  ...facts,
});
const pick = (facts: Partial<GpuFacts>, choice?: string) => chooseModel(defaults, gpu(facts), choice);

describe('answer model candidates', () => {
  it("expands the default families into WebLLM 0.2.86's Qwen2.5 builds, largest first", () => {
    expect(defaults.map((c) => [c.id, Math.round(c.vramMB), c.needsShaderF16, c.contextWindow])).toEqual([
      ['Qwen2.5-1.5B-Instruct-q4f16_1-MLC', 1630, true, 4096],
      ['Qwen2.5-1.5B-Instruct-q4f32_1-MLC', 1889, false, 4096],
      ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC', 945, true, 4096],
      ['Qwen2.5-0.5B-Instruct-q4f32_1-MLC', 1060, false, 4096],
    ]);
    // WebLLM's records don't declare shader-f16, which is why the check is ours.
    expect(defaults.every((c) => c.record.required_features === undefined)).toBe(true);
    expect(llmOrigins(defaults).sort()).toEqual([
      'https://huggingface.co',
      'https://raw.githubusercontent.com',
    ]);
  });

  it('points weights and model libraries at a self-hosted folder, so nothing comes from GitHub or the Hub', () => {
    const selfHosted = resolveCandidates(
      { ...DEFAULT_LLM_CONFIG, host: 'https://models.example/llm' },
      prebuilt,
      app,
    );
    expect(selfHosted[0]!.record.model).toBe(
      'https://models.example/llm/mlc-ai/Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
    );
    expect(selfHosted[0]!.record.model_lib).toBe(
      'https://models.example/llm/libs/Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
    );
    expect(llmOrigins(selfHosted)).toEqual(['https://models.example']);

    const split = resolveCandidates(
      { ...DEFAULT_LLM_CONFIG, host: 'llm', libHost: 'https://cdn.example/wasm/' },
      prebuilt,
      app,
    );
    expect(split[3]!.record.model).toBe(
      'https://trove.example/app/llm/mlc-ai/Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    );
    expect(split[3]!.record.model_lib).toBe(
      'https://cdn.example/wasm/Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
    );
    expect(llmOrigins(split).sort()).toEqual(['https://cdn.example', 'https://trove.example']);
  });

  it("knows where WebLLM's own records point, and which folders replace them", () => {
    for (const c of defaults) {
      expect(c.record.model.startsWith(WEBLLM_WEIGHTS_URL)).toBe(true);
      expect(c.record.model_lib.startsWith(WEBLLM_LIBS_URL)).toBe(true);
    }
    expect(llmFolders(DEFAULT_LLM_CONFIG, app)).toEqual({ weights: null, libs: null });
    expect(llmFolders({ ...DEFAULT_LLM_CONFIG, host: 'llm' }, app)).toEqual({
      weights: 'https://trove.example/app/llm/',
      libs: 'https://trove.example/app/llm/libs/',
    });
    expect(llmFolders({ ...DEFAULT_LLM_CONFIG, libHost: '/wasm' }, app)).toEqual({
      weights: null,
      libs: 'https://trove.example/wasm/',
    });
  });

  it('pins weights and GitHub libraries to the configured revisions, and keys file digests by URL', () => {
    const lib = 'Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm';
    const [c] = resolveCandidates(
      {
        host: 'hub',
        models: ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC'],
        revision: 'w123',
        libRevision: 'l456',
        sha256: {
          [lib]: 'AA'.repeat(32),
          'Qwen2.5-0.5B-Instruct-q4f16_1-MLC/mlc-chat-config.json': 'bb'.repeat(32),
          'Qwen2.5-1.5B-Instruct-q4f16_1-MLC/mlc-chat-config.json': 'cc'.repeat(32),
        },
      },
      prebuilt,
      app,
    );
    expect(c!.record.model).toBe(
      'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/w123/',
    );
    expect(c!.record.model_lib).toBe(
      `https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/l456/web-llm-models/v0_2_86/base/${lib}`,
    );
    // Only this candidate's files; digests lowercased as the guard compares them.
    expect(llmFileHashes([c!])).toEqual({
      [c!.record.model_lib]: 'aa'.repeat(32),
      [`${c!.record.model}mlc-chat-config.json`]: 'bb'.repeat(32),
    });
    // Without a revision, WebLLM's own: the weights at resolve/main/, the libraries on the branch it names.
    const [d] = resolveCandidates(
      {
        host: 'hub',
        models: ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC'],
        sha256: { 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC/x.bin': 'dd'.repeat(32) },
      },
      prebuilt,
      app,
    );
    expect(d!.record.model_lib.startsWith(WEBLLM_LIBS_URL)).toBe(true);
    expect(Object.keys(d!.sha256)).toEqual([
      'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/x.bin',
    ]);
  });

  it('names a model that WebLLM does not ship', () => {
    expect(() => resolveCandidates({ host: 'hub', models: ['Qwen9-Instruct'] }, prebuilt, app)).toThrow(
      /"Qwen9-Instruct" is not one of WebLLM's prebuilt models \(tried Qwen9-Instruct-q4f16_1-MLC, Qwen9-Instruct-q4f32_1-MLC\)/,
    );
    const pinned = resolveCandidates(
      { host: 'hub', models: ['Qwen2.5-0.5B-Instruct-q4f32_1-MLC'] },
      prebuilt,
      app,
    );
    expect(pinned.map((c) => [c.id, c.family])).toEqual([
      ['Qwen2.5-0.5B-Instruct-q4f32_1-MLC', 'Qwen2.5-0.5B-Instruct'],
    ]);
  });
});

describe('choosing the answer model for a device', () => {
  it('runs the 1.5B model by default, q4f16 with shader-f16 and q4f32 without', () => {
    expect(pick({}).candidate.id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    const noF16 = pick({ shaderF16: false });
    expect(noF16.candidate.id).toBe('Qwen2.5-1.5B-Instruct-q4f32_1-MLC');
    expect(noF16.reason).toMatch(/lacks shader-f16/);
  });

  it('picks the 0.5B model on low-memory devices', () => {
    expect(pick({ deviceMemoryGB: 8 }).candidate.id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    expect(pick({ deviceMemoryGB: 8, shaderF16: false }).candidate.id).toBe(
      'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
    );
    // 40% of 4 GB is 1638 MB: room for the 1.5B q4f16 build (1630 MB), not the q4f32 one (1889 MB).
    expect(pick({ deviceMemoryGB: 4 }).candidate.id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    const small = pick({ deviceMemoryGB: 4, shaderF16: false });
    expect(small.candidate.id).toBe('Qwen2.5-0.5B-Instruct-q4f32_1-MLC');
    expect(small.reason).toMatch(/reports 4 GB of memory, too little for Qwen2\.5-1\.5B-Instruct \(1\.8 GB/);
    expect(pick({ deviceMemoryGB: 2 }).candidate.id).toBe('Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
    // Even when nothing fits, the smallest model is tried rather than none.
    expect(pick({ deviceMemoryGB: 0.5, shaderF16: false }).candidate.id).toBe(
      'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    );
  });

  it('picks the 0.5B model when the GPU cannot allocate 1 GiB buffers', () => {
    const r = pick({ maxBufferSize: 256 * 2 ** 20 });
    expect(r.candidate.id).toBe('Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
    expect(r.reason).toMatch(/buffers of only 256 MB/);
  });

  it("follows the user's choice in Settings, but never runs an f16 build without shader-f16", () => {
    expect(pick({ deviceMemoryGB: 8 }, 'Qwen2.5-0.5B-Instruct').candidate.id).toBe(
      'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    );
    const pinned = pick({ shaderF16: false }, 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
    expect(pinned.candidate.id).toBe('Qwen2.5-0.5B-Instruct-q4f32_1-MLC');
    expect(pinned.reason).toBe('chosen in Settings; the GPU lacks shader-f16, so a q4f32 build');
    const onlyF16 = resolveCandidates(
      { host: 'hub', models: ['Qwen2.5-1.5B-Instruct-q4f16_1-MLC'] },
      prebuilt,
      app,
    );
    expect(() => chooseModel(onlyF16, gpu({ shaderF16: false }))).toThrow(/lacks shader-f16/);
  });
});

describe('the llm section of models.json', () => {
  const shipped = JSON.parse(readFileSync('public/models.json', 'utf8')) as Record<string, unknown>;

  it('is optional, and validated when present', () => {
    expect(validateModelsConfig(shipped).llm).toEqual(shipped.llm);
    const llm: LlmConfig = {
      host: 'https://models.example/llm',
      libHost: 'https://models.example/libs',
      models: ['Qwen2.5-0.5B-Instruct'],
    };
    expect(validateModelsConfig({ ...shipped, llm }).llm).toEqual(llm);
    expect(() => validateModelsConfig({ ...shipped, llm: { host: 'hub', models: [] } })).toThrow(
      /models\.json: llm\.models must be a non-empty list/,
    );
    expect(() => validateModelsConfig({ ...shipped, llm: { host: '', models: ['x'] } })).toThrow(/llm\.host/);
    expect(() => validateModelsConfig({ ...shipped, llm: { host: 'hub', models: ['a b'] } })).toThrow(
      /llm\.models\[0\]/,
    );
    expect(() =>
      validateModelsConfig({ ...shipped, llm: { host: 'hub', models: ['x'], libHost: 3 } }),
    ).toThrow(/llm\.libHost/);
  });

  it("takes the Settings override's model choice without losing the hosts", () => {
    const base = validateModelsConfig({
      ...shipped,
      llm: { host: 'https://models.example/llm', models: ['Qwen2.5-1.5B-Instruct'] },
    });
    const merged = mergeOverride(base, { llm: { model: 'Qwen2.5-0.5B-Instruct' } });
    expect(merged.llm).toEqual({
      host: 'https://models.example/llm',
      models: ['Qwen2.5-1.5B-Instruct'],
      model: 'Qwen2.5-0.5B-Instruct',
    });
    expect(
      mergeOverride(validateModelsConfig(shipped), { llm: { model: 'Qwen2.5-0.5B-Instruct' } }).llm,
    ).toEqual({
      ...DEFAULT_LLM_CONFIG,
      model: 'Qwen2.5-0.5B-Instruct',
    });
  });
});
