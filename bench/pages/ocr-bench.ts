// The browser side of the text-in-pictures benchmark (issue 23): photos with and without text ingested
// through the whole pipeline on the fixture models (or on a real-size world's, when the section passes its
// models.json), with reading text (captions.ocr) off and on, and the cheap text test on its own.
// bench/sections/ocr.ts drives window.ocrBench.
import { deleteDB } from 'idb';
import { openTrove, type Trove } from '../../src/trove.ts';
import { textEvidence } from '../../src/ingest/image/text-test.ts';
import { OPFS_DIRECTORY } from '../../src/vector-index/opfs-vector-file.ts';
import type { ModelsConfig } from '../../src/models/config.ts';
import { fixtureModelsConfig } from '../../test/support/fixture-models.ts';
import { fetchBlob } from '../../test/support/browser-media.ts';

export type PhotoKind = 'plain' | 'text';

export interface OcrRun {
  kind: PhotoKind;
  ocr: boolean;
  files: number;
  seconds: number;
  msPerFile: number;
  /** Pictures the caption worker was asked to read (those that passed the text test). */
  read: number;
  /** OCR segments written. */
  ocrSegments: number;
  failed: number;
  /**
   * With `timeRead`: one picture read again after the ingest, straight through the app's caption worker
   * (EncoderClient.readText, the call the pipeline makes), ms: the model's part of a photo's cost in the app.
   */
  readMs?: number;
}

let counter = 0;

/**
 * A fresh library. The warm-up reads a picture with text only for runs of pictures with text: a library of
 * photos without text never starts the caption worker, and one started by the warm-up would spend the timed
 * part compiling onnxruntime-web's WASM in the background (V8 does, for tens of seconds of a core).
 */
async function withTrove<T>(
  ocr: boolean,
  warmText: boolean,
  models: ModelsConfig | undefined,
  run: (trove: Trove) => Promise<T>,
): Promise<T> {
  const stamp = `bench-ocr-${Date.now()}-${counter++}`;
  const names = { libraryDbName: `trove-${stamp}`, vectorDbName: `trove-vectors-${stamp}` };
  const captions = { enabled: false, ocr };
  const trove = await openTrove({
    config: models ? { ...models, captions } : fixtureModelsConfig('/test/fixtures/models/', captions),
    prefer: 'wasm',
    ...names,
  });
  try {
    // Warm every worker the run uses (a returning user has the models cached and loaded).
    await trove.addFiles([
      ...(warmText ? [new File([await fetchBlob('ocr/receipt.jpg')], 'warm.jpg')] : []),
      new File([await fetchBlob('image/red-square.png')], 'warm.png'),
    ]);
    await trove.queue.whenIdle();
    await trove.clearLibrary();
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

/**
 * Distinct 640 × 480 photos without text (a gradient and a few soft shapes), or distinct copies of the
 * receipt fixture (384 × 384; one corner pixel differs, so each is its own item and reads the same).
 */
async function photos(kind: PhotoKind, n: number): Promise<File[]> {
  const out: File[] = [];
  if (kind === 'plain') {
    const canvas = new OffscreenCanvas(640, 480);
    const ctx = canvas.getContext('2d')!;
    for (let i = 0; i < n; i++) {
      const g = ctx.createLinearGradient(0, 0, 640, 480);
      g.addColorStop(0, `hsl(${(i * 37) % 360} 60% 55%)`);
      g.addColorStop(1, `hsl(${(i * 91 + 120) % 360} 50% 40%)`);
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, 640, 480);
      for (let k = 0; k < 3; k++) {
        ctx.fillStyle = `hsl(${(i * 13 + k * 97) % 360} 70% 50%)`;
        ctx.beginPath();
        ctx.arc(100 + k * 200, 150 + ((i * 31 + k * 70) % 200), 60, 0, 2 * Math.PI);
        ctx.fill();
      }
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
      out.push(new File([blob], `photo-${i}.jpg`));
    }
    return out;
  }
  const receipt = await createImageBitmap(await fetchBlob('ocr/receipt.jpg'));
  const canvas = new OffscreenCanvas(receipt.width, receipt.height);
  const ctx = canvas.getContext('2d')!;
  for (let i = 0; i < n; i++) {
    ctx.drawImage(receipt, 0, 0);
    ctx.fillStyle = `rgb(${i % 256} ${(i >> 8) % 256} 250)`;
    ctx.fillRect(0, 0, 1, 1);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    out.push(new File([blob], `receipt-${i}.png`));
  }
  return out;
}

/** `models`: a real-size world's models.json, served on its own host; the fixture models without it. */
async function run(
  kind: PhotoKind,
  n: number,
  ocr: boolean,
  models?: ModelsConfig,
  timeRead = false,
): Promise<OcrRun> {
  return withTrove(ocr, kind === 'text', models, async (trove) => {
    const files = await photos(kind, n);
    const before = trove.encoders.caption?.picturesRead ?? 0;
    const t0 = performance.now();
    await trove.addFiles(files);
    const end = await trove.queue.whenIdle();
    const seconds = (performance.now() - t0) / 1000;
    const read = (trove.encoders.caption?.picturesRead ?? 0) - before;
    const all = await trove.allSegments();
    let readMs: number | undefined;
    if (timeRead && trove.encoders.caption) {
      const t1 = performance.now();
      await trove.encoders.caption.readText([files[0]!]);
      readMs = performance.now() - t1;
    }
    return {
      kind,
      ocr,
      files: n,
      seconds,
      msPerFile: (seconds * 1000) / n,
      read,
      ocrSegments: all.flatMap((x) => x.segments).filter((s) => s.kind === 'ocr').length,
      failed: end.failed,
      ...(readMs === undefined ? {} : { readMs }),
    };
  });
}

/** The text test alone on a 299 × 224 picture (a 640 × 480 photo's encoder copy): getImageData + test. */
async function textTest(rounds: number): Promise<{ msPerPicture: number }> {
  const [plain] = await photos('plain', 1);
  const bitmap = await createImageBitmap(plain!);
  const ctx = new OffscreenCanvas(299, 224).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0, 299, 224);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    textEvidence({ data: ctx.getImageData(0, 0, 299, 224).data, width: 299, height: 224, channels: 4 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { msPerPicture: times[times.length >> 1]! };
}

declare global {
  interface Window {
    ocrBench: { run: typeof run; textTest: typeof textTest };
  }
}
window.ocrBench = { run, textTest };
