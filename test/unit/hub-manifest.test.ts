// The real models cannot be downloaded here, so this checks settings against the recorded Hub listings
// (src/models/hub-manifest.json), and checks the file list itself against what the installed
// transformers.js really requests: its fetch is replaced by a recorder that answers 404, so nothing
// leaves the machine and no model is loaded.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AutoModel,
  AutoProcessor,
  AutoTokenizer,
  ClapAudioModelWithProjection,
  ClapTextModelWithProjection,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  Florence2ForConditionalGeneration,
  ModelRegistry,
  WhisperForConditionalGeneration,
  env,
} from '@huggingface/transformers';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import manifestJson from '../../src/models/hub-manifest.json';
import {
  DTYPE_SUFFIX,
  ROLE_LOADING,
  downloadBytes,
  dtypesInListing,
  missingFiles,
  requiredFiles,
  shownToBytes,
  type Device,
  type HubManifestLike,
  type RoleModel,
} from '../../src/models/required-files';

const manifest = manifestJson as unknown as HubManifestLike & {
  models: Record<
    string,
    { status: string; role: string; dim: number | null; facts: Record<string, unknown> }
  >;
  webllm: { version: string; models: Record<string, unknown>[] };
};
const devices: Device[] = ['webgpu', 'wasm'];

// The recommended settings per role. The lead's src/models/config.ts will replace these with the shipped
// models.json; until then they are what this listing supports.
const recommended: Record<string, RoleModel> = {
  clip: {
    model: 'Xenova/clip-vit-base-patch32',
    ...ROLE_LOADING.clip!,
    dtype: { webgpu: 'fp32', wasm: 'q8' },
  },
  clap: { model: 'Xenova/clap-htsat-unfused', ...ROLE_LOADING.clap!, dtype: { webgpu: 'fp32', wasm: 'q8' } },
  text: {
    model: 'Xenova/multilingual-e5-small',
    ...ROLE_LOADING.text!,
    dtype: { webgpu: 'fp32', wasm: 'q8' },
  },
  speech: { model: 'Xenova/whisper-base', ...ROLE_LOADING.speech!, dtype: { webgpu: 'fp32', wasm: 'q8' } },
  caption: {
    model: 'onnx-community/Florence-2-base-ft',
    ...ROLE_LOADING.caption!,
    dtype: { webgpu: 'q8', wasm: 'q8' },
  },
};

// ---- recording what transformers.js fetches -------------------------------------------------------

