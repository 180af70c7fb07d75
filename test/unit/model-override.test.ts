// The model override saved in the browser is checked on its own: what is invalid is dropped with a reason,
// what is valid is kept, and a broken override never makes the configuration invalid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeOverride, validateModelsConfig } from '../../src/models/config';
import { applyOverride } from '../../src/models/override';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));

describe('applyOverride', () => {
  it('applies a valid override whole, as mergeOverride does', () => {
    const override = {
      roles: { clip: { dtype: { wasm: 'fp32' } } },
      captions: { enabled: true },
      llm: { host: 'hub', models: ['Qwen2.5-0.5B-Instruct'] },
    };
    const applied = applyOverride(shipped, override);
    expect(applied.dropped).toEqual([]);
    expect(applied.kept).toEqual(override);
    expect(applied.config).toEqual(mergeOverride(shipped, override as never));
  });

  it('drops the invalid parts with a reason each and keeps the valid ones', () => {
    const applied = applyOverride(shipped, {
      roles: {
        clip: { dtype: { wasm: 'q8f16' } },
        text: { model: 'me/e5', dim: 384 },
        bogus: { model: 'x/y' },
      },
      captions: { enabled: 'yes' },
      llm: { host: 'http://models.example/', models: ['Qwen2.5-0.5B-Instruct'] },
      theme: 'dark',
    });
    expect(applied.dropped).toEqual([
      '"theme" is not a model setting',
      '"roles.bogus" is not a role',
      'roles.clip.dtype.wasm must be one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4 (got "q8f16")',
      'captions.enabled must be true or false',
      'llm.host uses http:, which anyone on the network can tamper with; use https: (http: is allowed only for localhost and 127.0.0.1)',
    ]);
    expect(applied.kept).toEqual({ roles: { text: { model: 'me/e5', dim: 384 } } });
    expect(applied.config.roles.text.model).toBe('me/e5');
    expect(applied.config.roles.clip).toEqual(shipped.roles.clip);
    expect(applied.config.captions).toEqual(shipped.captions);
    expect(applied.config.llm).toEqual(shipped.llm);
  });

  it('drops a part that depends on a dropped part (captions need a caption role)', () => {
    const bare = structuredClone(shipped);
    delete bare.roles.caption;
    const applied = applyOverride(bare, {
      roles: { caption: { model: 'me/florence' } },
      captions: { enabled: true },
    });
    expect(applied.dropped).toEqual([
      expect.stringMatching(/^roles\.caption\.dtype\.webgpu must be one of/),
      'captions.enabled needs a model in roles.caption',
    ]);
    expect(applied.kept).toBeNull();
    expect(applied.config).toEqual(bare);
  });

  it('drops an override that is not an object, and has nothing to drop without one', () => {
    for (const junk of [[1, 2], 'hub', 42, true])
      expect(applyOverride(shipped, junk)).toEqual({
        config: shipped,
        kept: null,
        dropped: ['the saved settings are not a JSON object'],
      });
    expect(applyOverride(shipped, null)).toEqual({ config: shipped, kept: null, dropped: [] });
    expect(applyOverride(shipped, { roles: [] }).dropped).toEqual(['"roles" must be an object']);
  });
});
