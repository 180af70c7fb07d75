import { describe, expect, it } from 'vitest';
import { buildPdf, pdfString, wrapText } from '../../scripts/fixtures/media/pdf.ts';
import { seededBytes, seededRandom } from '../../scripts/fixtures/media/prng.ts';
import { synthesize } from '../../scripts/fixtures/media/synth.ts';
import { encodeWav16 } from '../../scripts/fixtures/media/wav.ts';

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length));

describe('encodeWav16', () => {
  it('writes a canonical RIFF/WAVE PCM header', () => {
    const wav = encodeWav16(new Float32Array(6), { sampleRate: 48_000, channels: 2 });
    const view = new DataView(wav.buffer);
    expect(ascii(wav, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
    expect(ascii(wav, 8, 8)).toBe('WAVEfmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(48_000);
    expect(view.getUint32(28, true)).toBe(48_000 * 2 * 2);
    expect(view.getUint16(32, true)).toBe(4);
    expect(view.getUint16(34, true)).toBe(16);
    expect(ascii(wav, 36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(12);
    expect(wav.length).toBe(44 + 12);
  });

  it('maps [-1, 1] onto the full int16 range and clamps beyond it', () => {
    const wav = encodeWav16(new Float32Array([0, 0.5, -0.5, 1, -1, 2, -2]), {
      sampleRate: 8000,
      channels: 1,
    });
    const view = new DataView(wav.buffer);
    const samples = Array.from({ length: 7 }, (_, i) => view.getInt16(44 + i * 2, true));
    expect(samples).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768]);
  });

  it('rejects a sample count that does not fill whole frames', () => {
    expect(() => encodeWav16(new Float32Array(3), { sampleRate: 8000, channels: 2 })).toThrow();
  });
});

describe('synthesize', () => {
  it('makes a sine of the asked frequency', () => {
    const samples = synthesize({ kind: 'sine', hz: 220 }, { sampleRate: 48_000, seconds: 1 });
    let crossings = 0;
    for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(438);
    expect(crossings).toBeLessThanOrEqual(441);
  });

  it('fades in and out and keeps the asked amplitude', () => {
    const samples = synthesize({ kind: 'sine', hz: 1000 }, { sampleRate: 8000, seconds: 1, amplitude: 0.25 });
    expect(samples[0]).toBe(0);
    expect(samples[samples.length - 1]).toBeCloseTo(0, 6);
    expect(Math.max(...samples)).toBeCloseTo(0.25, 2);
  });

  it('makes the same noise for the same seed and different noise for another', () => {
    const options = { sampleRate: 8000, seconds: 0.1 };
    const a = synthesize({ kind: 'noise', seed: 7 }, options);
    expect(synthesize({ kind: 'noise', seed: 7 }, options)).toEqual(a);
    expect(synthesize({ kind: 'noise', seed: 8 }, options)).not.toEqual(a);
  });
});

describe('seeded randomness', () => {
  it('is reproducible and spread over [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((s, v) => s + v, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(seededBytes(1, 16)).toEqual(seededBytes(1, 16));
  });
});

describe('buildPdf', () => {
  const pdf = buildPdf(['First page (with parentheses) and a \\ backslash.', 'Second page.']);
  const text = new TextDecoder().decode(pdf);

  it('points every xref entry at its object and startxref at the table', () => {
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref)) ?? [];
    expect(first).toBe('0');
    const entries = text
      .slice(startxref)
      .split('\n')
      .slice(2, 2 + Number(count));
    expect(entries[0]).toBe('0000000000 65535 f ');
    entries.slice(1).forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      const offset = Number(entry.slice(0, 10));
      expect(text.slice(offset).startsWith(`${i + 1} 0 obj\n`)).toBe(true);
    });
    expect(text).toContain(`/Size ${count}`);
  });

  it('declares each stream length exactly', () => {
    for (const match of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
      const start = match.index + match[0].length;
      expect(text.slice(start + Number(match[1]), start + Number(match[1]) + 10)).toBe('\nendstream');
    }
  });

  it('has one page object per page, in order', () => {
    expect(text).toMatch(/\/Type \/Pages \/Kids \[4 0 R 6 0 R\] \/Count 2/);
    expect(text.match(/\/Type \/Page /g)).toHaveLength(2);
    expect(text.indexOf('(First page')).toBeLessThan(text.indexOf('(Second page.)'));
  });

  it('escapes literal-string delimiters and refuses text a standard font cannot show', () => {
    expect(pdfString('a (b) \\ c')).toBe('(a \\(b\\) \\\\ c)');
    expect(() => pdfString('café')).toThrow();
    expect(() => buildPdf([])).toThrow();
  });
});

describe('wrapText', () => {
  it('breaks between words within the width and keeps every word', () => {
    const text = 'one two three four five six seven eight nine ten';
    const lines = wrapText(text, 14);
    expect(lines.every((l) => l.length <= 14)).toBe(true);
    expect(lines.join(' ')).toBe(text);
  });
});