let requested: string[] = [];
beforeAll(() => {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.remoteHost = 'https://hub.invalid/';
  env.fetch = (async (url: string | URL) => {
    const path = String(url).replace(/^https:\/\/hub\.invalid\/[^/]+\/[^/]+\/resolve\/main\//, '');
    requested.push(path);
    // The tokenizer loader first probes tokenizer_config.json and only then asks for the files.
    if (path === 'tokenizer_config.json') return new Response('{}', { status: 200 });
    return new Response('not here', { status: 404 });
  }) as typeof fetch;
});

async function record(load: () => Promise<unknown>): Promise<string[]> {
  requested = [];
  await load().catch(() => undefined);
  // Sessions and optional configs are requested in parallel; wait until no new request arrives.
  for (let n = -1; n !== requested.length;) {
    n = requested.length;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [...new Set(requested)].sort();
}

interface Loadable {
  from_pretrained(id: string, options: object): Promise<unknown>;
}
const modelClasses: Record<string, Record<string, Loadable>> = {
  clip: { text_model: CLIPTextModelWithProjection, vision_model: CLIPVisionModelWithProjection },
  clap: { text_model: ClapTextModelWithProjection, audio_model: ClapAudioModelWithProjection },
  text: { model: AutoModel },
  speech: { encoder_model: WhisperForConditionalGeneration },
  caption: { decoder_model_merged: Florence2ForConditionalGeneration },
};

/** Everything transformers.js requests to load `role` the way the encoders do, config.json aside. */
async function recordRole(roleName: string, role: RoleModel, device: Device): Promise<string[]> {
  const facts = manifest.models[role.model]!.facts;
  // Which sessions an image-text-to-text model opens depends on is_encoder_decoder (Florence-2 has an
  // encoder_model), and its config needs the text_config the normalised config is read from.
  const config = {
    architectures: facts.architectures,
    model_type: facts.model_type,
    ...(facts.is_encoder_decoder ? { is_encoder_decoder: true, text_config: facts.text_config } : {}),
  };
  const files = new Set<string>();
  for (const cls of Object.values(modelClasses[roleName]!)) {
    // Node has no webgpu device; the dtype alone picks the file, so load on cpu with the device's dtype.
    const seen = await record(() =>
      cls.from_pretrained(role.model, { config, dtype: role.dtype[device], device: 'cpu' }),
    );
    seen.forEach((f) => files.add(f));
  }
  if (role.needs.includes('tokenizer'))
    (await record(() => AutoTokenizer.from_pretrained(role.model))).forEach((f) => files.add(f));
  if (role.needs.includes('processor'))
    (await record(() => AutoProcessor.from_pretrained(role.model))).forEach((f) => files.add(f));
  return [...files].sort();
}

describe('required files match what transformers.js 4.3.1 fetches', () => {
  it('maps every dtype to the file suffix the installed transformers.js uses', async () => {
    const config = { architectures: ['BertModel'], model_type: 'bert' };
    for (const [dtype, suffix] of Object.entries(DTYPE_SUFFIX)) {
      const files = await ModelRegistry.get_model_files('any/bert', {
        config,
        dtype,
        device: 'wasm',
      } as never);
      expect(files, dtype).toContain(`onnx/model${suffix}.onnx`);
    }
  });

  it('shows why the check is needed: transformers.js silently swaps an unknown dtype for the default', async () => {
    const config = { architectures: ['BertModel'], model_type: 'bert' };
    const files = await ModelRegistry.get_model_files('any/bert', {
      config,
      dtype: 'q8f16',
      device: 'wasm',
    } as never);
    expect(files).toContain('onnx/model_quantized.onnx');
  });

  it('always loads config.json first', async () => {
    const seen = await record(() =>
      AutoModel.from_pretrained('Xenova/multilingual-e5-small', { dtype: 'q8' }),
    );
    expect(seen).toEqual(['config.json']);
  });

  for (const [roleName, role] of Object.entries(recommended)) {
    for (const device of devices) {
      it(`${roleName} on ${device}`, async () => {
        const expected = requiredFiles(role, device).filter((f) => f !== 'config.json');
        expect(await recordRole(roleName, role, device)).toEqual(expected);
      });
    }
  }

  it('asks for a per-sub-model dtype map file by file, as transformers.js does', async () => {
    const role: RoleModel = {
      ...recommended.speech!,
      dtype: { webgpu: { encoder_model: 'fp32', decoder_model_merged: 'q8' }, wasm: 'q8' },
    };
    expect(await recordRole('speech', role, 'webgpu')).toEqual(
      requiredFiles(role, 'webgpu').filter((f) => f !== 'config.json'),
    );
  });

  it('names external data chunks the way transformers.js does', async () => {
    const role: RoleModel = { ...recommended.text!, externalData: { 'model.onnx': 2 } };
    const config = {
      architectures: ['BertModel'],
      model_type: 'bert',
      'transformers.js_config': { use_external_data_format: { 'model.onnx': 2 } },
    };
    const theirs = await ModelRegistry.get_model_files(role.model, {
      config,
      dtype: 'fp32',
      device: 'webgpu',
    } as never);
    expect(requiredFiles(role, 'webgpu').filter((f) => f.startsWith('onnx/'))).toEqual(
      theirs.filter((f: string) => f.startsWith('onnx/')).sort(),
    );
  });
});

describe('the recorded Hub listings', () => {
  it('convert every shown size to bytes consistently', () => {
    for (const [id, m] of Object.entries(manifest.models)) {
      for (const f of [...(m.rootFiles ?? []), ...m.onnxFiles])
        expect(f.bytes, `${id} ${f.path}`).toBe(shownToBytes(f.shown));
    }
  });

  it("derive each model's dtype map from its ONNX file names", () => {
    for (const [id, m] of Object.entries(manifest.models))
      expect(m.dtypes, id).toEqual(dtypesInListing(m.onnxFiles));
  });

  it('record a vector dimension that matches the model config', () => {
    for (const [id, m] of Object.entries(manifest.models)) {
      const fromConfig = m.facts.projection_dim ?? m.facts.hidden_size;
      if (m.role === 'speech' || m.role === 'caption') expect(m.dim, id).toBeNull();
      else if (fromConfig !== undefined) expect(m.dim, id).toBe(fromConfig);
      else expect(m.dim, id).toBeGreaterThan(0);
    }
  });

  for (const [roleName, role] of Object.entries(recommended)) {
    it(`hold every file the recommended ${roleName} setting needs, on both devices`, () => {
      expect(missingFiles(role, manifest)).toEqual([]);
      expect(manifest.models[role.model]!.role).toBe(roleName);
    });
  }

  it('give the download size of a setting from the listed files', () => {
    const clip = manifest.models['Xenova/clip-vit-base-patch32']!;
    const bytes = (p: string) => [...clip.rootFiles!, ...clip.onnxFiles].find((f) => f.path === p)!.bytes;
    const wasmFiles = [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'preprocessor_config.json',
      'onnx/text_model_quantized.onnx',
      'onnx/vision_model_quantized.onnx',
    ];
    expect(downloadBytes(recommended.clip!, 'wasm', manifest)).toBe(
      wasmFiles.reduce((s, p) => s + bytes(p), 0),
    );
  });
});

describe('a wrong setting is reported', () => {
  const clip = recommended.clip!;

  it("a typo'd dtype", () => {
    const problems = missingFiles({ ...clip, dtype: { webgpu: 'fp32', wasm: 'q8f16' } }, manifest);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/"q8f16" for text_model on wasm is not a transformers\.js 4\.3\.1 dtype/);
  });

  it('"auto", which names no file until load time', () => {
    expect(missingFiles({ ...clip, dtype: { webgpu: 'auto', wasm: 'q8' } }, manifest)[0]).toMatch(/"auto"/);
  });

  it('a real dtype the repo has no file for', () => {
    expect(missingFiles({ ...clip, dtype: { webgpu: 'q4f16', wasm: 'q8' } }, manifest)).toEqual([
      'onnx/text_model_q4f16.onnx',
      'onnx/vision_model_q4f16.onnx',
    ]);
  });

  it('a sub-model name that is not in the repo', () => {
    expect(missingFiles({ ...clip, subModels: ['text_model', 'image_model'] }, manifest)).toEqual([
      'onnx/image_model.onnx',
      'onnx/image_model_quantized.onnx',
    ]);
  });

  it('a dtype map that leaves a sub-model out', () => {
    const speech = { ...recommended.speech!, dtype: { webgpu: { encoder_model: 'fp32' }, wasm: 'q8' } };
    expect(missingFiles(speech, manifest)[0]).toMatch(/undefined for decoder_model_merged on webgpu/);
  });

  it('a config file the model does not have', () => {
    expect(missingFiles({ ...clip, needs: [...clip.needs, 'generation'] }, manifest)).toEqual([
      'generation_config.json',
    ]);
  });

  it('a model that is not recorded, or whose root listing was not found', () => {
    expect(missingFiles({ ...clip, model: 'Xenova/clip-vit-base-patch23' }, manifest)).toEqual([
      'Xenova/clip-vit-base-patch23: not in the hub manifest',
    ]);
    const paraphrase = { ...recommended.text!, model: 'Xenova/paraphrase-multilingual-MiniLM-L12-v2' };
    expect(missingFiles(paraphrase, manifest)).toEqual([
      'config.json (root listing not recorded)',
      'tokenizer.json (root listing not recorded)',
      'tokenizer_config.json (root listing not recorded)',
    ]);
  });
});

describe('WebLLM answer models', () => {
  it('match the prebuilt list of the installed @mlc-ai/web-llm', async () => {
    const pkg = JSON.parse(readFileSync('node_modules/@mlc-ai/web-llm/package.json', 'utf8')) as {
      version: string;
    };
    expect(manifest.webllm.version).toBe(pkg.version);
    for (const recordedModel of manifest.webllm.models) {
      const r = prebuiltAppConfig.model_list.find((m) => m.model_id === recordedModel.model_id);
      expect(r, String(recordedModel.model_id)).toBeDefined();
      expect({
        model_id: r!.model_id,
        model: r!.model,
        model_lib: r!.model_lib,
        vram_required_MB: r!.vram_required_MB,
        low_resource_required: r!.low_resource_required,
        required_features: r!.required_features ?? [],
        context_window_size: r!.overrides?.context_window_size,
      }).toEqual(recordedModel);
    }
    expect(manifest.webllm.models.map((m) => m.model_id)).toEqual([
      'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
      'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
      'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
      'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    ]);
  });
});
