// A searchable library of every fixture type, built for the search tests with the real parts: the fixture
// media decoded by src/ingest (ffmpeg.wasm for the video), encoded by the real encoder workers on the
// fixture models, vectors in the real vector index worker, segments in the real search worker.
//
// This stands in for the ingestion pipeline (src/ingest/pipeline.ts, not written yet). When it lands,
// replace build() with: ingest the same files, then feed the catalog and indexes from the library store.
// Segmenting follows issue 4 except for one fixture-scale choice: audio windows are 2 s (the pipeline's
// default is 10 s), because the fixture video changes sound every 2 s and its moments must be resolvable.
import { createEncoders, type Encoders } from '../../src/encoders/encoders.ts';
import { chunkText } from '../../src/ingest/chunk-text.ts';
import { decodeAudioFile } from '../../src/ingest/audio/decode-audio.ts';
import { detectFileType, type FileType } from '../../src/ingest/detect-type.ts';
import { decodeImage } from '../../src/ingest/image/decode-image.ts';
import { extractText } from '../../src/ingest/text/extract-text.ts';
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import { probeVideo, videoAudioTrack, videoFrames } from '../../src/ingest/video/extract-video.ts';
import { segmentId } from '../../src/library/library.ts';
import type { ItemRecord, SegmentRecord, Space } from '../../src/library/records.ts';
import { RemoteCatalog } from '../../src/search/catalog-client.ts';
import { Searcher, type SearcherOptions } from '../../src/search/searcher.ts';
import { openVectorIndex, spawnVectorIndexWorker } from '../../src/vector-index/client.ts';
import type { VectorIndex } from '../../src/vector-index/types.ts';
import { fixtureModelsConfig } from './fixture-models.ts';
import { fixtureFile } from './media-files.ts';

/** What goes in: one or more files of every fixture type, with folders and dates the filter tests use. */
export const libraryFiles: { path: string; folderPath: string; mtime: string }[] = [
  ...['red-square.png', 'green-field.jpg', 'blue-sky.webp', 'yellow-sun.png', 'two-frames.gif', 'white-card.avif', 'rotated-exif.jpg'].map(
    (f) => ({ path: `image/${f}`, folderPath: 'photos', mtime: '2023-03-01T12:00:00Z' }),
  ),
  // speech-plumber.wav is left out on purpose: it says the podcast's first sentence again, and the test of
  // the keyword side needs a word ("leaking") that only one transcript has. The audio query test uses it.
  ...['low-hum.wav', 'high-beep.wav', 'white-noise.wav', 'podcast-kite.wav'].map((f) => ({
    path: `audio/${f}`,
    folderPath: 'sounds',
    mtime: '2023-09-01T12:00:00Z',
  })),
  { path: 'video/timeline.mp4', folderPath: 'clips', mtime: '2024-02-01T12:00:00Z' },
  ...['plumbing-notes.md', 'kite-diary.txt', 'bread-recipe.pdf', 'travel-notes.html'].map((f) => ({
    path: `text/${f}`,
    folderPath: 'notes',
    mtime: '2024-08-01T12:00:00Z',
  })),
];

export const FOLDER_ID = 'fixture-folder';
export const AUDIO_WINDOW_S = 2;
const dims: Record<Space, number> = { clip: 32, clap: 24, text: 16 };

export interface BuiltSegment {
  key: number;
  segment: SegmentRecord;
}

export interface SearchLibrary {
  encoders: Encoders;
  indexes: Record<Space, VectorIndex>;
  catalog: RemoteCatalog;
  items: Map<string, { item: ItemRecord; segments: BuiltSegment[] }>;
  searcher(options?: SearcherOptions): Searcher;
  /** The item of a fixture path ('image/red-square.png'). */
  itemId(path: string): string;
  close(): void;
}

