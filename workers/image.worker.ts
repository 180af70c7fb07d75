/// <reference lib="webworker" />
// Image decoding for ingest, off the page: EXIF orientation, the encoder's bitmap, the JPEG thumbnail and
// the capture date. On the page, canvas encoding (convertToBlob) waits for idle time, which a busy or
// background tab gives rarely (the ingest benchmark measured 130 ms to 1.6 s an image there); a worker
// encodes at once and keeps the UI thread free.
import * as Comlink from 'comlink';
import {
  decodeImageBitmap,
  type DecodedImageBitmap,
  type ImageOptions,
} from '../src/ingest/image/decode-image.ts';
import { MediaDecodeError } from '../src/ingest/media-error.ts';
import type { MediaFormat } from '../src/ingest/detect-type.ts';
import type { ImageWorkerApi, ImageOutcome } from '../src/ingest/image/image-decoder.ts';

const api: ImageWorkerApi = {
  async decode(file: Blob | ArrayBuffer, format: MediaFormat, options?: ImageOptions): Promise<ImageOutcome> {
    try {
      const decoded: DecodedImageBitmap = await decodeImageBitmap(file, format, options);
      return Comlink.transfer({ ok: true, value: decoded }, [decoded.forEncoder]);
    } catch (error) {
      if (error instanceof MediaDecodeError) return { ok: false, code: error.code, message: error.message };
      return { ok: false, code: 'decode-failed', message: (error as Error).message ?? String(error) };
    }
  },
};

Comlink.expose(api);
