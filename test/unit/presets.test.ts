// The model presets of Settings (src/models/presets.ts): what each does to the running configuration when laid
// over the shipped models.json as the saved override, and that every model a preset can select asks only for
// files the recorded Hub listings have (src/models/hub-manifest.json), as the shipped models.json must.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateModelsConfig, type ModelsOverride } from '../../src/models/config';
import { applyOverride } from '../../src/models/override';
import {
  PRESETS,
  overrideWithPreset,
  presetById,
  presetOfOverride,
  presetRoles,
} from '../../src/models/presets';
import { missingFiles, ROLE_LOADING, type HubManifestLike } from '../../src/models/required-files';
import manifestJson from '../../src/models/hub-manifest.json';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));
const manifest = manifestJson as unknown as HubManifestLike & {
  models: Record<string, { dim: number | null; revision: string }>;
};

/** The configuration Trove starts with when `override` is saved. */
function started(override: ModelsOverride | null) {
  const applied = applyOverride(shipped, override);
  expect(applied.dropped).toEqual([]);
  return applied.config;
}

describe('choosing a preset', () => {
  it('Balanced is the deployment default: no encoder role is overridden', () => {
    expect(overrideWithPreset(null, presetById('balanced'))).toBeNull();
    expect(started(overrideWithPreset(null, presetById('balanced')))).toEqual(shipped);
  });

  it('Fast runs all-MiniLM-L6-v2 for text, without e5 prefixes or e5 revision, and leaves the other roles', () => {
    const config = started(overrideWithPreset(null, presetById('fast')));
    expect(config.roles.text).toEqual({
      model: 'Xenova/all-MiniLM-L6-v2',
      dtype: { webgpu: 'fp16', wasm: 'q8' },
      dim: 384,
      prefixes: {},
    });
    for (const role of ['clip', 'clap', 'speech', 'caption'] as const)
      expect(config.roles[role], role).toEqual(shipped.roles[role]);
  });

  it('sets each preset role whole, whatever the saved override had for it', () => {
    const saved: ModelsOverride = {
      roles: { text: { model: 'someone/else', dim: 768, prefixes: { query: 'q: ' } } },
    };
    expect(overrideWithPreset(saved, presetById('fast'))?.roles?.text).toEqual(presetById('fast').roles.text);
  });

  it('keeps the rest of the saved override: captions, the answer model, roles no preset sets', () => {
    const saved: ModelsOverride = {
      captions: { enabled: true },
      llm: { models: ['Qwen2.5-0.5B-Instruct'] },
      roles: { clap: { dtype: { wasm: 'fp32' } } as never, clip: { dtype: { wasm: 'fp32' } } as never },
    };
    const fast = overrideWithPreset(saved, presetById('fast'))!;
    expect(fast.captions).toEqual({ enabled: true });
    expect(fast.llm).toEqual({ models: ['Qwen2.5-0.5B-Instruct'] });
    expect(fast.roles?.clap).toEqual({ dtype: { wasm: 'fp32' } });
    // clip is a preset role: Fast leaves it to models.json, so a hand-made clip override goes.
    expect(fast.roles?.clip).toBeUndefined();
    // And back to Balanced: the text override Fast made is removed too.
    const balanced = overrideWithPreset(fast, presetById('balanced'))!;
    expect(balanced.roles).toEqual({ clap: { dtype: { wasm: 'fp32' } } });
  });

  it('is recognised again from the saved override, and any other override is "custom"', () => {
    for (const p of PRESETS) expect(presetOfOverride(overrideWithPreset(null, p))).toBe(p.id);
    expect(presetOfOverride(null)).toBe('balanced');
    expect(presetOfOverride({ captions: { enabled: true } })).toBe('balanced');
    expect(presetOfOverride({ roles: { text: { model: 'someone/else' } } })).toBe('custom');
  });
});

describe('the models presets select', () => {
  const available = PRESETS.filter((p) => !p.unavailable);
  const cases = available.flatMap((p) =>
    presetRoles.flatMap((role) => (p.roles[role] ? [[p.id, role, p.roles[role]!] as const] : [])),
  );

  it('include at least one model besides the defaults', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s / %s asks only for files the Hub really has', (_id, role, rc) => {
    expect(missingFiles({ model: rc.model, ...ROLE_LOADING[role]!, dtype: rc.dtype }, manifest)).toEqual([]);
  });

  it.each(cases)('%s / %s states the dimension and pin the recorded listing gives', (_id, role, rc) => {
    const entry = manifest.models[rc.model]!;
    if (role !== 'speech') expect(rc.dim).toBe(entry.dim);
    // A pin only where the listing recorded a full commit (as shipped-models.test.ts asks of models.json).
    if (/^[0-9a-f]{40}$/.test(entry.revision)) expect(rc.revision).toBe(entry.revision);
    else expect(rc.revision).toBeUndefined();
  });

  it('an unavailable preset says why, and names a model whose files are not recorded', () => {
    for (const p of PRESETS.filter((x) => x.unavailable)) {
      expect(p.unavailable).toMatch(/\w/);
      // When its listing is recorded, this fails: then check its files as above and make it available.
      for (const rc of Object.values(p.roles)) expect(manifest.models[rc.model], rc.model).toBeUndefined();
    }
  });
});
