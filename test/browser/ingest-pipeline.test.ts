// The whole ingest path on every fixture, good and bad, added as one batch through the Trove facade: real
// ffmpeg.wasm, real transformers.js on the fixture models, real IndexedDB, OPFS and the vector index worker.
import { MAX_TEST_EXECUTION_TIME } from '../support/time-budgets.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddReport, QueueSnapshot, Trove } from '../../src/trove.ts';
import type { ItemRecord, SegmentRecord, Space } from '../../src/library/records.ts';
import { planAudioWindows } from '../../src/ingest/audio/windows.ts';
import type { ManifestEntry } from '../../scripts/fixtures/media/manifest.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { fixtureFile, manifest } from '../support/media-files.ts';

const dims: Record<Space, number> = { clip: 32, clap: 24, text: 16 };
const names = freshNames('pipeline');
let trove: Trove;
let entries: ManifestEntry[];
let report: AddReport;
const snapshots: QueueSnapshot[] = [];
let final: QueueSnapshot;
const items = new Map<string, ItemRecord>();
const segments = new Map<string, SegmentRecord[]>();

const kindOf = (e: ManifestEntry) => e.kind;
const good = () => entries.filter((e) => kindOf(e) !== 'bad');
const bad = () => entries.filter((e) => kindOf(e) === 'bad');
const ofKind = (k: string) => entries.filter((e) => kindOf(e) === k);
const segs = (path: string, kind?: SegmentRecord['kind']) =>
  segments.get(path)!.filter((s) => !kind || s.kind === kind);

beforeAll(async () => {
  // The hostile corpus has its own spec (test/e2e/hostile-corpus.spec.ts); some of its files are good files
  // under another name, which one batch would rightly take as one item.
  entries = (await manifest()).filter((e) => kindOf(e) !== 'hostile');
  trove = await openTestTrove(names);
  trove.queue.subscribe((s) => snapshots.push(s));
  // Good and bad files interleaved in one batch: every bad file sits between good ones.
  const order = [...good(), ...bad()].sort((a, b) => a.file.localeCompare(b.file));
  const files = await Promise.all(order.map((e) => fixtureFile(e.path)));
  report = await trove.addFiles(files);
  final = await trove.queue.whenIdle();
  for (const [i, f] of report.files.entries()) {
    const path = order[i]!.path;
    const item = await trove.library.getItem(f.itemId!);
    items.set(path, item!);
    segments.set(path, await trove.library.getSegments(f.itemId!));
  }
}, MAX_TEST_EXECUTION_TIME);

afterAll(() => destroyTrove(trove, names));

