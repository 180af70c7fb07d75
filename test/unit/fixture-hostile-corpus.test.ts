// Guards the hostile corpus the fixture generator makes (scripts/fixtures/media/hostile-*.ts): each file is
// made the same way every time and is the committed one, the corpus covers what issue 21 asks for, and
// each image states, to Trove's own header reader, the size its manifest entry claims.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostileCorpus } from '../../scripts/fixtures/media/hostile-corpus.ts';
import { sparseText, writeSparseText } from '../../scripts/fixtures/media/hostile-sparse.ts';
import type { ManifestEntry } from '../../scripts/fixtures/media/manifest.ts';
import { mediaRoot } from '../../scripts/fixtures/media/paths.ts';
import { detectType } from '../../src/ingest/detect-type.ts';
import { readHeaderSize } from '../../src/ingest/image/header-size.ts';
import { DEFAULT_PIXEL_LIMITS, overLimits } from '../../src/ingest/image/pixel-limit.ts';

const manifest = (
  JSON.parse(readFileSync(path.join(mediaRoot, 'MANIFEST.json'), 'utf8')) as { files: ManifestEntry[] }
).files;
const corpus = manifest.filter((e) => e.kind === 'bad' || e.kind === 'hostile');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the hostile corpus', () => {
  it.each(hostileCorpus.map((f) => [f.file, f] as const))(
    '%s is made the same every time, and is the committed file',
    async (file, made) => {
      const first = await made.bytes();
      const second = await made.bytes();
      expect(sha256(second)).toBe(sha256(first));
      const entry = manifest.find((e) => e.path === `hostile/${file}`);
      expect(entry?.sha256, 'committed and listed').toBe(sha256(first));
    },
    20_000,
  );

  it('has at least 30 files, each either refused for a stated reason or taken, and stays small', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const e of corpus) {
      expect(e.facts.note, e.path).toBeTruthy();
      if (e.kind === 'bad') expect(e.facts.failure, e.path).toBeTruthy();
    }
    // "Huge" is a claim in a header, never bytes on disk.
    expect(corpus.reduce((n, e) => n + e.bytes, 0)).toBeLessThan(4 * 1024 * 1024);
  });

  it('gives a name to add under only where the name is the hostile part, and names stay unique', () => {
    const names = corpus.map((e) => e.facts.dropAs ?? e.file);
    expect(new Set(names).size).toBe(names.length);
    const renamed = corpus.filter((e) => e.facts.dropAs !== undefined).map((e) => e.facts.dropAs!);
    expect(renamed.some((n) => n.includes('\u0000'))).toBe(true);
    expect(renamed.some((n) => n.length > 255)).toBe(true);
    expect(renamed.some((n) => /<img [^>]*onerror=/.test(n))).toBe(true);
  });

  it.each(
    corpus.filter((e) => e.mime.startsWith('image/') && e.facts.width).map((e) => [e.path, e] as const),
  )('%s states its claimed size to the header reader, over the pixel limit', (file, entry) => {
    const bytes = new Uint8Array(readFileSync(path.join(mediaRoot, file)));
    const detected = detectType(bytes.subarray(0, 4096), entry.file, bytes.length);
    expect(detected.ok, file).toBe(true);
    if (!detected.ok) return;
    const read = readHeaderSize(bytes, detected.type.format);
    expect(read).toEqual({ ok: true, sizes: [{ width: entry.facts.width, height: entry.facts.height }] });
    expect(
      overLimits({ width: entry.facts.width!, height: entry.facts.height! }, DEFAULT_PIXEL_LIMITS),
    ).toBeTruthy();
  });

  it('writes the document over the size limit sparse: text first, then a hole', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trove-sparse-'));
    try {
      const file = path.join(dir, sparseText.file);
      writeSparseText(file);
      const stat = statSync(file);
      expect(stat.size).toBe(sparseText.bytes);
      expect(stat.size).toBeGreaterThan(64 * 1024 * 1024);
      // Blocks on disk, in 512-byte units: the text, not the 65 MB.
      expect(stat.blocks * 512).toBeLessThan(1024 * 1024);
      const head = new Uint8Array(4096);
      const fd = openSync(file, 'r');
      readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      expect(detectType(head, sparseText.file, stat.size)).toMatchObject({
        ok: true,
        type: { format: 'plain' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
