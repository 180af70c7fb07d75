// The browser side of the ingest benchmark: the whole pipeline through the Trove facade (intake: hash and
// OPFS copy; decode; the real encoder workers on the fixture models; one-transaction store write; vector
// index worker), so what is measured is the pipeline's own cost, the model's being a few multiply-adds.
// Inputs are generated distinct (the same content twice would be one item). bench/sections/ingest.ts
// drives window.ingestBench.
import { deleteDB } from 'idb';
import { openTrove, type Trove } from '../../src/trove.ts';
import { decodeImage } from '../../src/ingest/image/decode-image.ts';
import { ImageDecoder } from '../../src/ingest/image/image-decoder.ts';
import { OPFS_DIRECTORY } from '../../src/vector-index/opfs-vector-file.ts';
import { fixtureModelsConfig } from '../../test/support/fixture-models.ts';
import type { ModelsConfig } from '../../src/models/config.ts';
import { fetchBlob } from '../../test/support/browser-media.ts';

export type Kind = 'image' | 'audio' | 'video' | 'text';

export interface IngestRun {
  kind: Kind;
  files: number;
  /** Seconds of media (audio, video) or chunks (text) the files held. */
  units: number;
  unit: string;
  seconds: number;
  filesPerSecond: number;
  unitsPerSecond: number;
  segments: number;
  failed: number;
  /** Seconds waited after the warm-up for the machine to go quiet (0 when the run did not wait). */
  settledAfter: number;
  /** Wall-clock time (ms since the epoch) the timed part began and ended, to match machine CPU samples. */
  startedAt: number;
  endedAt: number;
}

export interface StageTimes {
  images: number;
  /** Milliseconds per image for each step, run one image at a time. */
  decodePage: number;
  decodeWorker: number;
  encodePng: number;
  encodeBitmap: number;
  encodeBatched: number;
  write: number;
}

let counter = 0;

async function withTrove<T>(
  run: (trove: Trove) => Promise<T>,
  pipeline = {},
  imageBatch?: number,
  config: ModelsConfig = fixtureModelsConfig('/test/fixtures/models/'),
): Promise<T> {
  const stamp = `bench-${Date.now()}-${counter++}`;
  const names = { libraryDbName: `trove-${stamp}`, vectorDbName: `trove-vectors-${stamp}` };
  const trove = await openTrove({
    config,
    prefer: 'wasm',
    pipeline,
    imageBatch,
    ...names,
  });
  try {
    // Start the workers and load the models before timing (a returning user has them cached).
    await warm(trove);
    return await run(trove);
  } finally {
    await trove.clearLibrary();
    await trove.close();
    await deleteDB(names.libraryDbName);
    await deleteDB(names.vectorDbName);
    const dir = await (
      await navigator.storage.getDirectory()
    ).getDirectoryHandle(OPFS_DIRECTORY, { create: true });
    for (const s of ['clip', 'clap', 'text'])
      await dir.removeEntry(`${names.vectorDbName}-${s}.i8`).catch(() => {});
  }
}

async function warm(trove: Trove): Promise<void> {
  const files = [
    new File([await fetchBlob('image/red-square.png')], 'warm.png'),
    new File([await fetchBlob('audio/speech-plumber.wav')], 'warm.wav'),
    new File([await fetchBlob('video/timeline.mp4')], 'warm.mp4'),
    new File(['A warm-up sentence for the text embedder.'], 'warm.txt'),
  ];
  await trove.addFiles(files);
  await trove.queue.whenIdle();
  await trove.clearLibrary();
}

/** Distinct photos: a noisy gradient, so each JPEG decodes like a real one and hashes differently. */
async function images(n: number, width: number, height: number): Promise<File[]> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const out: File[] = [];
  for (let i = 0; i < n; i++) {
    const g = ctx.createLinearGradient(0, 0, width, height);
    g.addColorStop(0, `hsl(${(i * 37) % 360} 70% 50%)`);
    g.addColorStop(1, `hsl(${(i * 91 + 120) % 360} 60% 40%)`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, width, height);
    for (let k = 0; k < 40; k++) {
      ctx.fillStyle = `hsl(${(i * 13 + k * 29) % 360} 80% ${30 + (k % 5) * 10}%)`;
      ctx.fillRect(((i + 7) * k * 53) % width, ((i + 3) * k * 31) % height, width / 10, height / 10);
    }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    out.push(new File([blob], `photo-${i}.jpg`, { lastModified: 1_700_000_000_000 + i }));
  }
  return out;
}

