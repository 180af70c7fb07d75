// The page's handle on the image decoding worker (workers/image.worker.ts). Failures come back as
// MediaDecodeError with their reason code, as decodeImage throws them on the page.
import * as Comlink from 'comlink';
import type { MediaFormat } from '../detect-type.ts';
import { MediaDecodeError, type MediaErrorCode } from '../media-error.ts';
import type { DecodedImageBitmap } from './decode-image.ts';

export type ImageOutcome =
  { ok: true; value: DecodedImageBitmap } | { ok: false; code: MediaErrorCode; message: string };

export interface ImageWorkerApi {
  decode(file: Blob, format: MediaFormat): Promise<ImageOutcome>;
}

export class ImageDecoder {
  private worker: Worker | null = null;
  private api: Comlink.Remote<ImageWorkerApi> | null = null;

  /** Decodes in the worker (started on first use); the caller closes the returned bitmap. */
  async decode(file: Blob, format: MediaFormat): Promise<DecodedImageBitmap> {
    if (!this.api) {
      this.worker = new Worker(new URL('../../../workers/image.worker.ts', import.meta.url), {
        type: 'module',
        name: 'image-decoder',
      });
      this.api = Comlink.wrap<ImageWorkerApi>(this.worker);
    }
    const outcome = await this.api.decode(file, format);
    if (!outcome.ok) throw new MediaDecodeError(outcome.code, outcome.message);
    return outcome.value;
  }

  terminate(): void {
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = this.api = null;
  }
}