describe('a batch of every fixture, good and bad', () => {
  it('records each file once and finishes the batch: good files ready, each bad file failed', () => {
    expect(report.files.length).toBe(entries.length);
    expect(new Set(report.files.map((f) => f.itemId)).size).toBe(entries.length);
    for (const e of good()) {
      const item = items.get(e.path)!;
      expect(item.status, `${e.path}: ${item.error?.message}`).toBe('ready');
      expect(item.error).toBeUndefined();
    }
    expect(final).toMatchObject({
      state: 'idle',
      total: entries.length,
      done: good().length,
      failed: bad().length,
      remaining: 0,
      fraction: 1,
    });
  });

  it('gives each bad file its own error with the reason the manifest names, and nothing derived', async () => {
    const jobs = await trove.queue.jobs();
    for (const e of bad()) {
      const item = items.get(e.path)!;
      expect(item.status).toBe(e.facts.failure === 'unsupported-type' ? 'unsupported' : 'error');
      expect(item.error?.code, e.path).toBe(e.facts.failure);
      expect(item.error!.message.length).toBeGreaterThan(10);
      const job = jobs.find((j) => j.itemId === item.id)!;
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe(e.facts.failure);
      expect(segs(e.path)).toEqual([]);
      expect(await trove.library.vectorsOfItem(item.id)).toEqual([]);
      expect(await trove.library.thumbnailsOfItem(item.id)).toEqual([]);
    }
    // Refused by detection: no copy kept, nothing to retry. Refused by a decoder: the copy is kept.
    for (const e of bad()) {
      const item = items.get(e.path)!;
      const job = jobs.find((j) => j.itemId === item.id)!;
      expect(['detect', 'decoding', 'frames']).toContain(item.error!.stage);
      expect(job.retryable).toBe(item.error!.stage !== 'detect');
      expect(item.source === undefined).toBe(item.error!.stage === 'detect');
    }
    expect(items.get('bad/truncated.mp4')!.error!.stage).not.toBe('detect');
    expect(items.get('bad/corrupt.wav')!.error!.stage).toBe('decoding');
  });

  it('images: one image segment in the clip space with a thumbnail, the upright size and the capture date', async () => {
    for (const e of ofKind('image')) {
      const [seg, ...rest] = segs(e.path);
      expect(rest).toEqual([]);
      expect(seg).toMatchObject({ kind: 'image', spaces: ['clip'] });
      const thumb = await trove.library.getThumbnail(seg!.thumbnailId!);
      expect(thumb!.blob.size).toBeGreaterThan(0);
      expect(thumb!.blob.type).toBe('image/jpeg');
      const item = items.get(e.path)!;
      expect(item.media).toMatchObject({
        width: e.facts.displayWidth ?? e.facts.width,
        height: e.facts.displayHeight ?? e.facts.height,
      });
    }
    expect(items.get('image/rotated-exif.jpg')!.capturedAt).toBe(new Date(2024, 4, 17, 14, 3, 0).getTime());
    expect(items.get('image/red-square.png')!.capturedAt).toBeUndefined();
  });

  it('videos at 2 s: three frames at 0, 2 and 4 s, each with a thumbnail; the sound track as audio windows', async () => {
    for (const e of ofKind('video')) {
      const frames = segs(e.path, 'frame');
      expect(
        frames.map((f) => [f.t0, f.t1]),
        e.path,
      ).toEqual([
        [0, 0],
        [2, 2],
        [4, 4],
      ]);
      for (const f of frames) {
        expect(f.spaces).toEqual(['clip']);
        const thumb = await trove.library.getThumbnail(f.thumbnailId!);
        expect(thumb!.blob.size, `${e.path} frame ${f.t0}`).toBeGreaterThan(0);
        expect(Math.max(thumb!.width, thumb!.height)).toBeLessThanOrEqual(256);
      }
      const windows = segs(e.path, 'audio-window');
      const item = items.get(e.path)!;
      expect(item.media?.hasVideo).toBe(true);
      expect(item.media?.durationS).toBeCloseTo(6, 0);
      if (e.facts.hasAudio) {
        expect(item.media?.hasAudio).toBe(true);
        // 6 s of sound is one (short) 10 s window.
        expect(windows.length, e.path).toBe(1);
        expect(windows[0]!.t0).toBe(0);
        expect(windows[0]!.t1).toBeGreaterThan(5.9);
        expect(windows[0]!.t1).toBeLessThan(6.1);
        expect(windows[0]!.spaces).toEqual(['clap']);
      } else {
        expect(item.media?.hasAudio).toBe(false);
        expect(windows).toEqual([]);
      }
    }
  });

  it('audio: 10 s CLAP windows every 5 s over the whole recording', () => {
    for (const e of ofKind('audio')) {
      const windows = segs(e.path, 'audio-window');
      const duration = items.get(e.path)!.media!.durationS!;
      expect(duration).toBeCloseTo(e.facts.durationS!, 1);
      expect(
        windows.map((w) => [w.t0, w.t1]),
        e.path,
      ).toEqual(
        planAudioWindows(duration).map(([a, b]) => [
          Math.round(a * 1000) / 1000,
          Math.round(b * 1000) / 1000,
        ]),
      );
    }
    expect(segs('audio/podcast-kite.wav', 'audio-window').map((w) => w.t0)).toEqual([0, 5]);
  });

  it('speech: transcript spans with the spoken sentence at the time it is spoken, in the text space', () => {
    for (const path of ['audio/podcast-kite.wav', 'audio/speech-plumber.wav']) {
      const timeline = entries.find((e) => e.path === path)!.facts.timeline as {
        start: number;
        end: number;
        text: string;
      }[];
      const spans = segs(path, 'transcript');
      expect(spans.length, path).toBe(timeline.length);
      spans.forEach((span, i) => {
        expect(span.text).toBe(timeline[i]!.text);
        expect(span.spaces).toEqual(['text']);
        expect(Math.abs(span.t0! - timeline[i]!.start)).toBeLessThan(0.3);
        expect(Math.abs(span.t1! - timeline[i]!.end)).toBeLessThan(0.3);
      });
    }
    // Tones and noise are not speech.
    expect(segs('audio/white-noise.wav', 'transcript')).toEqual([]);
  });

  it('documents: chunks with their page and character range, in the text space', () => {
    const pdf = segs('text/bread-recipe.pdf');
    const pages = entries.find((e) => e.path === 'text/bread-recipe.pdf')!.facts.pages as string[];
    expect(pdf.map((c) => c.page)).toEqual([1, 2]);
    const flat = (t: string) => t.replace(/\s+/g, ' ');
    pdf.forEach((c, i) => {
      expect(c).toMatchObject({ kind: 'text-chunk', spaces: ['text'], charStart: 0 });
      expect(c.charEnd).toBe(c.text!.length);
      expect(flat(c.text!)).toBe(flat(pages[i]!));
    });
    for (const path of ['text/kite-diary.txt', 'text/plumbing-notes.md', 'text/travel-notes.html']) {
      const [chunk, ...rest] = segs(path);
      expect(rest).toEqual([]);
      const expected = entries.find((e) => e.path === path)!.facts.text as string;
      expect(chunk!.page).toBe(1);
      expect(chunk!.charEnd! - chunk!.charStart!).toBe(chunk!.text!.length);
      expect(chunk!.text!.replace(/\s+/g, ' ')).toBe(expected.replace(/\s+/g, ' '));
    }
    expect(items.get('text/bread-recipe.pdf')!.media?.pageCount).toBe(2);
  });

  it('stores one vector per segment in its space, and the vector index finds each segment by its own vector', async () => {
    const counts: Record<Space, number> = { clip: 0, clap: 0, text: 0 };
    for (const e of good()) {
      const item = items.get(e.path)!;
      const vectors = await trove.library.vectorsOfItem(item.id);
      const list = segs(e.path);
      expect(vectors.length, e.path).toBe(list.length);
      for (const seg of list) {
        expect(seg.key).toBeTypeOf('number');
        const space = seg.spaces[0]!;
        const v = vectors.find((x) => x.segmentId === seg.id)!;
        expect(v.space).toBe(space);
        expect(v.vector).toBeInstanceOf(Float32Array);
        expect(v.vector.length).toBe(dims[space]);
        counts[space]++;
      }
    }
    const keys = new Set<number>();
    for (const space of ['clip', 'clap', 'text'] as const) {
      expect(await trove.indexes[space].size()).toBe(counts[space]);
      expect(await trove.library.countVectors(space)).toBe(counts[space]);
    }
    // The fixture encoders map similar inputs to the same vector, so ask for every hit at the top score.
    for (const e of good()) {
      for (const seg of segs(e.path)) {
        keys.add(seg.key!);
        const v = (await trove.library.getVector(seg.id, seg.spaces[0]!))!.vector;
        const hits = await trove.indexes[seg.spaces[0]!].search(v, 200);
        const top = hits.filter((h) => h.score > hits[0]!.score - 1e-4).map((h) => h.id);
        expect(top, `${e.path} ${seg.kind} ${seg.t0 ?? ''}`).toContain(seg.key);
      }
    }
    expect(keys.size).toBe(counts.clip + counts.clap + counts.text);
  });

  it('reported progress: stages of each kind, per-file and overall fractions, files done/total and an ETA', () => {
    const seen = new Map<string, Set<string>>();
    for (const s of snapshots) {
      for (const a of s.active) {
        const set = seen.get(a.kind) ?? new Set();
        set.add(a.stage);
        seen.set(a.kind, set);
        expect(a.fraction).toBeGreaterThanOrEqual(0);
        expect(a.fraction).toBeLessThanOrEqual(1);
      }
      expect(s.done + s.failed + s.cancelled + s.remaining).toBeLessThanOrEqual(s.total);
      // Bounded: two slots, each a file or a batch of at most 16 images, and never two videos or recordings.
      expect(s.active.filter((a) => a.kind !== 'image').length).toBeLessThanOrEqual(2);
      expect(s.active.length).toBeLessThanOrEqual(2 * 16);
      expect(s.active.filter((a) => a.kind === 'video' || a.kind === 'audio').length).toBeLessThanOrEqual(1);
    }
    // Each new stage is reported at once (not throttled), so none can fall between two snapshots.
    expect([...seen.get('video')!]).toEqual(expect.arrayContaining(['frames', 'audio', 'transcribing']));
    expect([...seen.get('audio')!]).toEqual(expect.arrayContaining(['audio', 'transcribing']));
    expect([...seen.get('text')!]).toEqual(expect.arrayContaining(['embedding']));
    expect(snapshots.some((s) => s.state === 'running' && typeof s.etaS === 'number' && s.etaS > 0)).toBe(
      true,
    );
    const dones = snapshots.map((s) => s.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(snapshots.at(-1)!.fraction).toBe(1);
  });
});
