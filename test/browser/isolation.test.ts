import { describe, expect, it } from 'vitest';

describe('the test page', () => {
  it('is cross-origin isolated, so WASM threads are available', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it('has a WebGPU adapter (SwiftShader in headless Chromium)', async () => {
    expect(navigator.gpu).toBeDefined();
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
  });
});
