// A synthetic library as a Trove export file, for the scale benchmark and the large-library e2e test: items
// of every kind with dates spread over years, about ten segments an item (with words to search), a vector
// per segment and space, and a small PNG thumbnail for every picture. The app takes it in through its own
// import (Settings → Export and import, or Trove.importLibrary), so the stores it fills are written by the
// library's own code. Deterministic (a seeded generator), streamed (a 100k-item file is never in memory),
// and free of Node modules, so a page can make one too.
import { FrameWriter, header } from '../../src/backup/format.ts';
import {
  FORMAT_NAME,
  sections,
  type ExportManifest,
  type ExportedItem,
  type ExportedSegment,
  type ExportedThumbnail,
} from '../../src/backup/records.ts';
import type { Space } from '../../src/library/records.ts';

export interface SyntheticOptions {
  items: number;
  /** Vector sizes per space (the fixture models': clip 32, clap 24, text 16). */
  dims: Record<Space, number>;
  /** The dates run from `from` to `to` (ms); default 2014-01-01 to 2026-11-30. */
  from?: number;
  to?: number;
  /** The library schema version the manifest names (the app's, or older). */
  schemaVersion: number;
  seed?: number;
  /**
   * 'full' (default): about ten segments an item, as the benchmark wants. 'lean': two an item (one per
   * space it reaches, and its words), for tests about the library's size in items rather than segments.
   */
  segments?: 'full' | 'lean';
}

/** Words of the synthetic text; the first ones are the commonest (Zipf-like draws). */
export const WORDS = (
  'the of and a to in is was for on that with as it at by from his her they this have are be had not ' +
  'kite river garden valve plumber recipe bread butter sugar harbour lighthouse meadow violin concert ' +
  'tractor orchard glacier canyon lantern compass pelican falcon thunder willow maple cedar granite ' +
  'copper velvet saffron cinnamon marble pebble ember cobalt amber juniper heron otter badger walrus'
).split(' ');

const KINDS = [
  // kind, share (of 100), format, mime, extension
  ['image', 50, 'jpeg', 'image/jpeg', 'jpg'],
  ['video', 15, 'mp4', 'video/mp4', 'mp4'],
  ['audio', 15, 'wav', 'audio/wav', 'wav'],
  ['text', 20, 'markdown', 'text/markdown', 'md'],
] as const;

