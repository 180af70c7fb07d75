// An audio item's thumbnail is its waveform, drawn from the decoded sound at ingest: ingested through the
// whole pipeline (Trove, real decoders, encoders on the fixture models, the library store), then read back
// from the thumbnail store the library grid and the results show it from.
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trove, PipelineOptions } from '../../src/trove.ts';
import { WAVEFORM_HEIGHT, WAVEFORM_WIDTH } from '../../src/ingest/audio/waveform-image.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { fixtureFile } from '../support/media-files.ts';

const RATE = 48_000;

/** A mono 16-bit WAV: 1 s of silence, 1 s of a 440 Hz tone at 0.3, 1 s of silence. */
function silenceToneSilence(): File {
  const n = 3 * RATE;
  const data = new DataView(new ArrayBuffer(44 + n * 2));
  const text = (o: number, s: string) => [...s].forEach((c, i) => data.setUint8(o + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  data.setUint32(4, 36 + n * 2, true);
  text(8, 'WAVEfmt ');
  data.setUint32(16, 16, true);
  data.setUint16(20, 1, true);
  data.setUint16(22, 1, true);
  data.setUint32(24, RATE, true);
  data.setUint32(28, RATE * 2, true);
  data.setUint16(32, 2, true);
  data.setUint16(34, 16, true);
  text(36, 'data');
  data.setUint32(40, n * 2, true);
  for (let i = RATE; i < 2 * RATE; i++)
    data.setInt16(44 + i * 2, Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 440 * i) / RATE)), true);
  return new File([data.buffer], 'tone-between-silences.wav', { type: 'audio/wav' });
}

/** The picture as the page shows it: an <img> of the stored blob, drawn at its natural size. */
async function rendered(blob: Blob): Promise<ImageData> {
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Per pixel column, how many pixels are bar-coloured (light blue), not background or the midline. */
function barHeights(image: ImageData): number[] {
  const heights: number[] = [];
  for (let x = 0; x < image.width; x++) {
    let h = 0;
    for (let y = 0; y < image.height; y++) {
      const i = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      if (b > 200 && g > 150 && r > 100) h++;
    }
    heights.push(h);
  }
  return heights;
}

const columns = (heights: number[], from: number, to: number) =>
  heights.slice(Math.round(from * WAVEFORM_WIDTH), Math.round(to * WAVEFORM_WIDTH));

const configs: [string, PipelineOptions][] = [
  ['decoded whole by the browser', { transcribe: false }],
  [
    'decoded by ffmpeg in 1 s chunks',
    { transcribe: false, maxWholeAudioBytes: 0, audioChunkS: 1, audioWindows: { windowS: 1, hopS: 1 } },
  ],
];

describe.each(configs)('an audio item %s', (_, pipeline) => {
  const names = freshNames('waveform');
  let trove: Trove;
  const thumbs = new Map<string, ImageData>();

  beforeAll(async () => {
    trove = await openTestTrove(names, { pipeline });
    const files = [
      silenceToneSilence(),
      await fixtureFile('audio/low-hum.wav'),
      await fixtureFile('video/timeline.mp4'),
    ];
    const report = await trove.addFiles(files);
    await trove.queue.whenIdle();
    for (const [i, f] of report.files.entries()) {
      const item = await trove.library.getItem(f.itemId!);
      expect(item?.status, item?.error?.message).toBe('ready');
      const stored = await trove.library.thumbnailsOfItem(f.itemId!);
      const first = stored.sort((a, b) => a.id.localeCompare(b.id))[0]!;
      thumbs.set(files[i]!.name, await rendered(first.blob));
    }
  }, MAX_TEST_EXECUTION_TIME);

  afterAll(() => destroyTrove(trove, names));

  it('has one thumbnail, its waveform, the size of a video frame', async () => {
    expect([
      thumbs.get('tone-between-silences.wav')!.width,
      thumbs.get('tone-between-silences.wav')!.height,
    ]).toEqual([WAVEFORM_WIDTH, WAVEFORM_HEIGHT]);
    const items = await trove.library.listItems();
    const audio = items.find((i) => i.name === 'tone-between-silences.wav')!;
    const stored = await trove.library.thumbnailsOfItem(audio.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.blob.type).toBe('image/svg+xml');
    expect([stored[0]!.width, stored[0]!.height]).toEqual([WAVEFORM_WIDTH, WAVEFORM_HEIGHT]);
    const segments = await trove.library.getSegments(audio.id);
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.every((s) => s.thumbnailId === undefined)).toBe(true);
  });

  it('draws tall bars where the tone is and a flat line where it is silent', () => {
    const heights = barHeights(thumbs.get('tone-between-silences.wav')!);
    const tall = 0.6 * WAVEFORM_HEIGHT;
    // Away from the edges of the tone, where a bar may hold a little of both.
    const silent = [...columns(heights, 0.02, 0.3), ...columns(heights, 0.7, 0.98)];
    const tone = columns(heights, 0.37, 0.63);
    expect(Math.max(...silent)).toBe(0);
    // Bars are 2 px with a 1 px gap: most columns of the tone are bar.
    expect(tone.filter((h) => h >= tall).length).toBeGreaterThan(tone.length / 2);
  });

  it('a tone throughout has bars all along', () => {
    const heights = barHeights(thumbs.get('low-hum.wav')!);
    const bars = columns(heights, 0.02, 0.98);
    expect(bars.filter((h) => h >= 0.6 * WAVEFORM_HEIGHT).length).toBeGreaterThan(bars.length / 2);
  });

  it('a video keeps its first frame as its thumbnail', () => {
    expect(barHeights(thumbs.get('timeline.mp4')!).every((h) => h === 0)).toBe(true);
  });
});
