/// <reference lib="webworker" />
// Reads documents off the page: the text of plain-text, Markdown, HTML and PDF files (extract-text.ts),
// and its chunks for the text embedder. See src/ingest/text/document-reader.ts.
import * as Comlink from 'comlink';
import { chunkText } from '../src/ingest/chunk-text.ts';
import { MediaDecodeError } from '../src/ingest/media-error.ts';
import { extractText } from '../src/ingest/text/extract-text.ts';
import { detectLanguage } from '../src/ingest/text/language.ts';
import type { DocumentOutcome, DocumentWorkerApi } from '../src/ingest/text/document-reader.ts';

function failed(error: unknown): DocumentOutcome<never> {
  if (error instanceof MediaDecodeError) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'decode-failed', message: (error as Error)?.message ?? String(error) };
}

const api: DocumentWorkerApi = {
  async extract(file, format, options) {
    try {
      return { ok: true, value: await extractText(file, format, options) };
    } catch (error) {
      return failed(error);
    }
  },
  async chunks(file, format, options) {
    try {
      const { pages, notice } = await extractText(file, format, options);
      // Each chunk's language: a document can change language (a bilingual leaflet, a quoted letter).
      const chunks = chunkText(pages, options.chunks).map((c) => {
        const language = detectLanguage(c.text);
        return language ? { ...c, language } : c;
      });
      return { ok: true, value: { chunks, pageCount: pages.length, ...(notice ? { notice } : {}) } };
    } catch (error) {
      return failed(error);
    }
  },
};

Comlink.expose(api);
