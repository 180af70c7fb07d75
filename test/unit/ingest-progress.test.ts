import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../src/ingest/eta.ts';
import { fileFraction } from '../../src/ingest/stage-weights.ts';
import { chunkWindows } from '../../src/ingest/audio/audio-segments.ts';
import { planAudioWindows } from '../../src/ingest/audio/windows.ts';

describe('file progress', () => {
  it('grows through the stages of a kind and reaches 1 at the last one', () => {
    const stages = ['reading', 'decoding', 'frames', 'audio', 'transcribing', 'writing', 'indexing'] as const;
    const points = stages.flatMap((s) => [fileFraction('video', s, 0), fileFraction('video', s, 0.5)]);
    expect(points).toEqual([...points].sort((a, b) => a - b));
    expect(fileFraction('video', 'reading', 0)).toBe(0);
    expect(fileFraction('video', 'indexing', 1)).toBeCloseTo(1, 10);
    expect(fileFraction('video', 'frames', 1)).toBeGreaterThan(fileFraction('video', 'frames', 0.2));
  });

  it('clamps fractions outside 0…1', () => {
    expect(fileFraction('image', 'embedding', 7)).toBe(fileFraction('image', 'embedding', 1));
    expect(fileFraction('image', 'embedding', -1)).toBe(fileFraction('image', 'embedding', 0));
  });
});

describe('ETA', () => {
  it('knows nothing before a file finishes', () => {
    expect(new EtaEstimator().estimate([{ kind: 'image', size: 1000, fraction: 0 }])).toBeNull();
    expect(new EtaEstimator().estimate([])).toBe(0);
  });

  it('predicts a kind from its own finished files, half fixed cost and half per byte', () => {
    const eta = new EtaEstimator();
    eta.record('video', 10_000_000, 20);
    eta.record('video', 30_000_000, 60);
    // Mean 40 s; 2 µs a byte: a 20 MB video is 0.5·40 + 0.5·40 = 40 s, a 60 MB one 0.5·40 + 0.5·120 = 80 s.
    expect(eta.predict('video', 20_000_000)).toBeCloseTo(40, 6);
    expect(eta.predict('video', 60_000_000)).toBeCloseTo(80, 6);
    // Unknown kinds fall back to the mean file.
    expect(eta.predict('text', 1)).toBeCloseTo(40, 6);
  });

  it('counts only what is left of files in progress, shared over the files worked on at once', () => {
    const eta = new EtaEstimator();
    eta.record('image', 1000, 2);
    const left = [
      { kind: 'image' as const, size: 1000, fraction: 0.5 },
      { kind: 'image' as const, size: 1000, fraction: 0 },
    ];
    expect(eta.estimate(left)).toBeCloseTo(3, 6);
    expect(eta.estimate(left, 2)).toBeCloseTo(1.5, 6);
  });
});

describe('audio windows by chunk', () => {
  it('put every window where planning the whole recording would, whatever the chunk length', () => {
    const rate = 48_000;
    for (const total of [3, 10, 10.96, 61, 73, 300.5]) {
      for (const chunkS of [30, 60, 120]) {
        const got: [number, number][] = [];
        for (let start = 0; start < total; start += chunkS) {
          const available = Math.min(total - start, chunkS + 10);
          const last = start + chunkS >= total || available < chunkS + 10;
          const chunk = {
            pcm48k: new Float32Array(Math.round(available * rate)),
            spanS: last ? available : chunkS,
            last,
          };
          for (const [a, b] of chunkWindows(chunk))
            got.push([Math.round((start + a) * 1e3) / 1e3, Math.round((start + b) * 1e3) / 1e3]);
          if (last) break;
        }
        const want = planAudioWindows(total).map(([a, b]) => [
          Math.round(a * 1e3) / 1e3,
          Math.round(b * 1e3) / 1e3,
        ]);
        expect(got, `${total} s in ${chunkS} s chunks`).toEqual(want);
      }
    }
  });
});
