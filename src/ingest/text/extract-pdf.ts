// PDF text through pdf.js, page by page. Everything pdf.js needs is served by the app: its worker and the
// CMaps (for CJK fonts) are bundled assets, never fetched from a CDN. No document script ever runs:
// pdf.js 6 has no eval-based code paths left (the old isEvalSupported option is gone with them), XFA is
// off, and the scripting sandbox is a viewer feature this code never loads.
import type { PDFDocumentProxy, PDFWorker, TextItem } from 'pdfjs-dist/types/src/display/api';
import pdfWorkerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { TextPage } from '../chunk-text.ts';
import { MediaDecodeError } from '../media-error.ts';
import { dropSpacesBeforeBreaks } from './whitespace.ts';

type PdfJs = typeof import('pdfjs-dist');

// URLs of the packed CMaps, emitted as assets (never inlined); only the ones a document names are fetched.
const cmaps = import.meta.glob('/node_modules/pdfjs-dist/cmaps/*.bcmap', {
  query: '?url&no-inline',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** Hands pdf.js the CMaps from the app's own assets (pdf.js calls this when a font needs one). */
class AppBinaryDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const url = kind === 'cMapUrl' ? cmaps[`/node_modules/pdfjs-dist/cmaps/${filename}`] : undefined;
    if (!url) throw new Error(`pdf.js asked for ${kind} ${filename}, which Trove does not ship`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`CMap ${filename}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

let pdfjsPromise: Promise<{ pdfjs: PdfJs; worker: PDFWorker }> | null = null;

/** pdf.js and one worker for every document, loaded on first use (pdf.js is large). */
function loadPdfJs(): Promise<{ pdfjs: PdfJs; worker: PDFWorker }> {
  pdfjsPromise ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = pdfWorkerUrl;
    return { pdfjs, worker: new pdfjs.PDFWorker() };
  });
  return pdfjsPromise;
}

/**
 * How much of a PDF is read. Past either cap the rest is not indexed, and the result's `notice` says so:
 * pdf.js would otherwise read any number of pages, and keep any amount of text, on the user's behalf.
 */
export interface PdfLimits {
  /** Pages read at most (default 2,000). */
  maxPages?: number;
  /** Characters of text kept at most (default 5,000,000: about 2,000 dense pages, 3,500 chunks to embed). */
  maxChars?: number;
}

export const PDF_MAX_PAGES = 2_000;
export const PDF_MAX_CHARS = 5_000_000;

export async function extractPdfText(
  file: Blob,
  limits: PdfLimits = {},
): Promise<{ pages: TextPage[]; title?: string; notice?: string }> {
  const { maxPages = PDF_MAX_PAGES, maxChars = PDF_MAX_CHARS } = limits;
  const { pdfjs, worker } = await loadPdfJs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(await file.arrayBuffer()),
    worker,
    enableXfa: false,
    // Text only: no fonts are turned into CSS font faces, and no system fonts are looked up.
    disableFontFace: true,
    useSystemFonts: false,
    useWasm: false,
    BinaryDataFactory: AppBinaryDataFactory,
    useWorkerFetch: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    // Only freeing the worker's copy: the reason the PDF could not be opened is what is reported.
    await task.destroy().catch(() => undefined);
    const name = (error as Error).name;
    if (name === 'PasswordException')
      throw new MediaDecodeError('encrypted', 'The PDF is protected by a password');
    throw new MediaDecodeError('corrupt-data', `The PDF could not be read: ${(error as Error).message}`);
  }
  try {
    const pages: TextPage[] = [];
    let charsLeft = maxChars;
    let notice: string | undefined;
    const count = (n: number) => n.toLocaleString('en-US');
    for (let n = 1; n <= Math.min(doc.numPages, maxPages); n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = pageText(content.items.filter((i): i is TextItem => 'str' in i));
      page.cleanup();
      if (text.length > charsLeft) {
        pages.push({ page: n, text: text.slice(0, charsLeft) });
        notice =
          `Only the first ${count(maxChars)} characters of text (to page ${n} of ${count(doc.numPages)}) ` +
          'were indexed: the limit for one PDF';
        break;
      }
      charsLeft -= text.length;
      pages.push({ page: n, text });
    }
    if (!notice && doc.numPages > maxPages)
      notice = `Only the first ${count(maxPages)} of ${count(doc.numPages)} pages were indexed: the limit for one PDF`;
    const info = (await doc.getMetadata().catch(() => null))?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return { pages, title, notice };
  } catch (error) {
    throw new MediaDecodeError(
      'corrupt-data',
      `The PDF's text could not be read: ${(error as Error).message}`,
    );
  } finally {
    // Destroying the loading task frees the document in the worker; the shared worker stays.
    await task.destroy();
  }
}

/**
 * Joins a page's text runs: a line break where pdf.js marks the end of a line, and a blank line (a
 * paragraph break for the chunker) where the gap to the next line is clearly larger than the line height.
 * Linear in the page's text: the runs are joined once at the end, and no regular expression looks back
 * over what came before (see whitespace.ts).
 */
export function pageText(items: Pick<TextItem, 'str' | 'hasEOL' | 'transform' | 'height'>[]): string {
  const parts: string[] = [];
  let endsWithBreak = false;
  let lineY: number | null = null;
  let lineHeight = 0;
  let atLineStart = true;
  for (const item of items) {
    const y = item.transform[5] as number;
    if (atLineStart && lineY !== null && item.str) {
      const gap = lineY - y;
      if (lineHeight > 0 && gap > lineHeight * 1.8) {
        // A blank line: one break more than the line already ends with (as /\n?$/ → "\n\n" did).
        parts.push(endsWithBreak ? '\n' : '\n\n');
        endsWithBreak = true;
      }
    }
    if (item.str) {
      parts.push(item.str);
      endsWithBreak = item.str.endsWith('\n');
      atLineStart = false;
      lineY = y;
      lineHeight = Math.max(item.height, 1);
    }
    if (item.hasEOL) {
      parts.push('\n');
      endsWithBreak = true;
      atLineStart = true;
    }
  }
  return dropSpacesBeforeBreaks(parts.join('')).trim();
}
