// The page's handle on the document worker (workers/document.worker.ts), which reads the text of documents
// and chunks it. Both grow with the file (parsing HTML, joining a PDF's text runs, cleaning whitespace,
// finding sentences), so none of it may run on the page: a 160 KB HTML file once held the page for 2.3 s
// there (issue 21). Ingest, its retries after a reload, and the viewer all read documents through here.
//
// Failures come back as MediaDecodeError with their reason code, as extractText throws them in the worker.
// The worker starts on first use and stops after a while without work, which frees pdf.js and the last
// document's text.
import * as Comlink from 'comlink';
import type { ChunkOptions, TextChunk } from '../chunk-text.ts';
import type { MediaFormat } from '../detect-type.ts';
import { MediaDecodeError, type MediaErrorCode } from '../media-error.ts';
import type { ExtractedText, TextOptions } from './extract-text.ts';

/** A document cut into chunks for the text embedder, with its page count. */
export interface DocumentChunks {
  chunks: TextChunk[];
  pageCount: number;
  /** Why only part of the document was read (a PDF over its page or text cap). */
  notice?: string;
}

export type DocumentOutcome<T> =
  { ok: true; value: T } | { ok: false; code: MediaErrorCode; message: string };

export interface DocumentWorkerApi {
  extract(file: Blob, format: MediaFormat, options: TextOptions): Promise<DocumentOutcome<ExtractedText>>;
  chunks(
    file: Blob,
    format: MediaFormat,
    options: TextOptions & { chunks?: ChunkOptions },
  ): Promise<DocumentOutcome<DocumentChunks>>;
}

export interface DocumentReaderOptions {
  /** The worker stops after this long without a document to read (default 30 s). */
  idleMs?: number;
}

export class DocumentReader {
  private worker: Worker | null = null;
  private api: Comlink.Remote<DocumentWorkerApi> | null = null;
  private busy = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleMs: number;

  constructor(options: DocumentReaderOptions = {}) {
    this.idleMs = options.idleMs ?? 30_000;
  }

  /** The document's text, page by page, and its title. */
  extract(file: Blob, format: MediaFormat, options: TextOptions = {}): Promise<ExtractedText> {
    return this.run((api) => api.extract(file, format, options));
  }

  /** The document's chunks for the text embedder (chunk-text.ts), and how many pages it has. */
  chunks(
    file: Blob,
    format: MediaFormat,
    options: TextOptions & { chunks?: ChunkOptions } = {},
  ): Promise<DocumentChunks> {
    return this.run((api) => api.chunks(file, format, options));
  }

  terminate(): void {
    clearTimeout(this.idleTimer);
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.api = null;
    this.worker = null;
  }

  private async run<T>(call: (api: Comlink.Remote<DocumentWorkerApi>) => Promise<DocumentOutcome<T>>) {
    clearTimeout(this.idleTimer);
    this.busy++;
    try {
      const outcome = await call(this.start());
      if (!outcome.ok) throw new MediaDecodeError(outcome.code, outcome.message);
      return outcome.value;
    } finally {
      this.busy--;
      if (this.busy === 0) this.idleTimer = setTimeout(() => this.terminate(), this.idleMs);
    }
  }

  private start(): Comlink.Remote<DocumentWorkerApi> {
    if (!this.api) {
      this.worker = new Worker(new URL('../../../workers/document.worker.ts', import.meta.url), {
        type: 'module',
        name: 'document-reader',
      });
      this.api = Comlink.wrap<DocumentWorkerApi>(this.worker);
    }
    return this.api;
  }
}

/** The app's one document reader, shared by ingest and the viewer. */
export const documentReader = new DocumentReader();
