import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  mergeOverride,
  modelFileUrl,
  modelOrigins,
  resolveHost,
  validateModelsConfig,
  type ModelsConfig,
} from '../../src/models/config';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));
const app = 'https://trove.example/app/';

describe('model configuration', () => {
  it('ships a valid models.json that loads every role from the Hub', () => {
    expect(resolveHost(shipped, 'clip', app)).toEqual({
      remoteHost: 'https://huggingface.co/',
      remotePathTemplate: '{model}/resolve/{revision}/',
      origin: 'https://huggingface.co',
    });
    expect(modelFileUrl(shipped, 'clip', 'onnx/text_model_quantized.onnx', app)).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model_quantized.onnx',
    );
  });

  it('resolves a self-hosted folder on the app origin and a mirror on another host', () => {
    const selfHosted: ModelsConfig = { ...shipped, host: 'models' };
    expect(modelFileUrl(selfHosted, 'text', 'config.json', app)).toBe(
      `https://trove.example/app/models/${shipped.roles.text.model}/config.json`,
    );
    const mirror = mergeOverride(shipped, {
      roles: { speech: { host: 'https://mirror.example/hf', layout: 'hub' } },
    });
    expect(modelFileUrl(mirror, 'speech', 'config.json', app)).toBe(
      `https://mirror.example/hf/${shipped.roles.speech.model}/resolve/main/config.json`,
    );
    expect(modelOrigins(mirror, app).sort()).toEqual(['https://huggingface.co', 'https://mirror.example']);
  });

  it('applies a local override without losing the other fields', () => {
    const merged = mergeOverride(shipped, { roles: { clip: { dtype: { wasm: 'fp32' } as never } } });
    expect(merged.roles.clip.dtype).toEqual({ webgpu: shipped.roles.clip.dtype.webgpu, wasm: 'fp32' });
    expect(merged.roles.clip.model).toBe(shipped.roles.clip.model);
  });

  it('names the field that is wrong', () => {
    const broken = structuredClone(shipped) as unknown as { roles: { clap: { dtype: { wasm: string } } } };
    broken.roles.clap.dtype.wasm = 'q8f16';
    expect(() => validateModelsConfig(broken)).toThrow(
      /roles\.clap\.dtype\.wasm must be one of .* \(got "q8f16"\)/,
    );
    expect(() => validateModelsConfig({ host: 'hub' })).toThrow(/"roles" must be an object/);
    const noDim = structuredClone(shipped) as unknown as { roles: { text: { dim?: number } } };
    delete noDim.roles.text.dim;
    expect(() => validateModelsConfig(noDim)).toThrow(/roles\.text\.dim/);
  });
});
