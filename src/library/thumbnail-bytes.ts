// How thumbnails are stored. An ingest stores each as its Blob: Chromium keeps a Blob put into IndexedDB as
// a file of its own beside the database, outside its LevelDB. Bytes inline in the record were tried first
// (about 10 % less CPU per photo in a small library, for the file write they spare), but in a large one
// every byte written to LevelDB is rewritten many times by its compactions: adding 1,000 96×72 photos to a
// library of 100k items cost the browser process's IndexedDB threads about 12 CPU-seconds with inline bytes
// (LevelDB compacted some 540 MB for the 10 MB the add wrote, against 85 MB in an empty library) and about
// 8 with Blobs, and the add ran at 50–59 photos/s against 85 (bench/sections/scale.ts; figures of
// 2026-12-07). Records stored with bytes (imports, older ingests) are read as they are. The library still
// hands thumbnails out as Blobs (what views and backups use).
import type { StoredThumbnail, ThumbnailRecord } from './records.ts';

/** The stored form of a thumbnail written by ingest: the record with its Blob. */
export function storedThumbnail(t: ThumbnailRecord): StoredThumbnail {
  return t;
}

/** A stored thumbnail as a Blob again, whichever form it was stored in. */
export function thumbnailFromStore(t: StoredThumbnail): ThumbnailRecord {
  const { id, itemId, width, height } = t;
  const blob = t.blob ?? new Blob([t.bytes], { type: t.type });
  return { id, itemId, width, height, blob };
}
