import { describe, expect, it } from 'vitest';
import { extractText } from '../../src/ingest/text/extract-text.ts';
import { htmlText } from '../../src/ingest/text/html-text.ts';
import { documentReader } from '../../src/ingest/text/document-reader.ts';
import { chunkText } from '../../src/ingest/chunk-text.ts';
import { detectFileType } from '../../src/ingest/detect-type.ts';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { entry, fixtureFile } from '../support/media-files.ts';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** A fixture's text as the app reads it: in the document worker. */
async function extractFixture(path: string) {
  const file = await fixtureFile(path);
  const detected = await detectFileType(file);
  if (!detected.ok) throw new Error(detected.message);
  return documentReader.extract(file, detected.type.format);
}

describe('text extraction', () => {
  it.each(['text/kite-diary.txt', 'text/plumbing-notes.md'])(
    '%s is its own text, unchanged',
    async (path) => {
      const facts = (await entry(path)).facts;
      const { pages } = await extractFixture(path);
      // Byte for byte the file (so character ranges match it), which is the manifest's text plus a newline.
      expect(pages).toEqual([{ page: 1, text: await (await fixtureFile(path)).text() }]);
      expect(pages[0]!.text.trimEnd()).toBe(facts.text);
      const chunks = chunkText(pages);
      expect(chunks).toHaveLength(1);
      expect(pages[0]!.text.slice(chunks[0]!.start, chunks[0]!.end)).toBe(facts.text!.trim());
    },
  );

  it('reads the visible text of HTML, paragraph by paragraph, without style or title', async () => {
    const facts = (await entry('text/travel-notes.html')).facts;
    const { pages, title } = await extractFixture('text/travel-notes.html');
    expect(pages).toHaveLength(1);
    expect(squash(pages[0]!.text)).toBe(squash(facts.text!));
    // Each block is its own paragraph for the chunker.
    expect(pages[0]!.text.split('\n\n').map(squash)).toEqual(facts.text!.split('\n').map(squash));
    expect(title).toBe('Travel notes');
  });

  it('never runs scripts or loads resources in HTML, and skips hidden parts', async () => {
    const marker = `trove-html-${Math.random()}`;
    const html = `<html><head><script>window['${marker}']=1</script></head><body>
      <p>Visible <b>bold</b> text</p><img src="/should-not-load.png" onerror="window['${marker}']=2">
      <script>window['${marker}']=3</script><noscript>fallback</noscript><div hidden>secret</div>
      <table><tr><td>a</td><td>b</td></tr></table><pre>  two
  lines</pre></body></html>`;
    const { pages } = htmlText(html);
    await new Promise((r) => setTimeout(r, 100));
    expect((window as unknown as Record<string, unknown>)[marker]).toBeUndefined();
    expect(performance.getEntriesByName(new URL('/should-not-load.png', location.href).href)).toEqual([]);
    expect(pages[0]!.text).toBe('Visible bold text\n\na b\n\ntwo\n  lines');
  });

  it('reads a PDF page by page, and chunks keep their page', async () => {
    const facts = (await entry('text/bread-recipe.pdf')).facts;
    const { pages } = await extractFixture('text/bread-recipe.pdf');
    expect(pages.map((p) => p.page)).toEqual(facts.pages!.map((_, i) => i + 1));
    expect(pages.map((p) => squash(p.text))).toEqual(facts.pages!.map(squash));
    const chunks = chunkText(pages);
    expect(chunks.map((c) => c.page)).toEqual([1, 2]);
    for (const c of chunks) expect(pages[c.page - 1]!.text.slice(c.start, c.end)).toBe(c.text);
  });

  it('reads CJK text through a predefined CMap served by the app, fetching nothing from elsewhere', async () => {
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      null, // the content stream, below
      '<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiMin-W3 /Encoding /UniJIS-UCS2-H /DescendantFonts [6 0 R] >>',
      '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiMin-W3 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /FontDescriptor 7 0 R >>',
      '<< /Type /FontDescriptor /FontName /HeiseiMin-W3 /Flags 6 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
    ];
    const content = 'BT /F1 12 Tf 10 100 Td <6C346F0F> Tj ET';
    let pdf = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(pdf.length);
      pdf += `${i + 1} 0 obj\n${body ?? `<< /Length ${content.length} >>\nstream\n${content}\nendstream`}\nendobj\n`;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
    pdf += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    const { pages } = await extractText(new Blob([pdf]), 'pdf');
    // UCS-2 codes 6C34 6F0F are 水漏 ("water leak").
    expect(pages[0]!.text).toBe('水漏');
    const fetched = performance.getEntriesByType('resource').map((e) => new URL(e.name).origin);
    expect(new Set(fetched)).toEqual(new Set([location.origin]));
  });

  it('reports a corrupt PDF as corrupt', async () => {
    const error = await extractFixture('bad/corrupt.pdf').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaDecodeError);
    expect((error as MediaDecodeError).code).toBe('corrupt-data');
  });

  it('decodes legacy Windows-1252 and UTF-16 text', async () => {
    const latin = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]);
    expect((await extractText(new Blob([latin]), 'plain')).pages[0]!.text).toBe('café €');
    const utf16 = new Uint8Array([0xff, 0xfe, 0x68, 0, 0x69, 0]);
    expect((await extractText(new Blob([utf16]), 'plain')).pages[0]!.text).toBe('hi');
  });

  it('refuses a text file over the size limit', async () => {
    const error = await extractText(new Blob(['x'.repeat(2000)]), 'plain', { maxBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect((error as MediaDecodeError).code).toBe('too-large');
  });
});
