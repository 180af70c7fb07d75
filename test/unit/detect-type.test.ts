import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectType, extensionOf, SNIFF_BYTES } from '../../src/ingest/detect-type.ts';
import { mediaRoot } from '../../scripts/fixtures/media/paths.ts';
import type { ManifestEntry } from '../../scripts/fixtures/media/manifest.ts';

const manifest = JSON.parse(readFileSync(path.join(mediaRoot, 'MANIFEST.json'), 'utf8')) as {
  files: ManifestEntry[];
};

async function head(rel: string): Promise<{ bytes: Uint8Array; size: number }> {
  const file = await open(path.join(mediaRoot, rel));
  try {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    await file.read(buffer, 0, buffer.length, 0);
    return { bytes: new Uint8Array(buffer), size };
  } finally {
    await file.close();
  }
}

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

/** The name a fixture is added under: a hostile name where the name is the point, else its own. */
const nameOf = (f: ManifestEntry) => f.facts.dropAs ?? f.file;

describe('detectType on the fixture media', () => {
  // Every fixture Trove must take: the good media, and the hostile files made to be taken unharmed.
  const good = manifest.files.filter((f) => f.kind !== 'bad' && !f.facts.failure);
  type Entry = (typeof good)[number];
  // A WebM is video to detection even when it holds sound only: the pipeline learns that when it probes the
  // streams (as for hostile/no-duration-audio.webm).
  const mimeOf = (f: Entry) => (f.mime === 'audio/webm' ? 'video/webm' : f.mime);
  // Folders named for what they test (hostile/, places/, ocr/, languages/) hold media of any kind: those are
  // the kind their container says, and documents (markup and script included) are text to detection.
  const mediaKinds = ['image', 'audio', 'video', 'text'];
  const kindOf = (f: Entry) =>
    mediaKinds.includes(f.kind)
      ? f.kind
      : /^(video|audio|image)\//.test(mimeOf(f))
        ? mimeOf(f).split('/')[0]
        : 'text';

  it.each(good.map((f) => [f.path, f] as const))('%s is recognised by its content', async (rel, entry) => {
    const { bytes, size } = await head(rel);
    const result = detectType(bytes, nameOf(entry), size);
    expect(result).toMatchObject({ ok: true, type: { mime: mimeOf(entry), kind: kindOf(entry) } });
  });

  it('recognises a fixture by content alone, whatever it is called', async () => {
    for (const entry of good) {
      const { bytes, size } = await head(entry.path);
      const result = detectType(bytes, 'renamed-without-extension', size);
      if (kindOf(entry) === 'text' && entry.mime !== 'application/pdf' && entry.mime !== 'text/html') {
        expect(result, entry.path).toMatchObject({ ok: true, type: { format: 'plain' } });
      } else if (entry.mime === 'audio/mp4') {
        // The M4A brand marks it as audio even without the name.
        expect(result, entry.path).toMatchObject({ ok: true, type: { kind: 'audio' } });
      } else {
        expect(result, entry.path).toMatchObject({ ok: true, type: { mime: mimeOf(entry) } });
      }
    }
  });

  // What the bytes alone tell: emptiness, a name that lies, binary named as text, a type Trove does not take.
  // Of the corrupt files only bad/not-a-video.webm has no signature at all; the others reach their decoder.
  const atDetection = ['empty-file', 'wrong-content-for-extension', 'binary-as-text', 'unsupported-type'];
  const rejectedAtDetection = manifest.files.filter(
    (f) =>
      (f.kind === 'bad' || f.kind === 'hostile') &&
      (atDetection.includes(f.facts.failure!) || f.path === 'bad/not-a-video.webm'),
  );

  it.each(rejectedAtDetection.map((f) => [f.path, f] as const))(
    '%s gets its own clear error',
    async (rel, entry) => {
      const { bytes, size } = await head(rel);
      const result = detectType(bytes, nameOf(entry), size);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(entry.facts.failure);
      expect(result.message).toContain(nameOf(entry));
    },
  );

  it('says what a renamed file really is', async () => {
    const { bytes, size } = await head('bad/not-an-image.png');
    const result = detectType(bytes, 'not-an-image.png', size);
    expect(result).toMatchObject({ ok: false, message: 'not-an-image.png is named .png but is text' });
    const pdf = await head('text/bread-recipe.pdf');
    expect(detectType(pdf.bytes, 'holiday.jpg', pdf.size)).toMatchObject({
      ok: false,
      code: 'wrong-content-for-extension',
      message: 'holiday.jpg is named .jpg but is a PDF document',
    });
  });

  it('lets truncated and corrupt files with a valid header through, for the decoder to reject', async () => {
    for (const [rel, mime] of [
      ['bad/truncated.png', 'image/png'],
      ['bad/truncated.mp4', 'video/mp4'],
      ['bad/corrupt.wav', 'audio/wav'],
      ['bad/corrupt.pdf', 'application/pdf'],
    ] as const) {
      const { bytes, size } = await head(rel);
      expect(detectType(bytes, path.basename(rel), size), rel).toMatchObject({ ok: true, type: { mime } });
    }
  });
});