/** A small fast seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticItem {
  item: ExportedItem;
  segments: ExportedSegment[];
  thumbnail?: ExportedThumbnail & { bytes: Uint8Array };
}

const DAY = 86_400_000;

/** Item number `i` of the library, with its segments and thumbnail (the same every time). */
export function syntheticItem(i: number, o: SyntheticOptions): SyntheticItem {
  const rand = random((o.seed ?? 1) * 1_000_003 + i);
  const from = o.from ?? Date.UTC(2014, 0, 1);
  const to = o.to ?? Date.UTC(2026, 10, 30);
  // Evenly spread over the span by item number, so item n - 1 is the newest and item 0 the oldest.
  const when = Math.round(from + ((to - from) * (i + 0.5)) / o.items);
  let pick = (i * 37) % 100;
  const [kind, , format, mime, ext] = KINDS.find(([, share]) => (pick -= share) < 0) ?? KINDS[0];
  const id = `syn-${String(i).padStart(7, '0')}`;
  const name = `${{ image: 'IMG', video: 'clip', audio: 'voice', text: 'notes' }[kind]}-${String(i).padStart(7, '0')}.${ext}`;
  const failed = i % 97 === 13;
  const item: ExportedItem = {
    id,
    name,
    folderPath: '',
    kind,
    format,
    mime,
    size: 20_000 + Math.floor(rand() * 2_000_000),
    mtime: when,
    sha256: i.toString(16).padStart(64, '0'),
    ...(kind === 'image' || kind === 'video' ? { capturedAt: when } : {}),
    status: failed ? 'error' : 'ready',
    ...(failed ? { error: { code: 'corrupt-data', message: 'The file is damaged.', stage: 'decode' } } : {}),
    addedAt: when + DAY,
    updatedAt: when + DAY,
    media:
      kind === 'image'
        ? { width: 640, height: 480 }
        : kind === 'video'
          ? { width: 320, height: 240, durationS: 30, hasVideo: true, hasAudio: true }
          : kind === 'audio'
            ? { durationS: 60, hasAudio: true }
            : { pageCount: 1 },
  };
  if (failed) return { item, segments: [] };
  const words = (n: number) => {
    const out: string[] = [];
    for (let w = 0; w < n; w++) out.push(WORDS[Math.floor(WORDS.length * rand() ** 2)]!);
    return out.join(' ');
  };
  const segments: ExportedSegment[] = [];
  let n = 0;
  const lean = o.segments === 'lean';
  const seg = (s: Omit<ExportedSegment, 'id' | 'itemId'>) =>
    segments.push({ id: `${id}:${n++}`, itemId: id, ...s });
  if (kind === 'image') {
    seg({ kind: 'image', spaces: ['clip'] });
    seg({ kind: 'caption', spaces: ['text'], text: words(8) });
    for (let k = 0; k < (lean ? 0 : 3); k++) seg({ kind: 'ocr', spaces: ['text'], text: words(12) });
  } else if (kind === 'video') {
    for (let t = 0; t < (lean ? 1 : 8); t++) seg({ kind: 'frame', spaces: ['clip'], t0: t * 4, t1: t * 4 });
    for (let t = 0; t < (lean ? 0 : 3); t++)
      seg({ kind: 'audio-window', spaces: ['clap'], t0: t * 10, t1: t * 10 + 10 });
    for (let t = 0; t < (lean ? 1 : 3); t++)
      seg({ kind: 'transcript', spaces: ['text'], t0: t * 10, t1: t * 10 + 10, text: words(25) });
  } else if (kind === 'audio') {
    for (let t = 0; t < (lean ? 1 : 6); t++)
      seg({ kind: 'audio-window', spaces: ['clap'], t0: t * 10, t1: t * 10 + 10 });
    for (let t = 0; t < (lean ? 1 : 6); t++)
      seg({ kind: 'transcript', spaces: ['text'], t0: t * 10, t1: t * 10 + 10, text: words(25) });
  } else {
    let at = 0;
    for (let c = 0; c < (lean ? 2 : 20); c++) {
      const text = words(40);
      seg({ kind: 'text-chunk', spaces: ['text'], page: 1, charStart: at, charEnd: at + text.length, text });
      at += text.length + 1;
    }
  }
  let thumbnail: SyntheticItem['thumbnail'];
  if (kind === 'image' || kind === 'video') {
    const bytes = png(8, 6, [Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256)]);
    thumbnail = {
      id: `${id}:thumb`,
      itemId: id,
      width: 8,
      height: 6,
      type: 'image/png',
      size: bytes.length,
      bytes,
    };
  }
  return { item, segments, thumbnail };
}

