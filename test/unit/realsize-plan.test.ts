// The real-size model world (scripts/realsize) is too big for CI, so its harness is checked here without
// it: the file plan the Python generators write must be what transformers.js asks for and what the Hub
// repos hold, and the models.json written for the folder must make the app fetch those very paths.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  configuredRoles,
  modelFileUrl,
  validateModelsConfig,
  type ModelsConfig,
} from '../../src/models/config';
import {
  DTYPE_SUFFIX,
  ROLE_LOADING,
  requiredFiles,
  type Device,
  type HubManifestLike,
} from '../../src/models/required-files';
import hubJson from '../../src/models/hub-manifest.json';
import { CANDIDATES } from '../../scripts/realsize/candidates';
import {
  GENERATED_CANDIDATES,
  GENERATED_MODELS,
  RealsizePlanError,
  candidatePlan,
  realsizeModelsConfig,
  realsizePlan,
  sizeReport,
} from '../../scripts/realsize/plan';

const hub = hubJson as unknown as HubManifestLike;
const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));
const plan = realsizePlan(shipped, hub);
const HOST = 'http://localhost:4180/';

describe('the real-size plan for the shipped models.json', () => {
  it('has every configured role, under its Hub id', () => {
    expect(plan.models.map((m) => m.role)).toEqual(configuredRoles(shipped));
    for (const m of plan.models) expect(m.model).toBe(shipped.roles[m.role]?.model);
  });

  it.each(configuredRoles(shipped))(
    'holds every file transformers.js fetches for %s, on each device',
    (role) => {
      const rc = shipped.roles[role]!;
      const entry = plan.models.find((m) => m.role === role)!;
      for (const device of Object.keys(rc.dtype) as Device[]) {
        const needed = requiredFiles({ model: rc.model, ...ROLE_LOADING[role]!, dtype: rc.dtype }, device);
        expect(entry.files, device).toEqual(expect.arrayContaining(needed));
      }
    },
  );

  it('mirrors the fp32, fp16 and q8 files the Hub lists, and no file the Hub lacks', () => {
    for (const entry of plan.models) {
      const listing = hub.models[entry.model]!;
      const onHub = new Set([...(listing.rootFiles ?? []), ...listing.onnxFiles].map((f) => f.path));
      const unlisted = entry.files.filter(
        (f) => !onHub.has(f) && (f.startsWith('onnx/') || listing.rootFiles),
      );
      expect(unlisted, entry.model).toEqual([]);
      for (const sub of entry.subModels) {
        const mirrored = (['fp32', 'fp16', 'q8'] as const).filter((d) => listing.dtypes[sub]?.includes(d));
        for (const d of mirrored)
          expect(entry.files, entry.model).toContain(`onnx/${sub}${DTYPE_SUFFIX[d]}.onnx`);
      }
    }
  });

  it('refuses a dtype the Hub repo lacks, naming the role', () => {
    const q4 = structuredClone(shipped);
    q4.roles.clip.dtype.wasm = 'q4';
    expect(() => realsizePlan(q4, hub)).toThrow(RealsizePlanError);
    expect(() => realsizePlan(q4, hub)).toThrow(/clip: .*q4/);
  });

  it('has a Python generator for exactly the models the make script says it has', () => {
    const source = readFileSync('scripts/realsize/python/generate.py', 'utf8');
    const builders = [...source.matchAll(/^\s+"([\w.-]+\/[\w.-]+)": .+,$/gm)].map((m) => m[1]);
    expect(builders.sort()).toEqual([...GENERATED_MODELS, ...GENERATED_CANDIDATES].sort());
    for (const id of GENERATED_MODELS) expect(plan.models.map((m) => m.model)).toContain(id);
    // Every candidate of the presets' cost table has one too.
    for (const c of CANDIDATES) expect(GENERATED_CANDIDATES, c.model).toContain(c.model);
  });

  it("plans Florence-2's four graphs in q8, as the app loads them, and in fp32 (vision also fp16)", () => {
    const florence = plan.models.find((m) => m.role === 'caption')!;
    expect(florence.model).toBe('onnx-community/Florence-2-base-ft');
    expect(florence.dtypes).toEqual({
      embed_tokens: ['fp32', 'q8'],
      vision_encoder: ['fp16', 'fp32', 'q8'],
      encoder_model: ['fp32', 'q8'],
      decoder_model_merged: ['fp32', 'q8'],
    });
    expect(florence.files).toEqual(
      expect.arrayContaining(['generation_config.json', 'preprocessor_config.json', 'tokenizer.json']),
    );
  });

  it('sets each planned file beside the size the Hub shows for it', () => {
    const clip = plan.models.find((m) => m.role === 'clip')!;
    const rows = sizeReport(clip, hub, (f) => f.length);
    expect(rows.find((r) => r.file === 'onnx/vision_model_quantized.onnx')).toEqual({
      file: 'onnx/vision_model_quantized.onnx',
      bytes: 'onnx/vision_model_quantized.onnx'.length,
      hubShown: '89.1 MB',
      hubBytes: 89_100_000,
    });
  });
});