export async function buildSearchLibrary(): Promise<SearchLibrary> {
  const encoders = createEncoders(fixtureModelsConfig('/test/fixtures/models/'), { prefer: 'wasm' });
  const worker = spawnVectorIndexWorker();
  const ffmpeg = new FfmpegClient();
  const catalog = new RemoteCatalog();
  const indexes = {} as Record<Space, VectorIndex>;
  for (const space of ['clip', 'clap', 'text'] as const) {
    indexes[space] = (await openVectorIndex({ space, dim: dims[space], persistent: false }, worker)).index;
  }
  const items = new Map<string, { item: ItemRecord; segments: BuiltSegment[] }>();
  let nextKey = 1;
  try {
    for (const spec of libraryFiles) {
      const file = await fixtureFile(spec.path, Date.parse(spec.mtime));
      const detection = await detectFileType(file);
      if (!detection.ok) throw new Error(`${spec.path}: ${detection.message}`);
      const item: ItemRecord = {
        id: spec.path,
        name: file.name,
        folderId: FOLDER_ID,
        folderPath: spec.folderPath,
        kind: detection.type.kind,
        format: detection.type.format,
        mime: detection.type.mime,
        size: file.size,
        mtime: file.lastModified,
        status: 'ready',
        addedAt: Date.now(),
        updatedAt: Date.now(),
      };
      const pieces = await segmentsOf(file, detection.type, item, encoders, ffmpeg);
      const segments: BuiltSegment[] = [];
      const bySpace = new Map<Space, { keys: number[]; vectors: Float32Array[] }>();
      pieces.forEach((p, i) => {
        const key = nextKey++;
        segments.push({ key, segment: { ...p.segment, id: segmentId(item.id, i), itemId: item.id, spaces: [p.space] } });
        const slot = bySpace.get(p.space) ?? { keys: [], vectors: [] };
        slot.keys.push(key);
        slot.vectors.push(p.vector);
        bySpace.set(p.space, slot);
      });
      for (const [space, { keys, vectors }] of bySpace) {
        const flat = new Float32Array(vectors.length * dims[space]);
        vectors.forEach((v, i) => flat.set(v, i * dims[space]));
        await indexes[space].add(keys, flat);
      }
      await catalog.upsertItem(item, segments);
      items.set(item.id, { item, segments });
    }
  } finally {
    ffmpeg.terminate();
  }
  return {
    encoders,
    indexes,
    catalog,
    items,
    searcher: (options) => new Searcher({ encoders, indexes, catalog }, options),
    itemId: (path) => {
      if (!items.has(path)) throw new Error(`${path} is not in the search library`);
      return path;
    },
    close() {
      encoders.terminate();
      worker.terminate();
      catalog.terminate();
    },
  };
}

interface Piece {
  segment: Omit<SegmentRecord, 'id' | 'itemId' | 'spaces'>;
  space: Space;
  vector: Float32Array;
}

async function segmentsOf(file: File, type: FileType, item: ItemRecord, enc: Encoders, ffmpeg: FfmpegClient): Promise<Piece[]> {
  switch (type.kind) {
    case 'image': {
      const decoded = await decodeImage(file, type.format);
      item.capturedAt = decoded.capturedAt;
      item.media = { width: decoded.width, height: decoded.height };
      const [vector] = await enc.clip.embedImages([decoded.forEncoder]);
      return [{ segment: { kind: 'image' }, space: 'clip', vector: vector! }];
    }
    case 'audio': {
      const audio = await decodeAudioFile(file);
      item.media = { durationS: audio.durationS, hasAudio: true };
      return [...(await audioWindows(audio.pcm48k, enc)), ...(await transcript(audio.pcm16k, enc))];
    }
    case 'video': {
      const probe = await probeVideo(ffmpeg, file);
      item.media = { durationS: probe.durationS ?? undefined, hasVideo: true, hasAudio: !!probe.audio };
      const pieces: Piece[] = [];
      for await (const frames of videoFrames(ffmpeg, file, probe, { intervalS: 2 })) {
        const vectors = await enc.clip.embedImages(frames.map((f) => f.image));
        frames.forEach((f, i) => pieces.push({ segment: { kind: 'frame', t0: f.t, t1: f.t }, space: 'clip', vector: vectors[i]! }));
      }
      const track = await videoAudioTrack(ffmpeg, file, probe);
      if (track) pieces.push(...(await audioWindows(track.pcm48k, enc)), ...(await transcript(track.pcm16k, enc)));
      return pieces;
    }
    case 'text': {
      const { pages } = await extractText(file, type.format);
      item.media = { pageCount: pages.length };
      const chunks = chunkText(pages);
      const vectors = await enc.text.embedTexts(chunks.map((c) => c.text), 'passage');
      return chunks.map((c, i) => ({
        segment: { kind: 'text-chunk', page: c.page, charStart: c.start, charEnd: c.end, text: c.text },
        space: 'text',
        vector: vectors[i]!,
      }));
    }
  }
}

/** Windows of AUDIO_WINDOW_S at 48 kHz, back to back; a last piece shorter than half a window is dropped. */
async function audioWindows(pcm48k: Float32Array, enc: Encoders): Promise<Piece[]> {
  const size = AUDIO_WINDOW_S * 48_000;
  const starts: number[] = [];
  for (let s = 0; s < pcm48k.length; s += size) if (pcm48k.length - s >= size / 2 || s === 0) starts.push(s);
  const vectors = await enc.clap.embedAudio(starts.map((s) => pcm48k.slice(s, s + size)));
  return starts.map((s, i) => ({
    segment: { kind: 'audio-window', t0: s / 48_000, t1: Math.min(pcm48k.length, s + size) / 48_000 },
    space: 'clap',
    vector: vectors[i]!,
  }));
}

async function transcript(pcm16k: Float32Array, enc: Encoders): Promise<Piece[]> {
  const spans = await enc.speech.transcribe(pcm16k);
  if (spans.length === 0) return [];
  const vectors = await enc.text.embedTexts(spans.map((s) => s.text), 'passage');
  return spans.map((s, i) => ({
    segment: { kind: 'transcript', t0: s.start, t1: s.end, text: s.text },
    space: 'text',
    vector: vectors[i]!,
  }));
}
