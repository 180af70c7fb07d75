// The records of the library store (IndexedDB database `trove-library`). The library is the store of
// record: the vector index (src/vector-index/) is derived from the vectors kept here and can be rebuilt.
import type { DBSchema } from 'idb';
import type { MediaKind } from '../ingest/detect-type.ts';
import type { CountRecord } from './item-counts.ts';

/**
 * An embedding space: one model's vector space, with an index of its own. `clip` holds images and video
 * frames, `clap` audio windows, `text` document chunks, transcripts, captions and read text; scores of
 * different spaces are calibrated before they are compared (docs/design-notes.md).
 */
export type Space = 'clip' | 'clap' | 'text';

export type ItemStatus = 'pending' | 'processing' | 'ready' | 'error' | 'unsupported';

/** Where the original file lives, so a result can be opened later. */
export type OriginalSource =
  /**
   * A copy in the origin private file system, for picked or dropped files: the whole file at `path`, or,
   * for a small file, the bytes `range` of a pack file shared with others taken in at the same time.
   */
  | { kind: 'opfs'; path: string; range?: { at: number; length: number } }
  /** The user's own file, for folder imports; reading it after a reload needs permission again. */
  | { kind: 'handle'; handle: FileSystemFileHandle };

export interface ItemError {
  /** Machine-readable reason, e.g. 'empty-file', 'wrong-content-for-extension', 'corrupt-data'. */
  code: string;
  /** A sentence a user can read. */
  message: string;
  /** The ingest stage that failed, e.g. 'detect', 'decode', 'encode'. */
  stage?: string;
}

/**
 * Where a photo or video was taken: the place nearest to its GPS coordinates in the offline gazetteer
 * (src/ingest/places/). The names are searched as words, and a filter can use the fields.
 */
export interface Place {
  /** The nearest town or city of 1,000 people or more. */
  city: string;
  /** Its first-level division (a region, state or district), where the gazetteer names one. */
  region?: string;
  /** The country's English name. */
  country: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
}

/** A place as one line ("Lisbon, Portugal"): city, region and country, each name once. */
export function placeLabel(place: Place): string {
  return [...new Set([place.city, place.region, place.country].filter((w): w is string => !!w))].join(', ');
}

/** One file the user added. */
export interface ItemRecord {
  id: string;
  name: string;
  /** The imported folder the file came from, if any. */
  folderId?: string;
  /** The file's directory inside that folder ('' for picked files and the folder's top level). */
  folderPath: string;
  kind: MediaKind | 'unknown';
  /** Container or document format from content detection ('jpeg', 'mp4', 'pdf', …). */
  format?: string;
  mime: string;
  size: number;
  /** The file's lastModified, in ms since the epoch. */
  mtime: number;
  /** Hex SHA-256 of the content; unique across items once known, so the same content is one item. */
  sha256?: string;
  /** When the photo or video was taken (from EXIF or container metadata), in ms since the epoch. */
  capturedAt?: number;
  /**
   * The item's date on the library's timeline: capturedAt, else mtime. Kept by the library on every write
   * (item-counts.ts), for the `when` indexes; absent only in records not yet written.
   */
  when?: number;
  /** Where it was taken, from its GPS coordinates (photos' EXIF, videos' location tag). */
  place?: Place;
  status: ItemStatus;
  error?: ItemError;
  /** Why a ready item was indexed only in part (a cap was reached), for its card. */
  notice?: string;
  source?: OriginalSource;
  addedAt: number;
  updatedAt: number;
  /**
   * Set on an item added together with its job, and dropped by the first write of its results: nothing
   * derived from it (segments, vectors, thumbnails) exists yet, so that write need not look for earlier
   * results to replace. Records without it are looked up.
   */
  neverWritten?: true;
  /** Facts found while decoding. */
  media?: {
    width?: number;
    height?: number;
    durationS?: number;
    pageCount?: number;
    hasVideo?: boolean;
    hasAudio?: boolean;
  };
}

export type SegmentKind =
  | 'image'
  | 'frame'
  | 'audio-window'
  | 'transcript'
  | 'text-chunk'
  /** Words the caption role made about a picture (an image, or video frames t0…t1). */
  | 'caption'
  /** Text the caption role read in a picture (OCR). */
  | 'ocr';

