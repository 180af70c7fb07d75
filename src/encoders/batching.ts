import type { Device } from '../models/config';

export type InputKind = 'text' | 'image' | 'audio' | 'picture-text';

// Batching amortises per-run overhead (image encoders: 227 ms single vs 149 ms per image at batch 8 on
// 2 WASM threads); WebGPU takes larger batches, bounded so a batch of 224 px images stays well under
// the 1 GiB buffer limit of small adapters. Captioning ('picture-text') generates text for each picture,
// which costs far more than encoding it, so its batches stay small.
const sizes: Record<Device, Record<InputKind, number>> = {
  wasm: { text: 32, image: 8, audio: 4, 'picture-text': 2 },
  webgpu: { text: 64, image: 16, audio: 8, 'picture-text': 4 },
};

export function batchSize(kind: InputKind, device: Device): number {
  return sizes[device][kind];
}
