// The visible text of an HTML file, blocks separated by blank lines so the chunker sees paragraphs. parse5
// builds the tree a browser would (the WHATWG parsing algorithm, with scripting off as in DOMParser), in
// plain JavaScript, so this runs in the document worker, where DOMParser does not exist. Nothing in the
// file runs or loads: parse5 only makes objects.
//
// Every step is linear in the document: the tree is walked with a stack of its own (a document can nest
// elements far deeper than the call stack allows), the text of a block is joined once when the block ends,
// and its whitespace is cleaned in one pass (whitespace.ts).
import { parse, type DefaultTreeAdapterTypes as Tree } from 'parse5';
import type { TextPage } from '../chunk-text.ts';
import { trimBlock } from './whitespace.ts';

const skipped = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'select',
  'button',
]);
const blocks = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tr',
  'ul',
]);

/** A step of the walk: enter a node, or finish an element once its children are done. */
type Step = { node: Tree.ChildNode; pre: boolean } | { after: 'block' | 'cell' };

/** The visible text of an HTML document, paragraph by paragraph, and its title. */
export function htmlText(html: string): { pages: TextPage[]; title?: string } {
  const doc = parse(html, { scriptingEnabled: false });
  const root = doc.childNodes.find(isElement);
  const body = root?.childNodes.find(
    (n) => isElement(n) && (n.tagName === 'body' || n.tagName === 'frameset'),
  );
  const paragraphs: string[] = [];
  let line: string[] = [];
  /** Whether the line is empty or ends with a space or line break (then a text's leading space goes). */
  let lineEndsOpen = true;
  const endBlock = () => {
    const trimmed = trimBlock(line.join(''));
    if (trimmed) paragraphs.push(trimmed);
    line = [];
    lineEndsOpen = true;
  };
  const append = (text: string) => {
    if (!text) return;
    line.push(text);
    const last = text.charCodeAt(text.length - 1);
    lineEndsOpen = last === 0x20 || last === 0x0a;
  };
  const stack: Step[] = body ? [{ node: body, pre: false }] : [];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('after' in step) {
      if (step.after === 'block') endBlock();
      else append(' ');
      continue;
    }
    const { node, pre } = step;
    if (node.nodeName === '#text') {
      const value = (node as Tree.TextNode).value;
      if (pre) {
        append(value);
      } else {
        const collapsed = value.replace(/\s+/g, ' ');
        append(lineEndsOpen ? collapsed.replace(/^ /, '') : collapsed);
      }
      continue;
    }
    if (!isElement(node)) continue;
    const tag = node.tagName.toLowerCase();
    if (skipped.has(tag) || node.attrs.some((a) => a.name === 'hidden')) continue;
    if (tag === 'br') {
      append('\n');
      continue;
    }
    const block = blocks.has(tag);
    if (block) endBlock();
    if (block) stack.push({ after: 'block' });
    else if (tag === 'td' || tag === 'th') stack.push({ after: 'cell' });
    const childPre = pre || tag === 'pre';
    for (let i = node.childNodes.length - 1; i >= 0; i--) {
      stack.push({ node: node.childNodes[i]!, pre: childPre });
    }
  }
  endBlock();
  return { pages: [{ page: 1, text: paragraphs.join('\n\n') }], title: titleOf(doc) };
}

/** document.title: the first HTML <title>'s own text, whitespace collapsed; undefined when empty. */
function titleOf(doc: Tree.Document): string | undefined {
  const stack: Tree.ChildNode[] = [...doc.childNodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    if (node.tagName === 'title' && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
      const text = node.childNodes
        .map((n) => (n.nodeName === '#text' ? (n as Tree.TextNode).value : ''))
        .join('');
      return text.replace(/[\t\n\f\r ]+/g, ' ').trim() || undefined;
    }
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
  }
  return undefined;
}

function isElement(node: Tree.ChildNode | Tree.Node): node is Tree.Element {
  return 'tagName' in node;
}
