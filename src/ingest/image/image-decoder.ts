// The page's handle on the image decoding workers (workers/image.worker.ts). Failures come back as
// MediaDecodeError with their reason code, as decodeImage throws them on the page. A batch of images is
// spread over a few workers: a worker spends part of each image waiting (reading the file, the JPEG
// encoder), which another worker's decoding fills.
import * as Comlink from 'comlink';
import type { MediaFormat } from '../detect-type.ts';
import { MediaDecodeError, type MediaErrorCode } from '../media-error.ts';
import type { DecodedImageBitmap, ImageOptions } from './decode-image.ts';

export type ImageOutcome =
  { ok: true; value: DecodedImageBitmap } | { ok: false; code: MediaErrorCode; message: string };

export interface ImageWorkerApi {
  decode(file: Blob | ArrayBuffer, format: MediaFormat, options?: ImageOptions): Promise<ImageOutcome>;
}

interface Slot {
  worker: Worker;
  api: Comlink.Remote<ImageWorkerApi>;
  busy: number;
}

export interface ImageDecoderOptions {
  /** Workers started at most (default 2); each starts on first need. */
  workers?: number;
}

export class ImageDecoder {
  private readonly slots: Slot[] = [];
  private readonly max: number;

  constructor(options: ImageDecoderOptions = {}) {
    this.max = Math.max(1, options.workers ?? 2);
  }

  /**
   * Decodes in the least busy worker; the caller closes the returned bitmap. File bytes given as an
   * ArrayBuffer move to the worker (the buffer is detached here).
   */
  async decode(
    file: Blob | ArrayBuffer,
    format: MediaFormat,
    options?: ImageOptions,
  ): Promise<DecodedImageBitmap> {
    const slot = this.pick();
    slot.busy++;
    try {
      const input = file instanceof ArrayBuffer ? Comlink.transfer(file, [file]) : file;
      const outcome = await slot.api.decode(input, format, options);
      if (!outcome.ok) throw new MediaDecodeError(outcome.code, outcome.message);
      return outcome.value;
    } finally {
      slot.busy--;
    }
  }

  terminate(): void {
    for (const slot of this.slots.splice(0)) {
      slot.api[Comlink.releaseProxy]();
      slot.worker.terminate();
    }
  }

  private pick(): Slot {
    const idle = this.slots.find((s) => s.busy === 0);
    if (idle) return idle;
    if (this.slots.length < this.max) {
      const worker = new Worker(new URL('../../../workers/image.worker.ts', import.meta.url), {
        type: 'module',
        name: `image-decoder-${this.slots.length + 1}`,
      });
      const slot = { worker, api: Comlink.wrap<ImageWorkerApi>(worker), busy: 0 };
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }
}