describe('detectType on hand-made headers', () => {
  it('accepts a same-kind mismatch (a PNG named .jpg) since decoders go by content', () => {
    expect(detectType(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], 'xxxx'), 'photo.jpg')).toMatchObject({
      ok: true,
      type: { format: 'png' },
    });
  });

  it('reads an MP4 or WebM container named as audio as an audio file', () => {
    const isom = bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0], 'isomiso2');
    expect(detectType(isom, 'song.m4a')).toMatchObject({
      ok: true,
      type: { kind: 'audio', mime: 'audio/mp4' },
    });
    expect(detectType(isom, 'clip.mp4')).toMatchObject({
      ok: true,
      type: { kind: 'video', mime: 'video/mp4' },
    });
    const webm = bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm');
    expect(detectType(webm, 'voice.weba')).toMatchObject({
      ok: true,
      type: { kind: 'audio', mime: 'audio/webm' },
    });
    expect(detectType(webm, 'clip.webm')).toMatchObject({
      ok: true,
      type: { kind: 'video', mime: 'video/webm' },
    });
  });

  it('knows the headers that have no fixture', () => {
    expect(detectType(bytes('GIF87a', [1, 0, 1, 0]), 'a.gif')).toMatchObject({
      ok: true,
      type: { format: 'gif' },
    });
    expect(detectType(bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), 'a.aac')).toMatchObject({
      ok: true,
      type: { format: 'aac' },
    });
    expect(detectType(bytes([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]), 'a.mp3')).toMatchObject({
      ok: true,
      type: { format: 'mp3' },
    });
    expect(detectType(bytes('ID3', [4, 0, 0, 0, 0, 0, 0]), 'a.mp3')).toMatchObject({
      ok: true,
      type: { format: 'mp3' },
    });
    expect(detectType(bytes([0, 0, 0, 0x14], 'ftypmif1', [0, 0, 0, 0], 'avif'), 'a.avif')).toMatchObject({
      ok: true,
      type: { format: 'avif' },
    });
    expect(detectType(bytes([0, 0, 0, 8], 'moov', [0, 0]), 'old.mov')).toMatchObject({
      ok: true,
      type: { format: 'mov' },
    });
    expect(detectType(bytes('<!DOCTYPE html><p>hi'), 'page.txt')).toMatchObject({
      ok: true,
      type: { format: 'html' },
    });
    expect(detectType(bytes('# Title\n\nBody'), 'notes.md')).toMatchObject({
      ok: true,
      type: { format: 'markdown' },
    });
    expect(detectType(bytes('caf', [0xe9], ' au lait'), 'latin1.txt')).toMatchObject({
      ok: true,
      type: { format: 'plain' },
    });
    expect(detectType(bytes([0xff, 0xfe], 'h', [0], 'i', [0]), 'utf16.txt')).toMatchObject({
      ok: true,
      type: { format: 'plain' },
    });
  });

  it('names a known unsupported format', () => {
    expect(
      detectType(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'), 'IMG_1.heic'),
    ).toMatchObject({
      ok: false,
      code: 'unsupported-type',
      message: expect.stringContaining('HEIC'),
    });
    expect(detectType(bytes('PK', [3, 4, 20, 0]), 'report.docx')).toMatchObject({
      ok: false,
      code: 'unsupported-type',
      message: expect.stringContaining('ZIP'),
    });
    expect(detectType(bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'old.avi')).toMatchObject({
      ok: false,
      code: 'unsupported-type',
    });
  });

  it('says what a renamed file really is, in plain words', () => {
    expect(detectType(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'clip.mp4')).toMatchObject({
      ok: false,
      message: 'clip.mp4 is named .mp4 but is a WAV audio file',
    });
    expect(detectType(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], 'xxxx'), 'song.mp3')).toMatchObject({
      ok: false,
      message: 'song.mp3 is named .mp3 but is a PNG image',
    });
    expect(detectType(bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0], 'isomiso2'), 'a.jpg')).toMatchObject({
      ok: false,
      message: 'a.jpg is named .jpg but is an MP4 video',
    });
  });

  it('refuses an SVG by its content, whatever it is called', () => {
    const svg =
      '<?xml version="1.0"?>\n<!-- a <svg> in a comment -->\n<!DOCTYPE svg>\n<svg xmlns="x"><script/></svg>';
    for (const name of ['logo.svg', 'logo.png', 'logo.txt', 'logo']) {
      expect(detectType(bytes(svg), name), name).toMatchObject({
        ok: false,
        code: 'unsupported-type',
        message: expect.stringContaining(`${name} is an SVG image`),
      });
    }
    // Markup that only mentions svg, or holds one inline, is not an SVG file.
    expect(detectType(bytes('<svgish>text'), 'notes.txt')).toMatchObject({ ok: true });
    expect(detectType(bytes('<!-- never closed <svg>'), 'notes.txt')).toMatchObject({ ok: true });
    expect(detectType(bytes('<!doctype html><svg></svg>'), 'page.html')).toMatchObject({
      ok: true,
      type: { format: 'html' },
    });
  });

  it('sends a library backup added as media to Settings', () => {
    const backup = bytes([0x89], 'TROVE\r\n', [0x1a, 0x0a, 1, 0, 1]);
    expect(detectType(backup, 'trove-library-2026-01-01.trove')).toMatchObject({
      ok: false,
      code: 'unsupported-type',
      message: expect.stringContaining('is a Trove library backup: import it in Settings'),
    });
  });

  it('does not mistake a multi-byte character cut at the sample edge for binary', () => {
    const text = new TextEncoder().encode('ü'.repeat(SNIFF_BYTES));
    expect(detectType(text.subarray(0, SNIFF_BYTES - 1), 'umlauts.txt', text.length)).toMatchObject({
      ok: true,
    });
  });
});

describe('extensionOf', () => {
  it('takes the last extension, lower-cased, and ignores dot-files and folders', () => {
    expect(extensionOf('a/b.c/Photo.JPG')).toBe('jpg');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('README')).toBe('');
  });
});
