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