describe("the presets' candidates", () => {
  const candidates = candidatePlan(CANDIDATES, hub);

  it("are planned in their role's layout, in the dtypes the recorded listing has (all three when unrecorded)", () => {
    const minilm = candidates.models.find((m) => m.model === 'Xenova/all-MiniLM-L6-v2')!;
    expect(minilm.files).toEqual([
      'config.json',
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const siglip = candidates.models.find((m) => m.model.startsWith('onnx-community/siglip2'))!;
    expect(siglip.dtypes).toEqual({
      text_model: ['fp16', 'fp32', 'q8'],
      vision_model: ['fp16', 'fp32', 'q8'],
    });
    expect(siglip.files).toContain('preprocessor_config.json');
    const moonshine = candidates.models.find((m) => m.role === 'speech')!;
    expect(moonshine.files).toContain('generation_config.json');
    expect(moonshine.subModels).toEqual(['encoder_model', 'decoder_model_merged']);
  });
});

describe('models.json for a real-size folder', () => {
  const config = realsizeModelsConfig(shipped, HOST);

  it('is valid and differs from the shipped one only in where the files come from', () => {
    expect(validateModelsConfig(structuredClone(config))).toEqual(config);
    expect(config.host).toBe(HOST);
    expect(config.layout).toBe('flat');
    for (const role of configuredRoles(shipped)) {
      const { host: _h, layout: _l, ...want } = shipped.roles[role]!;
      expect(config.roles[role], role).toEqual(want);
    }
  });

  it('makes the app fetch <host>/<owner>/<name>/<file>, where the generators write each file', () => {
    for (const entry of plan.models) {
      for (const file of entry.files) {
        expect(modelFileUrl(config, entry.role, file, 'http://app.test/')).toBe(
          `${HOST}${entry.model}/${file}`,
        );
      }
    }
  });

  it('moves a role with a host of its own into the folder too', () => {
    const elsewhere: ModelsConfig = structuredClone(shipped);
    elsewhere.roles.text = { ...elsewhere.roles.text, host: 'https://models.example/', layout: 'hub' };
    const moved = realsizeModelsConfig(elsewhere, HOST);
    expect(modelFileUrl(moved, 'text', 'config.json', 'http://app.test/')).toBe(
      `${HOST}${shipped.roles.text.model}/config.json`,
    );
  });

  it('keeps the caption model when the folder has it, with captions and reading text still off', () => {
    expect(config.roles.caption?.model).toBe('onnx-community/Florence-2-base-ft');
    expect(config.captions?.enabled).toBe(false);
    expect(config.captions?.ocr ?? false).toBe(false);
  });

  it('leaves out a caption model the folder lacks, with captions off, and refuses to lack a required role', () => {
    const withCaptions: ModelsConfig = { ...structuredClone(shipped), captions: { enabled: true } };
    const present = configuredRoles(shipped).filter((r) => r !== 'caption');
    const out = realsizeModelsConfig(withCaptions, HOST, present);
    expect(out.roles.caption).toBeUndefined();
    expect(out.captions?.enabled).toBe(false);
    expect(() => validateModelsConfig(structuredClone(out))).not.toThrow();
    expect(() => realsizeModelsConfig(shipped, HOST, ['clip', 'clap', 'text'])).toThrow(/speech/);
  });
});
