import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IndexHtmlTransformHook } from 'vite';
import { cspHeader, cspPlugin, cspString, connectSources } from '../../scripts/vite/csp.ts';
import {
  configuredRoles,
  mergeOverride,
  validateModelsConfig,
  type ModelsConfig,
} from '../../src/models/config.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));

function directive(policy: string, name: string): string[] {
  const found = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name);
  if (!found) throw new Error(`${name} missing from ${policy}`);
  return found.slice(1);
}

/** Runs the plugin's transform on an index.html, with models.json written to a temporary file. */
function transform(config: unknown, html: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trove-csp-'));
  const path = join(dir, 'models.json');
  writeFileSync(path, JSON.stringify(config));
  const hook = cspPlugin({ modelsJson: path }).transformIndexHtml as { handler: IndexHtmlTransformHook };
  return hook.handler.call({} as never, html, {} as never) as string;
}

const indexHtml = readFileSync('index.html', 'utf8');

describe('content security policy', () => {
  it('lets the shipped config reach its model folders on the Hub (with its CDN redirects) and WebLLM libraries', () => {
    const hub = 'https://huggingface.co/';
    const libs =
      'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/';
    const llm = ['Qwen2.5-1.5B-Instruct', 'Qwen2.5-0.5B-Instruct'].flatMap((family) =>
      ['q4f16_1', 'q4f32_1'].flatMap((q) => [
        `${hub}mlc-ai/${family}-${q}-MLC/`,
        `${libs}${family.replace('Qwen2.5', 'Qwen2')}-${q}_cs1k-webgpu.wasm`,
      ]),
    );
    expect(connectSources(shipped)).toEqual([
      "'self'",
      // Each model's folder, every revision of it, and nothing else of the Hub.
      ...configuredRoles(shipped).map((role) => `${hub}${shipped.roles[role]!.model}/`),
      ...llm,
      'https://*.hf.co',
      'https://*.huggingface.co',
      'blob:',
      'data:',
    ]);
  });

  it('keeps a fully self-hosted config to the app origin', () => {
    const selfHosted = mergeOverride(shipped, {
      host: '/models/',
      llm: { host: '/models/', models: ['Qwen2.5-0.5B-Instruct'] },
    });
    expect(connectSources(selfHosted)).toEqual(["'self'", 'blob:', 'data:']);
  });

  it('names every configured folder: a role on a mirror, LLM weights elsewhere, libraries on a third host', () => {
    const config: ModelsConfig = mergeOverride(shipped, {
      host: 'https://models.example/hf/',
      layout: 'flat',
      roles: { speech: { host: 'http://localhost:4174/' } },
      llm: {
        host: 'https://weights.example/',
        libHost: 'https://libs.example/wasm/',
        models: ['Qwen2.5-0.5B-Instruct'],
      },
    });
    expect(connectSources(config)).toEqual([
      "'self'",
      'https://models.example/hf/Xenova/clip-vit-base-patch32/',
      'https://models.example/hf/Xenova/clap-htsat-unfused/',
      'https://models.example/hf/Xenova/multilingual-e5-small/',
      'http://localhost:4174/Xenova/whisper-base/',
      'https://models.example/hf/onnx-community/Florence-2-base-ft/',
      'https://weights.example/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/',
      'https://libs.example/wasm/Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
      'https://weights.example/mlc-ai/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/',
      'https://libs.example/wasm/Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
      'blob:',
      'data:',
    ]);
  });

  it('gives a Hub-layout mirror the model folder for every revision, and a pinned library its commit', () => {
    const config = mergeOverride(shipped, {
      roles: { clap: { host: 'https://mirror.example/', layout: 'hub', revision: 'abc' } },
      llm: { host: 'hub', libRevision: 'c0ffee', models: ['Qwen2.5-0.5B-Instruct-q4f32_1-MLC'] },
    });
    const sources = connectSources(config);
    expect(sources).toContain('https://mirror.example/Xenova/clap-htsat-unfused/');
    expect(sources).toContain(
      'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/c0ffee/web-llm-models/v0_2_86/base/Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
    );
    expect(sources.filter((s) => s.startsWith('https://raw.githubusercontent.com/'))).toHaveLength(1);
  });

  it('locks scripts to the app (WASM allowed, eval not), objects and base off, workers and media local', () => {
    const policy = cspString(shipped);
    expect(directive(policy, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy).not.toContain("'unsafe-eval'");
    expect(directive(policy, 'default-src')).toEqual(["'self'"]);
    expect(directive(policy, 'worker-src')).toEqual(["'self'", 'blob:']);
    expect(directive(policy, 'img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(directive(policy, 'media-src')).toEqual(["'self'", 'blob:']);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'base-uri')).toEqual(["'none'"]);
    // frame-ancestors is ignored in a <meta>, so only the header form carries it.
    expect(policy).not.toContain('frame-ancestors');
    expect(directive(cspHeader(shipped), 'frame-ancestors')).toEqual(["'none'"]);
    // Only the header governs workers, where onnxruntime-web imports its WASM glue from a blob: URL.
    expect(directive(cspHeader(shipped), 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
  });

  it('writes the policy for the given models.json into index.html before any script or link', () => {
    const mirror = {
      ...shipped,
      host: 'https://mirror.example/',
      llm: { host: '/llm/', models: ['Qwen2.5-0.5B-Instruct'] },
    };
    const html = transform(mirror, indexHtml);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    expect(directive(meta![1]!, 'connect-src')).toEqual([
      "'self'",
      ...configuredRoles(shipped).map((role) => `https://mirror.example/${shipped.roles[role]!.model}/`),
      'blob:',
      'data:',
    ]);
    const at = html.indexOf('Content-Security-Policy');
    expect(html.indexOf('<meta charset')).toBeLessThan(at);
    for (const tag of ['<script', '<link']) expect(html.indexOf(tag)).toBeGreaterThan(at);
  });

  it('fails the build on an invalid models.json, naming the field', () => {
    expect(() => transform({ host: 'hub', roles: {} }, indexHtml)).toThrow(/roles\.clip is missing/);
  });
});
