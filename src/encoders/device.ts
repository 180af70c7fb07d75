import type { Device, Dtype } from '../models/config';

/** WebGPU features a dtype's kernels need; fp16 weights need `shader-f16`. */
export function featuresForDtype(dtype: Dtype): GPUFeatureName[] {
  return dtype === 'fp16' || dtype === 'q4f16' ? ['shader-f16'] : [];
}

export type DeviceProbe = { device: Device; reason?: string };

/**
 * Picks the device for a model: WebGPU when a hardware adapter exists and has the features the dtype needs,
 * otherwise WASM, with the reason so Settings can say why. A fallback adapter (a software rasteriser such
 * as SwiftShader) runs the GPU kernels on the CPU, far slower than onnxruntime's WASM kernels on the same
 * cores, so `auto` only takes it when asked for WebGPU explicitly (bench/RESULTS.md, realsize).
 */
export async function chooseDevice(
  webgpuDtype: Dtype,
  prefer: Device | 'auto' = 'auto',
): Promise<DeviceProbe> {
  if (prefer === 'wasm') return { device: 'wasm', reason: 'WASM was chosen in settings' };
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { device: 'wasm', reason: 'this browser has no WebGPU' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { device: 'wasm', reason: `WebGPU adapter request failed: ${(err as Error).message}` };
  }
  if (!adapter) return { device: 'wasm', reason: 'no WebGPU adapter is available' };
  if (prefer === 'auto' && adapter.info?.isFallbackAdapter)
    return {
      device: 'wasm',
      reason: `the only WebGPU adapter is a software one (${adapter.info.architecture || adapter.info.vendor || 'fallback'}), slower than WebAssembly`,
    };
  const missing = featuresForDtype(webgpuDtype).filter((f) => !adapter.features.has(f));
  if (missing.length)
    return {
      device: 'wasm',
      reason: `the WebGPU adapter lacks ${missing.join(', ')}, needed by ${webgpuDtype}`,
    };
  return { device: 'webgpu' };
}
