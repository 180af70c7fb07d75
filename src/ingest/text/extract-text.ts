// Text of plain-text, Markdown, HTML and PDF files, as pages for the chunker. Character ranges of chunks
// refer to the text returned here, which the segments keep, so a snippet can always be cut from it.
//  - .txt and .md: the decoded file exactly (Markdown syntax is kept, so ranges match the file itself).
//  - .html: the visible text only (html-text.ts: nothing runs, nothing loads).
//  - .pdf: the text layer, page by page (extract-pdf.ts).
// The work grows with the file, so the app runs this in the document worker (document-reader.ts), never
// on the page.
import type { TextPage } from '../chunk-text.ts';
import { MediaDecodeError } from '../media-error.ts';
import type { MediaFormat } from '../detect-type.ts';
import { extractPdfText, type PdfLimits } from './extract-pdf.ts';
import { htmlText } from './html-text.ts';

export interface ExtractedText {
  pages: TextPage[];
  /** The document title, where the format has one (HTML <title>, PDF metadata). */
  title?: string;
  /** Why only part of the document was read (a PDF over its page or text cap). */
  notice?: string;
}

export interface TextOptions extends PdfLimits {
  /** Larger text files are refused ('too-large'): they are read whole. */
  maxBytes?: number;
}

export async function extractText(
  file: Blob,
  format: MediaFormat,
  options: TextOptions = {},
): Promise<ExtractedText> {
  const { maxBytes = 64 * 1024 * 1024 } = options;
  if (file.size > maxBytes) {
    throw new MediaDecodeError(
      'too-large',
      `The document is ${Math.round(file.size / 1048576)} MB; the limit is ${Math.round(maxBytes / 1048576)} MB`,
    );
  }
  switch (format) {
    case 'plain':
    case 'markdown':
      return { pages: [{ page: 1, text: decodeText(await file.arrayBuffer()) }] };
    case 'html':
      return htmlText(decodeText(await file.arrayBuffer()));
    case 'pdf':
      return extractPdfText(file, options);
    default:
      throw new Error(`Not a text format: ${format}`);
  }
}

/** UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252, the usual encoding of old text files. */
export function decodeText(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  if (view[0] === 0xff && view[1] === 0xfe) return new TextDecoder('utf-16le').decode(view);
  if (view[0] === 0xfe && view[1] === 0xff) return new TextDecoder('utf-16be').decode(view);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(view);
  } catch {
    return new TextDecoder('windows-1252').decode(view);
  }
}
