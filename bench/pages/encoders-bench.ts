// The browser side of the encoder benchmark: the real encoder workers on the fixture models, whose graphs
// are a few KB, so what is measured is the pipeline's own cost (decode, preprocessing, worker hops,
// ORT session overhead), not model FLOPs. bench/sections/encoders.ts calls window.encoderBench.
import { createEncoders } from '../../src/encoders/encoders.ts';
import type { Device, Role } from '../../src/models/config.ts';
import { fixtureModelsConfig } from '../../test/support/fixture-models.ts';
import { decodeAudio, fetchBlob } from '../../test/support/browser-media.ts';

const config = fixtureModelsConfig('/test/fixtures/models/');
type Task = 'clip-text' | 'clip-image' | 'clap-audio' | 'text-passage' | 'speech';
const roleOf: Record<Task, Role> = {
  'clip-text': 'clip',
  'clip-image': 'clip',
  'clap-audio': 'clap',
  'text-passage': 'text',
  speech: 'speech',
};

export interface EncoderRun {
  task: Task;
  device: Device;
  ranOn: Device;
  /** createEncoders → first result, with model files already in Cache Storage. */
  firstResultMs: number;
  items: number;
  unit: string;
  perSecond: number;
}

async function inputs(task: Task) {
  switch (task) {
    case 'clip-text':
      return { unit: 'queries', items: Array.from({ length: 128 }, (_, i) => `red blue ${i}`) };
    case 'clip-image': {
      const files = ['red-square.png', 'green-field.jpg', 'blue-sky.webp', 'yellow-sun.png'];
      const blobs = await Promise.all(files.map((f) => fetchBlob(`image/${f}`)));
      return { unit: 'images', items: Array.from({ length: 64 }, (_, i) => blobs[i % blobs.length]!) };
    }
    case 'clap-audio': {
      const hum = await decodeAudio('audio/low-hum.wav', 48_000);
      const window = new Float32Array(480_000);
      for (let i = 0; i < window.length; i += hum.length) window.set(hum.subarray(0, window.length - i), i);
      return { unit: '10 s windows', items: Array.from({ length: 16 }, () => window.slice()) };
    }
    case 'text-passage':
      return {
        unit: 'passages',
        items: Array.from(
          { length: 128 },
          (_, i) => `The plumber said the valve under the sink is leaking ${i}.`,
        ),
      };
    case 'speech':
      return { unit: 'audio seconds', items: [await decodeAudio('audio/podcast-kite.wav', 16_000)] };
  }
}

async function call(enc: ReturnType<typeof createEncoders>, task: Task, items: unknown[]) {
  const role = enc[roleOf[task]];
  if (task === 'clip-image') return role.embedImages(items as Blob[]);
  if (task === 'clap-audio') return role.embedAudio(items as Float32Array[]);
  if (task === 'speech') return role.transcribe(items[0] as Float32Array);
  return role.embedTexts(items as string[]);
}

async function run(task: Task, device: Device): Promise<EncoderRun> {
  const { unit, items } = await inputs(task);
  // Warm the cache (and shader compilation) once, so first-result time is a returning user's start-up.
  const warm = createEncoders(config, { prefer: device });
  await call(warm, task, items.slice(0, 1));
  warm.terminate();

  const t0 = performance.now();
  const enc = createEncoders(config, { prefer: device });
  await call(enc, task, items.slice(0, 1));
  const firstResultMs = performance.now() - t0;

  const t1 = performance.now();
  await call(enc, task, items);
  const seconds = (performance.now() - t1) / 1000;
  const ranOn = enc[roleOf[task]].runtimeInfo!.device;
  enc.terminate();
  const count = task === 'speech' ? (items[0] as Float32Array).length / 16_000 : items.length;
  return { task, device, ranOn, firstResultMs, items: count, unit, perSecond: count / seconds };
}

declare global {
  interface Window {
    encoderBench: { run: typeof run };
  }
}
window.encoderBench = { run };
