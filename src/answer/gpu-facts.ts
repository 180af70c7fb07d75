import type { GpuFacts } from './choose-model.ts';

/**
 * What the model choice needs to know about this device, or null without WebGPU (no `navigator.gpu`, or
 * no adapter). `gpu` and `deviceMemoryGB` can be given, for tests.
 */
export async function readGpuFacts(
  gpu: GPU | null | undefined = globalThis.navigator?.gpu,
  deviceMemoryGB: number | undefined = (globalThis.navigator as { deviceMemory?: number } | undefined)
    ?.deviceMemory,
): Promise<GpuFacts | null> {
  if (!gpu) return null;
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return null;
  }
  if (!adapter) return null;
  const info = adapter.info;
  const facts: GpuFacts = {
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    adapter:
      [info?.vendor, info?.description || info?.architecture].filter(Boolean).join(' ') || 'unknown GPU',
  };
  if (typeof deviceMemoryGB === 'number' && deviceMemoryGB > 0) facts.deviceMemoryGB = deviceMemoryGB;
  return facts;
}