/** A searchable piece of an item; every search result points at one. */
export interface SegmentRecord {
  id: string;
  /**
   * The segment's id in the vector indexes (an unsigned 32-bit integer, unique and never reused). Given by
   * Library.writeItemResults when the segment is stored; absent before.
   */
  key?: number;
  itemId: string;
  kind: SegmentKind;
  /** The spaces this segment has (or will have) a vector in. */
  spaces: Space[];
  /** Time range in seconds, for frames (t0 === t1), audio windows, transcript spans and video captions. */
  t0?: number;
  t1?: number;
  /** Page (1-based) and character range [charStart, charEnd) in that page's extracted text. */
  page?: number;
  charStart?: number;
  charEnd?: number;
  /** The text of text chunks, transcript spans, captions and OCR, for snippets and keyword search. */
  text?: string;
  /**
   * The language of that text: ISO 639-3 ("fra") detected per document chunk; for transcripts Whisper's
   * code ("fr": ISO 639-1, but "haw" and "yue" for two of its 99), chosen in Settings or detected by
   * Whisper. Absent when unknown.
   */
  language?: string;
  thumbnailId?: string;
}

/** One embedding. Stored as a Float32Array (structured clone keeps it binary), never as a JSON array. */
export interface VectorRecord {
  segmentId: string;
  space: Space;
  itemId: string;
  vector: Float32Array;
}

/** A thumbnail as the library hands it out. */
export interface ThumbnailRecord {
  id: string;
  itemId: string;
  blob: Blob;
  width: number;
  height: number;
}

/**
 * A thumbnail as it is stored: its encoded bytes inline in the record (see thumbnail-bytes.ts). Records
 * written before that hold a Blob, and are read the same way, so no migration rewrites them.
 */
export type StoredThumbnail = Omit<ThumbnailRecord, 'blob'> &
  (
    | { bytes: ArrayBuffer; type: string; blob?: undefined }
    | { blob: Blob; bytes?: undefined; type?: undefined }
  );

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A persistent unit of ingest work; the queue that runs these lives elsewhere. */
export interface JobRecord {
  id: string;
  itemId?: string;
  state: JobState;
  /** The stage reached, so a resumed job can report where it was. */
  stage?: string;
  attempts: number;
  error?: ItemError;
  createdAt: number;
  updatedAt: number;
  /** What the job works on, enough to find the file again after a reload. */
  input?: { name: string; folderPath: string; folderId?: string; source: OriginalSource };
  /** The file's name, for jobs without an input (a file refused before a copy was kept). */
  name?: string;
  /** The file's kind and size, for progress weights and the time estimate. */
  kind?: MediaKind | 'unknown';
  size?: number;
}

/** A folder imported with showDirectoryPicker; its handle allows a rescan. */
export interface FolderRecord {
  id: string;
  name: string;
  handle: FileSystemDirectoryHandle;
  addedAt: number;
  lastScanAt?: number;
}

export interface MigrationRecord {
  version: number;
  name: string;
  appliedAt: number;
}

export interface LibrarySchema extends DBSchema {
  items: {
    key: string;
    value: ItemRecord;
    indexes: {
      sha256: string;
      status: ItemStatus;
      folderId: string;
      sourcePath: string;
      when: number;
      'kind-status-when': [string, string, number];
    };
  };
  /** Items per month, kind and status (item-counts.ts). */
  'item-counts': {
    key: string;
    value: CountRecord;
  };
  segments: {
    key: string;
    value: SegmentRecord;
    indexes: { itemId: string; kind: SegmentKind; key: number };
  };
  vectors: {
    key: [string, Space];
    value: VectorRecord;
    indexes: { itemId: string; space: Space };
  };
  thumbnails: {
    key: string;
    value: StoredThumbnail;
    indexes: { itemId: string };
  };
  jobs: {
    key: string;
    value: JobRecord;
    indexes: { state: JobState; itemId: string };
  };
  folders: {
    key: string;
    value: FolderRecord;
  };
  migrations: {
    key: number;
    value: MigrationRecord;
  };
  meta: {
    key: string;
    value: MetaRecord;
  };
  /**
   * The keyword (BM25) index: a term's postings, in blocks of up to POSTINGS_PER_BLOCK (see PostingBlock).
   * Keys are out of line: [term, the first segment key of the block].
   */
  postings: { key: [string, number]; value: PostingBlock };
  /** An import's records while it is read, before they replace the library's (staging.ts). */
  'staged-items': { key: string; value: ItemRecord };
  'staged-segments': { key: string; value: SegmentRecord };
  'staged-vectors': { key: [string, Space]; value: VectorRecord };
  'staged-thumbnails': { key: string; value: StoredThumbnail };
}

