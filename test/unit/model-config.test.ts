import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  mergeOverride,
  modelFileHashes,
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
      `https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/${shipped.roles.clip.revision}/onnx/text_model_quantized.onnx`,
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
      `https://mirror.example/hf/${shipped.roles.speech.model}/resolve/${shipped.roles.speech.revision}/config.json`,
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

  it('refuses http: model hosts except on this machine, naming the field', () => {
    const http = (patch: object) => () => mergeOverride(shipped, patch);
    expect(http({ host: 'http://models.example/' })).toThrow(
      /"host" uses http:, which anyone on the network can tamper with; use https:/,
    );
    expect(http({ roles: { clap: { host: 'http://10.0.0.2:8080/m' } } })).toThrow(
      /roles\.clap\.host uses http:/,
    );
    expect(http({ llm: { host: 'http://weights.example/', models: ['Qwen2.5-0.5B-Instruct'] } })).toThrow(
      /llm\.host uses http:/,
    );
    expect(
      http({ llm: { host: 'hub', libHost: 'http://libs.example/', models: ['Qwen2.5-0.5B-Instruct'] } }),
    ).toThrow(/llm\.libHost uses http:/);
    expect(http({ host: 'ftp://models.example/' })).toThrow(
      /"host" must be an https: URL or a path \(got ftp:\)/,
    );
    // This machine, https anywhere, and paths on the app's own origin are fine.
    for (const host of [
      'http://localhost:4174/',
      'http://127.0.0.1/m/',
      'https://models.example/',
      '/models/',
    ])
      expect(modelOrigins(mergeOverride(shipped, { host }), app)).toContain(new URL(host, app).origin);
  });

  it("fetches a role at its pinned revision, and a new model does not inherit the old one's pin", () => {
    const pinned = mergeOverride(shipped, { roles: { clip: { revision: 'abc123' } } });
    expect(modelFileUrl(pinned, 'clip', 'config.json', app)).toBe(
      `https://huggingface.co/${shipped.roles.clip.model}/resolve/abc123/config.json`,
    );
    const hashes = { 'config.json': 'a'.repeat(64) };
    const withHashes = mergeOverride(pinned, { roles: { clip: { sha256: hashes } } });
    const other = mergeOverride(withHashes, { roles: { clip: { model: 'me/clip' } } });
    expect(other.roles.clip.revision).toBeUndefined();
    expect(other.roles.clip.sha256).toBeUndefined();
    expect(modelFileUrl(other, 'clip', 'config.json', app)).toBe(
      'https://huggingface.co/me/clip/resolve/main/config.json',
    );
    expect(() => mergeOverride(shipped, { roles: { clip: { revision: '../../evil' } } })).toThrow(
      /roles\.clip\.revision must be a commit, tag or branch name/,
    );
  });

  it('takes a SHA-256 per file and keys it by the URL the file is fetched from', () => {
    const digest = 'AB'.repeat(32);
    const config = mergeOverride(shipped, {
      roles: { text: { revision: 'r1', sha256: { 'onnx/model_quantized.onnx': digest } } },
    });
    expect(modelFileHashes(config, 'text', app)).toEqual({
      [`https://huggingface.co/${shipped.roles.text.model}/resolve/r1/onnx/model_quantized.onnx`]:
        digest.toLowerCase(),
    });
    expect(modelFileHashes(config, 'clip', app)).toEqual({});
    const bad = (sha256: unknown) => () => mergeOverride(shipped, { roles: { text: { sha256 } } as never });
    expect(bad({ 'onnx/model.onnx': 'abc' })).toThrow(
      /roles\.text\.sha256\["onnx\/model\.onnx"\] must be a SHA-256 digest \(64 hex digits\)/,
    );
    expect(bad({ '../x.onnx': digest })).toThrow(/must be a file path inside the model folder/);
    expect(bad(['x'])).toThrow(/roles\.text\.sha256 must map file names to SHA-256 digests/);
  });
});
