// Which device the encoders take. This browser tier runs Chromium with SwiftShader's WebGPU (a software
// adapter, test/README.md), the case the choice has to get right: it runs GPU kernels on the CPU, much
// slower than WebAssembly, so `auto` must not take it, while an explicit WebGPU preference still does
// (the WebGPU code paths are tested that way).
import { describe, expect, it } from 'vitest';
import { chooseDevice } from '../../src/encoders/device.ts';

describe('device choice', () => {
  it('this browser offers a software WebGPU adapter, flagged as a fallback', async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    expect(adapter).not.toBeNull();
    expect(adapter!.info.isFallbackAdapter).toBe(true);
  });

  it('auto takes WebAssembly over a software adapter, and says why', async () => {
    const probe = await chooseDevice('fp32', 'auto');
    expect(probe.device).toBe('wasm');
    expect(probe.reason).toMatch(/^the only WebGPU adapter is a software one \(swiftshader\)/);
  });

  it('an explicit WebGPU preference still gets the adapter', async () => {
    expect(await chooseDevice('fp32', 'webgpu')).toEqual({ device: 'webgpu' });
  });

  it('an explicit WebAssembly preference is kept', async () => {
    expect((await chooseDevice('fp32', 'wasm')).device).toBe('wasm');
  });
});
