import type { ModelsConfig } from '../../src/models/config';
import type { CaptionSettings } from '../../src/models/caption-config';

/**
 * models.json for the fixture world, with the model folder served at `host` (flat layout). The fixture
 * captioner is configured but captions stay off, as in the shipped models.json, unless `captions` turns
 * them on.
 */
export function fixtureModelsConfig(
  host: string,
  captions: CaptionSettings = { enabled: false },
): ModelsConfig {
  const fp32 = { webgpu: 'fp32', wasm: 'fp32' } as const;
  return {
    host,
    layout: 'flat',
    roles: {
      clip: { model: 'trove-fixtures/clip', dtype: fp32, dim: 32 },
      clap: { model: 'trove-fixtures/clap', dtype: fp32, dim: 24 },
      text: { model: 'trove-fixtures/text-embedder', dtype: fp32, dim: 16 },
      speech: { model: 'trove-fixtures/whisper', dtype: fp32 },
      caption: { model: 'trove-fixtures/florence', dtype: fp32 },
    },
    captions,
  };
}

/**
 * models.json for the cone world (scripts/fixtures/world.ts, `coneModels`): its own CLIP, CLAP and text
 * embedder, in other dimensions and in a cone; speech and captions are the fixture world's.
 */
export function coneModelsConfig(host: string): ModelsConfig {
  const fixture = fixtureModelsConfig(host);
  const fp32 = { webgpu: 'fp32', wasm: 'fp32' } as const;
  return {
    ...fixture,
    roles: {
      ...fixture.roles,
      clip: { model: 'trove-cone/clip', dtype: fp32, dim: 64 },
      clap: { model: 'trove-cone/clap', dtype: fp32, dim: 48 },
      text: { model: 'trove-cone/text-embedder', dtype: fp32, dim: 32 },
    },
  };
}
