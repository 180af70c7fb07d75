// The shipped models.json can't be loaded here (no Hub access), so it is checked against the Hub file
// listings recorded in src/models/hub-manifest.json: every file it would request must exist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configuredRoles, validateModelsConfig } from '../../src/models/config';
import { missingFiles, ROLE_LOADING, type HubManifestLike } from '../../src/models/required-files';
import manifest from '../../src/models/hub-manifest.json';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));

describe('the shipped models.json', () => {
  it.each(configuredRoles(shipped))('asks only for files the Hub really has: %s', (role) => {
    const rc = shipped.roles[role]!;
    const missing = missingFiles(
      { model: rc.model, ...ROLE_LOADING[role]!, dtype: rc.dtype },
      manifest as HubManifestLike,
    );
    expect(missing).toEqual([]);
  });

  it('states the dimension the Hub config gives', () => {
    const models = (manifest as unknown as { models: Record<string, { dim?: number }> }).models;
    for (const role of ['clip', 'clap', 'text'] as const) {
      expect(shipped.roles[role].dim, role).toBe(models[shipped.roles[role].model]?.dim);
    }
  });

  it('pins each role to the commit its files were recorded at, where the manifest has a full commit', () => {
    const models = (manifest as unknown as { models: Record<string, { revision: string }> }).models;
    const unpinned: string[] = [];
    for (const role of configuredRoles(shipped)) {
      const rc = shipped.roles[role]!;
      const recorded = models[rc.model]!.revision;
      if (/^[0-9a-f]{40}$/.test(recorded)) expect(rc.revision, role).toBe(recorded);
      else {
        // Only a short hash was recorded: not a pin (a prefix can be made ambiguous), so the role stays on main.
        expect(rc.revision, role).toBeUndefined();
        unpinned.push(role);
      }
    }
    expect(unpinned).toEqual(['clap']);
  });

  it('would catch a typo in a model id or a dtype', () => {
    const rc = shipped.roles.clip;
    const typo = { model: 'Xenova/clip-vit-base-patch23', ...ROLE_LOADING.clip!, dtype: rc.dtype };
    expect(missingFiles(typo, manifest as HubManifestLike)).not.toEqual([]);
    const badDtype = { model: rc.model, ...ROLE_LOADING.clip!, dtype: { ...rc.dtype, wasm: 'q4' } };
    expect(missingFiles(badDtype, manifest as HubManifestLike).join('\n')).toMatch(/q4/);
  });
});