/**
 * Counters kept with the data they count: 'nextSegmentKey' (the next index key to give), 'vectorsVersion'
 * (bumped by every write that adds or removes vectors) and 'indexedVersion' (the vectorsVersion the
 * persisted vector indexes are known to hold; when the two differ after a crash, the indexes are rebuilt),
 * with 'indexedSize…' (each index's size then, which an opening compares with the restored index).
 * The keyword index's: 'keywordDocuments' and 'keywordLength' (segments in it and their summed length in
 * terms, for BM25's averages), and 'keywordFrom'/'keywordTo' (segment keys in [from, to) that are still
 * to be indexed: those a migration or an import found; every later write indexes its own segments).
 */
export interface MetaRecord {
  name:
    | 'nextSegmentKey'
    | 'vectorsVersion'
    | 'indexedVersion'
    | 'indexedSizeClip'
    | 'indexedSizeClap'
    | 'indexedSizeText'
    | 'keywordDocuments'
    | 'keywordLength'
    | 'keywordFrom'
    | 'keywordTo';
  value: number;
}

/**
 * Part of one term's postings: pairs [segment key, packPosting(tf, length)] in key order, the keys from
 * the block's first (its key in the store) to below the next block's first. A term in fewer segments than
 * POSTINGS_PER_BLOCK is one record; a common one is cut into full blocks (a term in 300,000 segments:
 * 293 records of 8 KB), so a write reads and rewrites at most a block or two of each term it touches.
 */
export type PostingBlock = Uint32Array;

export const POSTINGS_PER_BLOCK = 1024;
/** tf is kept up to 4,095 (12 bits), a segment's length up to 1,048,575 terms (20 bits). */
export const TF_BITS = 12;
const TF_MAX = (1 << TF_BITS) - 1;
const LENGTH_MAX = 2 ** (32 - TF_BITS) - 1;

export function packPosting(tf: number, length: number): number {
  return (Math.min(tf, TF_MAX) | (Math.min(length, LENGTH_MAX) << TF_BITS)) >>> 0;
}

export function unpackPosting(packed: number): { tf: number; length: number } {
  return { tf: packed & TF_MAX, length: packed >>> TF_BITS };
}

/** A term a keyword search reads: its own postings, and with `prefix` those of every longer term it begins. */
export interface TermRead {
  term: string;
  prefix: boolean;
}

/** What a keyword search reads of the index (Library.keywordPostings). */
export interface PostingsRead {
  /** Segments in the keyword index, and their summed length in terms. */
  documents: number;
  totalLength: number;
  /** False while segments an import or a migration brought are still being indexed. */
  complete: boolean;
  /** Per term asked, in order: the blocks found, each with the term it holds, in [term, block] order. */
  lists: { term: string; block: PostingBlock }[][];
}

/** Segment kinds whose own text is searched by keyword. */
export const KEYWORD_KINDS: ReadonlySet<SegmentKind> = new Set([
  'text-chunk',
  'transcript',
  'caption',
  'ocr',
]);

/**
 * The text each keyed segment of an item is found by in the keyword index: a text chunk's, transcript's,
 * caption's or read text's own text; and a photo's or video's place names ("Lisbon, Portugal"), as words of
 * its picture, on its segment without text of its own that has the smallest key (the image, the first
 * frame). Segments without either are not in the keyword index.
 */
export function keywordTexts(
  item: Pick<ItemRecord, 'place'>,
  segments: readonly { key: number; segment: Pick<SegmentRecord, 'kind' | 'text'> }[],
): Map<number, string> {
  const out = new Map<number, string>();
  let placeKey: number | undefined;
  for (const { key, segment } of segments) {
    if (KEYWORD_KINDS.has(segment.kind)) {
      if (segment.text) out.set(key, segment.text);
    } else if (placeKey === undefined || key < placeKey) placeKey = key;
  }
  if (item.place && placeKey !== undefined) out.set(placeKey, placeLabel(item.place));
  return out;
}

export type StoreName =
  | 'items'
  | 'segments'
  | 'vectors'
  | 'thumbnails'
  | 'jobs'
  | 'folders'
  | 'migrations'
  | 'meta'
  | 'item-counts'
  | 'postings';