/** Distinct WAV recordings of `seconds` seconds at 48 kHz: tones of different pitch. */
function recordings(n: number, seconds: number): File[] {
  const rate = 48_000;
  const samples = rate * seconds;
  return Array.from({ length: n }, (_, i) => {
    const view = new DataView(new ArrayBuffer(44 + samples * 2));
    const text = (at: number, s: string) => [...s].forEach((c, j) => view.setUint8(at + j, c.charCodeAt(0)));
    text(0, 'RIFF');
    view.setUint32(4, 36 + samples * 2, true);
    text(8, 'WAVEfmt ');
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, 'data');
    view.setUint32(40, samples * 2, true);
    const hz = 200 + i * 37;
    for (let s = 0; s < samples; s++)
      view.setInt16(44 + s * 2, Math.round(12000 * Math.sin((2 * Math.PI * hz * s) / rate)), true);
    return new File([view.buffer], `recording-${i}.wav`);
  });
}

/** Distinct documents of about `words` words in paragraphs. */
function documents(n: number, words: number): File[] {
  const vocabulary =
    'the valve kite field bread oven river train station passport leak pipe hawk feather dough'.split(' ');
  return Array.from({ length: n }, (_, i) => {
    const paragraphs: string[] = [];
    let sentence: string[] = [];
    let paragraph: string[] = [];
    for (let w = 0; w < words; w++) {
      sentence.push(vocabulary[(w * 7 + i * 3) % vocabulary.length]!);
      if (sentence.length === 12) {
        paragraph.push(`${sentence.join(' ')} ${i}.`);
        sentence = [];
      }
      if (paragraph.length === 6) {
        paragraphs.push(paragraph.join(' '));
        paragraph = [];
      }
    }
    paragraphs.push([...paragraph, sentence.join(' ')].join(' '));
    return new File([paragraphs.join('\n\n')], `doc-${i}.txt`);
  });
}

/** The video fixtures are four containers of one 6 s clip, distinct bytes each; each is offered several
 *  times with a byte appended after the container's end (ignored by demuxers) to make it distinct. */
async function videos(n: number): Promise<File[]> {
  const sources = await Promise.all(
    ['timeline.mp4', 'timeline.webm', 'timeline.mov', 'timeline.mkv'].map((f) => fetchBlob(`video/${f}`)),
  );
  return Array.from({ length: n }, (_, i) => {
    const src = sources[i % sources.length]!;
    const pad = new Uint8Array(Math.floor(i / sources.length));
    return new File([src, pad], `clip-${i}.${['mp4', 'webm', 'mov', 'mkv'][i % 4]}`);
  });
}

async function timed(trove: Trove, files: File[]) {
  const startedAt = Date.now();
  const t0 = performance.now();
  await trove.addFiles(files);
  const end = await trove.queue.whenIdle();
  const seconds = (performance.now() - t0) / 1000;
  const endedAt = Date.now();
  const counts = await trove.library.counts();
  return { seconds, failed: end.failed, segments: counts.segments, startedAt, endedAt };
}