/** A unit vector for a segment in a space (the same every time). */
export function syntheticVector(segmentId: string, space: Space, dim: number): Float32Array {
  let h = 2166136261;
  for (const c of `${space}|${segmentId}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  const rand = random(h);
  const v = new Float32Array(dim);
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += (v[d] = rand() * 2 - 1) ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) v[d]! /= norm;
  return v;
}

const encoder = new TextEncoder();

/** The export file's bytes, piece by piece. */
export async function* syntheticLibrary(o: SyntheticOptions): AsyncGenerator<Uint8Array> {
  const w = await FrameWriter.create();
  const spaces: Space[] = ['clip', 'clap', 'text'];
  // One pass to count (the manifest comes first).
  let segmentCount = 0;
  let thumbnailCount = 0;
  const perSpace: Record<Space, number> = { clip: 0, clap: 0, text: 0 };
  for (let i = 0; i < o.items; i++) {
    const { segments, thumbnail } = syntheticItem(i, o);
    segmentCount += segments.length;
    if (thumbnail) thumbnailCount++;
    for (const s of segments) for (const space of s.spaces) perSpace[space]++;
  }
  const manifest: ExportManifest = {
    format: FORMAT_NAME,
    formatVersion: 1,
    schemaVersion: o.schemaVersion,
    exportedAt: new Date(0).toISOString(),
    counts: { items: o.items, segments: segmentCount, thumbnails: thumbnailCount, originals: 0 },
    spaces: Object.fromEntries(
      spaces.filter((s) => perSpace[s]).map((s) => [s, { dim: o.dims[s], count: perSpace[s] }]),
    ),
  };
  yield header();
  yield* json(w, sections.manifest, [[manifest]]);
  const all = function* <T>(pick: (x: SyntheticItem) => T[]): Generator<T[]> {
    for (let at = 0; at < o.items; at += 500) {
      const batch: T[] = [];
      for (let i = at; i < Math.min(o.items, at + 500); i++) batch.push(...pick(syntheticItem(i, o)));
      yield batch;
    }
  };
  yield* json(
    w,
    sections.items,
    all((x) => [x.item]),
  );
  yield* json(
    w,
    sections.segments,
    all((x) => x.segments),
  );
  for (const space of spaces) {
    if (!perSpace[space]) continue;
    const dim = o.dims[space];
    yield* json(
      w,
      sections.vectorIds(space),
      all((x) => x.segments.filter((s) => s.spaces.includes(space)).map((s) => s.id)),
    );
    yield w.section(sections.vectors(space));
    for (const ids of all((x) => x.segments.filter((s) => s.spaces.includes(space)).map((s) => s.id))) {
      const rows = new Float32Array(ids.length * dim);
      ids.forEach((id, r) => rows.set(syntheticVector(id, space, dim), r * dim));
      yield* w.data(new Uint8Array(rows.buffer));
    }
    yield w.end();
  }
  yield* json(
    w,
    sections.thumbnails,
    all((x) => (x.thumbnail ? [{ ...x.thumbnail, bytes: undefined }] : [])),
  );
  let index = 0;
  for (const batch of all((x) => (x.thumbnail ? [x.thumbnail.bytes] : []))) {
    for (const bytes of batch) {
      yield w.section(sections.thumbnail(index++));
      yield* w.data(bytes);
      yield w.end();
    }
  }
  yield w.finish();
}

async function* json(w: FrameWriter, name: string, batches: Iterable<unknown[]>): AsyncGenerator<Uint8Array> {
  yield w.section(name);
  for (const batch of batches) {
    if (!batch.length) continue;
    const text = batch.map((v) => `${JSON.stringify(v)}\n`).join('');
    yield* w.data(encoder.encode(text));
  }
  yield w.end();
}

// ---- a PNG of one colour, in plain JS (stored deflate blocks, so no compressor is needed) ----

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(encoder.encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function png(width: number, height: number, [r, g, b]: number[]): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set([r!, g!, b!], y * (1 + width * 3) + 1 + x * 3);
  let a = 1;
  let s = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    s = (s + a) % 65521;
  }
  const z = new Uint8Array(2 + 5 + raw.length + 4);
  z.set([
    0x78,
    0x01,
    0x01,
    raw.length & 0xff,
    raw.length >> 8,
    ~raw.length & 0xff,
    (~raw.length >> 8) & 0xff,
  ]);
  z.set(raw, 7);
  new DataView(z.buffer).setUint32(7 + raw.length, ((s << 16) | a) >>> 0);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', z),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The whole export file of a small synthetic library, in memory (for tests; a bench streams it instead). */
export async function syntheticLibraryBlob(o: SyntheticOptions): Promise<Blob> {
  const parts: Uint8Array[] = [];
  for await (const part of syntheticLibrary(o)) parts.push(part.slice());
  return new Blob(parts as BlobPart[]);
}
