// Text of plain-text, Markdown and HTML files, as pages for the chunker. Character ranges of chunks refer
// to the text returned here, which the segments keep, so a snippet can always be cut from it.
//  - .txt and .md: the decoded file exactly (Markdown syntax is kept, so ranges match the file itself).
//  - .html: the visible text only, read with DOMParser (no script runs, nothing loads), blocks separated by
//    blank lines so the chunker sees paragraphs. DOMParser exists on the page only, not in workers.
import type { TextPage } from '../chunk-text.ts';
import { MediaDecodeError } from '../media-error.ts';
import type { MediaFormat } from '../detect-type.ts';
import { extractPdfText, type PdfLimits } from './extract-pdf.ts';

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

const skipped = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'HEAD',
  'SVG',
  'MATH',
  'IFRAME',
  'OBJECT',
  'CANVAS',
  'SELECT',
  'BUTTON',
]);
const blocks = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'CAPTION',
  'DD',
  'DETAILS',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TR',
  'UL',
]);

/** The visible text of an HTML document, paragraph by paragraph. */
export function htmlText(html: string): ExtractedText {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const parts: string[] = [];
  let line = '';
  const endBlock = () => {
    const trimmed = line.replace(/^\s*\n|\s+$/g, '').replace(/^ +(?=\S)/, '');
    if (trimmed) parts.push(trimmed);
    line = '';
  };
  const walk = (node: Node, pre: boolean) => {
    if (node.nodeType === Node.TEXT_NODE) {
      if (pre) {
        line += node.textContent ?? '';
      } else {
        const collapsed = (node.textContent ?? '').replace(/\s+/g, ' ');
        line +=
          line === '' || line.endsWith(' ') || line.endsWith('\n') ? collapsed.replace(/^ /, '') : collapsed;
      }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    const tag = el.tagName.toUpperCase();
    if (skipped.has(tag) || el.hasAttribute('hidden')) return;
    if (tag === 'BR') {
      line += '\n';
      return;
    }
    const block = blocks.has(tag);
    if (block) endBlock();
    for (const child of el.childNodes) walk(child, pre || tag === 'PRE');
    if (block) endBlock();
    else if (tag === 'TD' || tag === 'TH') line += ' ';
  };
  if (doc.body) walk(doc.body, false);
  endBlock();
  const title = doc.title.trim() || undefined;
  return { pages: [{ page: 1, text: parts.join('\n\n') }], title };
}