async function run(
  kind: Kind,
  n: number,
  options: { transcribe?: boolean; size?: number; imageBatch?: number; settle?: boolean } = {},
): Promise<IngestRun> {
  return withTrove(
    async (trove) => {
      let files: File[];
      let units: number;
      let unit: string;
      switch (kind) {
        case 'image':
          files = await images(n, options.size ?? 640, Math.round(((options.size ?? 640) * 3) / 4));
          units = n;
          unit = 'images';
          break;
        case 'audio':
          files = recordings(n, 30);
          units = n * 30;
          unit = 'audio seconds';
          break;
        case 'video':
          files = await videos(n);
          units = n * 6;
          unit = 'video seconds';
          break;
        case 'text':
          files = documents(n, 2000);
          units = 0;
          unit = 'chunks';
          break;
      }
      // New workers keep V8 busy optimizing onnxruntime-web's WASM for tens of seconds after their first
      // use; the driver (bench/sections/ingest.ts) waits until the machine is quiet, so the timed part
      // measures the pipeline and not that one-off cost.
      const settledAfter = options.settle ? await window.waitForQuietMachine() : 0;
      const r = await timed(trove, files);
      if (kind === 'text') units = r.segments;
      return {
        kind,
        files: files.length,
        units,
        unit,
        seconds: r.seconds,
        filesPerSecond: files.length / r.seconds,
        unitsPerSecond: units / r.seconds,
        segments: r.segments,
        failed: r.failed,
        settledAfter,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
      };
    },
    { transcribe: options.transcribe ?? true },
    options.imageBatch,
  );
}

/** Where an image's time goes, one image at a time, outside the queue; `config` picks other models. */
async function imageStages(n: number, size = 640, config?: ModelsConfig): Promise<StageTimes> {
  return withTrove(
    async (trove) => {
      const files = await images(n, size, Math.round((size * 3) / 4));
      let t = performance.now();
      const decoded = [];
      for (const f of files) decoded.push(await decodeImage(f, 'jpeg'));
      const decodePage = (performance.now() - t) / n;
      const worker = new ImageDecoder();
      await worker.decode(files[0]!, 'jpeg').then((d) => d.forEncoder.close());
      t = performance.now();
      const bitmaps = [];
      for (const f of files) bitmaps.push((await worker.decode(f, 'jpeg')).forEncoder);
      const decodeWorker = (performance.now() - t) / n;
      // The encoder takes bitmaps over (transfers them), so the batched call needs a set of its own.
      const batch = [];
      for (const f of files) batch.push((await worker.decode(f, 'jpeg')).forEncoder);
      worker.terminate();
      t = performance.now();
      for (const d of decoded) await trove.encoders.clip.embedImages([d.forEncoder]);
      const encodePng = (performance.now() - t) / n;
      t = performance.now();
      for (const b of bitmaps) await trove.encoders.clip.embedImages([b]);
      const encodeBitmap = (performance.now() - t) / n;
      t = performance.now();
      await trove.encoders.clip.embedImages(batch);
      const encodeBatched = (performance.now() - t) / n;
      for (const b of [...bitmaps, ...batch]) b.close();
      const lib = trove.library;
      const dim = config?.roles.clip.dim ?? 32;
      const vector = new Float32Array(dim).fill(1 / Math.sqrt(dim));
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = `stage-${i}`;
        ids.push(id);
        await lib.addItem({
          id,
          name: id,
          folderPath: '',
          kind: 'image',
          mime: 'image/jpeg',
          size: 1,
          mtime: 0,
          status: 'pending',
          addedAt: 0,
          updatedAt: 0,
        });
      }
      t = performance.now();
      for (const [i, id] of ids.entries()) {
        await lib.writeItemResults(id, {
          segments: [{ id: `${id}:0`, itemId: id, kind: 'image', spaces: ['clip'], thumbnailId: `${id}:t0` }],
          vectors: [{ segmentId: `${id}:0`, space: 'clip', vector }],
          thumbnails: [{ id: `${id}:t0`, ...decoded[i]!.thumbnail }],
        });
      }
      const write = (performance.now() - t) / n;
      return { images: n, decodePage, decodeWorker, encodePng, encodeBitmap, encodeBatched, write };
    },
    {},
    undefined,
    config,
  );
}

declare global {
  interface Window {
    ingestBench: { run: typeof run; imageStages: typeof imageStages };
    /** Exposed by the driver: resolves, with the seconds waited, once the machine's cores are idle. */
    waitForQuietMachine(): Promise<number>;
  }
}
window.ingestBench = { run, imageStages };
