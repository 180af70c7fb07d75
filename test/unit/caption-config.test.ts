// The optional caption role and the "captions" setting in models.json and the Settings override.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  captionsEnabled,
  configuredRoles,
  mergeOverride,
  modelFileUrl,
  modelOrigins,
  validateModelsConfig,
  type ModelsConfig,
} from '../../src/models/config';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));
const app = 'https://trove.example/app/';

function withoutCaption(config: ModelsConfig): ModelsConfig {
  const c = structuredClone(config);
  delete c.roles.caption;
  delete c.captions;
  return c;
}

describe('captions in the model configuration', () => {
  it('ship off, with a caption model ready to turn on', () => {
    expect(shipped.captions).toEqual({ enabled: false });
    expect(shipped.roles.caption?.model).toBe('onnx-community/Florence-2-base-ft');
    expect(captionsEnabled(shipped)).toBe(false);
    expect(configuredRoles(shipped)).toContain('caption');
  });

  it('turn on from the Settings override, keeping the shipped model, and take a task', () => {
    const on = mergeOverride(shipped, { captions: { enabled: true, task: '<CAPTION>' } });
    expect(captionsEnabled(on)).toBe(true);
    expect(on.captions).toEqual({ enabled: true, task: '<CAPTION>' });
    expect(on.roles.caption).toEqual(shipped.roles.caption);
  });

  it('leave a configuration without a caption role valid, with captions off', () => {
    const bare = validateModelsConfig(withoutCaption(shipped));
    expect(configuredRoles(bare)).toEqual(['clip', 'clap', 'text', 'speech']);
    expect(captionsEnabled(bare)).toBe(false);
    expect(() => modelFileUrl(bare, 'caption', 'config.json', app)).toThrow(/no "caption" role/);
  });

  it('accept a whole caption role from the override, without a dim', () => {
    const bare = withoutCaption(shipped);
    const merged = mergeOverride(bare, {
      roles: {
        caption: { model: 'me/florence', dtype: { webgpu: 'fp32', wasm: 'q8' }, host: 'https://m.example/' },
      },
      captions: { enabled: true },
    });
    expect(captionsEnabled(merged)).toBe(true);
    expect(modelFileUrl(merged, 'caption', 'onnx/vision_encoder_quantized.onnx', app)).toBe(
      'https://m.example/me/florence/onnx/vision_encoder_quantized.onnx',
    );
    // The caption host is a model origin, so the CSP and the fetch guard let the worker reach it.
    expect(modelOrigins(merged, app)).toContain('https://m.example');
  });

  it('name what is wrong', () => {
    expect(() => validateModelsConfig({ ...withoutCaption(shipped), captions: { enabled: true } })).toThrow(
      /captions\.enabled needs a model in roles\.caption/,
    );
    expect(() => validateModelsConfig({ ...shipped, captions: { enabled: 'yes' } })).toThrow(
      /captions\.enabled must be true or false/,
    );
    expect(() => validateModelsConfig({ ...shipped, captions: { enabled: true, task: '<OD>' } })).toThrow(
      /captions\.task must be one of <CAPTION>, <DETAILED_CAPTION>, <MORE_DETAILED_CAPTION> \(got "<OD>"\)/,
    );
    const half = () =>
      mergeOverride(withoutCaption(shipped), { roles: { caption: { model: 'me/florence' } } });
    expect(half).toThrow(/roles\.caption\.dtype\.webgpu must be one of/);
    const badDtype = structuredClone(shipped);
    (badDtype.roles.caption!.dtype as Record<string, string>).wasm = 'q8f16';
    expect(() => validateModelsConfig(badDtype)).toThrow(/roles\.caption\.dtype\.wasm must be one of/);
  });
});
