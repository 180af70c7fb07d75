// The visible text of HTML, read without a DOM (html-text.ts runs in the document worker): the blocks a
// browser would show as paragraphs, and linear time on the documents that froze the page (issue 21).
import { describe, expect, it } from 'vitest';
import { htmlText } from '../../src/ingest/text/html-text.ts';
import { growthEightfold, LINEAR_EIGHTFOLD } from '../support/time-growth.ts';

const textOf = (html: string) => htmlText(html).pages[0]!.text;

describe('htmlText', () => {
  it('gives each block its own paragraph, collapses whitespace, and keeps <pre> and <br> lines', () => {
    expect(
      textOf(`<h1>Title</h1><p>One   <b>bold</b>
        word</p><ul><li>first</li><li>second</li></ul><pre>  two
  lines</pre><p>a<br>b</p>`),
    ).toBe('Title\n\nOne bold word\n\nfirst\n\nsecond\n\ntwo\n  lines\n\na\nb');
  });

  it('separates table cells with a space and rows as paragraphs', () => {
    expect(textOf('<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>')).toBe(
      'a b\n\nc d',
    );
  });

  it('skips scripts, styles, hidden parts, templates and embedded documents', () => {
    expect(
      textOf(`<head><style>p{}</style><script>x()</script></head><body><p>kept</p>
        <div hidden>secret</div><template>tpl</template><noscript>fallback</noscript>
        <script>y()</script><svg><text>vector</text></svg><iframe srcdoc="<p>inner</p>"></iframe>
        <select><option>choice</option></select><p>also kept</p></body>`),
    ).toBe('kept\n\nalso kept');
  });

  it('builds the tree a browser would from sloppy markup (implied ends, stray tags)', () => {
    expect(textOf('<p>one<p>two<div>three</span>four</div>five')).toBe('one\n\ntwo\n\nthreefour\n\nfive');
  });

  it('reads the title as document.title does, and gives none when it is blank', () => {
    expect(htmlText('<title>  Travel\n  notes </title><p>x').title).toBe('Travel notes');
    expect(htmlText('<title> </title><p>x').title).toBeUndefined();
    expect(htmlText('<p>x</p><svg><title>not this</title></svg>').title).toBeUndefined();
  });

  it('reads markup as text where the document escapes it, and never runs or loads anything', () => {
    expect(textOf('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><img src=x onerror="alert(2)">')).toBe(
      '<script>alert(1)</script>',
    );
  });

  it('reads 40k <br> in a paragraph and 200k spaces in a <pre>', () => {
    const breaks = '\n'.repeat(40_000);
    expect(textOf(`<p>a${'<br>'.repeat(40_000)}b</p>`)).toBe(`a${breaks}b`);
    const spaces = ' '.repeat(200_000);
    expect(textOf(`<pre>${spaces}</pre><p>after</p>`)).toBe('after');
    expect(textOf(`<pre>x${spaces}y${spaces}</pre>`)).toBe(`x${spaces}y`);
  });

  it('walks elements nested deeper than the call stack allows', () => {
    const depth = 100_000;
    expect(textOf(`${'<span>'.repeat(depth)}deep${'</span>'.repeat(depth)}`)).toBe('deep');
  });

  it('takes about 8x as long for 8x the line breaks or spaces', () => {
    const breaks = growthEightfold((n) => {
      const html = `<p>a${'<br>'.repeat(n)}b</p>`;
      return () => htmlText(html);
    }, 2_000);
    expect(breaks).toBeLessThan(LINEAR_EIGHTFOLD);
    const spaces = growthEightfold((n) => {
      const html = `<pre>x${' '.repeat(n)}y${' '.repeat(n)}</pre>`;
      return () => htmlText(html);
    }, 4_000);
    expect(spaces).toBeLessThan(LINEAR_EIGHTFOLD);
  });
});
