import type { ModelsConfig } from '../../src/models/config';

/** models.json for the fixture world, with the model folder served at `host` (flat layout). */
export function fixtureModelsConfig(host: string): ModelsConfig {
  const fp32 = { webgpu: 'fp32', wasm: 'fp32' } as const;
  return {
    host,
    layout: 'flat',
    roles: {
      clip: { model: 'trove-fixtures/clip', dtype: fp32, dim: 32 },
      clap: { model: 'trove-fixtures/clap', dtype: fp32, dim: 24 },
      text: { model: 'trove-fixtures/text-embedder', dtype: fp32, dim: 16 },
      speech: { model: 'trove-fixtures/whisper', dtype: fp32 },
    },
  };
}
