import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES, limitLargeAssets, pwaOptions } from '../../scripts/vite/pwa.ts';

const MB = 1024 * 1024;
const entry = (url: string, size: number) => ({ url, size, revision: null });

describe('precache size limit', () => {
  it('keeps small files and the known large runtimes, drops any other large file with a warning', async () => {
    const result = await limitLargeAssets([
      entry('index.html', 2_000),
      entry('assets/index-abc.js', 300_000),
      entry('assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm', 26 * MB),
      entry('assets/ort-wasm-simd-threaded.asyncify-DXIbolS2.mjs', 53_000),
      entry('assets/ffmpeg-core-CgUfceKH.wasm', 31 * MB),
      entry('assets/llm.worker-BnSjO-cm.js', 6 * MB),
      entry('assets/huge-picture-xyz.png', 3 * MB),
      entry('assets/unknown-chunk-123.js', DEFAULT_MAX_BYTES + 1),
    ]);
    expect(result.manifest!.map((e) => e.url)).toEqual([
      'index.html',
      'assets/index-abc.js',
      'assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm',
      'assets/ort-wasm-simd-threaded.asyncify-DXIbolS2.mjs',
      'assets/ffmpeg-core-CgUfceKH.wasm',
      'assets/llm.worker-BnSjO-cm.js',
    ]);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings![0]).toMatch(/huge-picture-xyz\.png \(3\.0 MB\) is not precached/);
  });

  it('never precaches models or models.json, and updates only when asked', () => {
    const wb = pwaOptions.workbox!;
    for (const pattern of wb.globPatterns!) {
      expect(pattern).not.toMatch(/onnx|json|bin|safetensors/);
      expect(pattern === 'index.html' || pattern.startsWith('assets/')).toBe(true);
    }
    expect(pwaOptions.registerType).toBe('prompt');
    expect(wb.skipWaiting).toBe(false);
    expect(pwaOptions.devOptions?.enabled).toBe(false);
  });
});
