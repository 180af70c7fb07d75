// The types of Trove's facade (trove.ts), as the UI, search and tests see it. Types only, so a module that
// talks to Trove does not depend on how it is put together.
import type { ImportOptions, ImportReport } from './backup/import-library.ts';
import type { Encoders } from './encoders/encoders.ts';
import type { VerifyResult } from './ingest/index-sync.ts';
import type { PipelineOptions } from './ingest/pipeline-options.ts';
import type { IngestQueue } from './ingest/queue-events.ts';
import type { FfmpegClientOptions } from './ingest/video/ffmpeg-client.ts';
import type { Library } from './library/library.ts';
import type { FolderRecord, ItemRecord, SegmentRecord, Space } from './library/records.ts';
import type { Device, ModelsConfig } from './models/config.ts';
import type { TypedEventTarget } from './typed-event-target.ts';
import type { VectorIndex } from './vector-index/types.ts';

export type {
  FileProgress,
  IngestQueue,
  JobView,
  PauseReason,
  QueueEventMap,
  QueueSnapshot,
} from './ingest/queue-events.ts';
export type { PipelineOptions } from './ingest/pipeline-options.ts';
export type { VerifyResult } from './ingest/index-sync.ts';

/** A file coming in, with the directory it had inside a dropped or picked folder ('' for loose files). */
export interface IncomingFile {
  file: File;
  /** '/'-separated; a dropped or picked folder's own name comes first. */
  folderPath?: string;
}

export interface TroveOptions {
  /** models.json (see src/models/load-config.ts). */
  config: ModelsConfig;
  /** Encoder device preference (default 'auto': WebGPU where it works, else WASM). */
  prefer?: Device | 'auto';
  /** IndexedDB names; tests use their own. Defaults 'trove-library' and 'trove-vectors'. */
  libraryDbName?: string;
  vectorDbName?: string;
  /** Files worked on at once (1 or 2; default 2, at most one of them a video or long audio). */
  concurrency?: number;
  /** Images ingested together in one of those slots (default 16; 1 ingests them one by one). */
  imageBatch?: number;
  /** Frame interval, caps, audio windows, chunking. */
  pipeline?: PipelineOptions;
  /** Start working on queued files at once (default true). Tests pass false to inspect a resumed queue. */
  autoStart?: boolean;
  /** The ffmpeg worker's watchdog budgets (and, in tests, the worker itself). */
  ffmpeg?: FfmpegClientOptions;
  /** The language speech is transcribed in (ISO 639-1), or 'auto' (default: Whisper detects it). */
  transcriptionLanguage?: string;
}

/** Whether this tab runs the library's work or another tab of the same library does (src/library/tab-sync.ts). */
export type TabRole = 'leader' | 'follower';

export interface AddReport {
  /** One entry per file given, in order. */
  files: {
    name: string;
    /** queued: a job will ingest it. duplicate: the library has this content already (itemId is that item).
     *  refused: detection refused it; its item records why. failed: it could not even be read (no item).
     *  cancelled: cancelled (or the page closed) before it was recorded. */
    outcome: 'queued' | 'duplicate' | 'refused' | 'failed' | 'cancelled';
    itemId?: string;
    jobId?: string;
    error?: { code: string; message: string };
  }[];
}

export interface RescanReport extends AddReport {
  /** Items whose file is gone from the folder, now deleted. */
  removed: string[];
  /** Same path and size/mtime differed, but the content hash did not: only the record was updated. */
  touched: string[];
  /** Same path, new content: the old item was deleted and the file queued as a new one. */
  replaced: string[];
  unchanged: number;
}

/** A segment with the integer key it has in its space's vector index. */
export type KeyedSegment = SegmentRecord & { key: number };

/** Events of the Trove (an EventTarget), for keeping a search catalog in step with the library. */
export interface TroveEventMap {
  /** An item's segments are stored and in the vector indexes. */
  'item-ready': { itemId: string };
  /** An item is gone; `keys` are the index keys its segments had. */
  'item-removed': { itemId: string; keys: number[] };
  /** The library was emptied. */
  cleared: Record<string, never>;
  /** A space's index did not match the store (after a crash) and was rebuilt from the stored vectors. */
  'index-rebuilt': { space: Space; count: number; reason: string };
  /**
   * The whole library was replaced (an import, here or in another tab; or a clear in another tab). It
   * comes right after a 'cleared'; a view or catalog kept by the events reads the new library from the
   * store then (no event comes per item).
   */
  'library-replaced': { reason: 'cleared' | 'imported' };
  /** This tab took over the library's work from a tab that closed. */
  'tab-role': { role: TabRole };
}

export interface Trove extends TypedEventTarget<TroveEventMap> {
  readonly library: Library;
  readonly encoders: Encoders;
  /** One vector index per embedding space; ids are the segments' integer keys. */
  readonly indexes: Record<Space, VectorIndex>;
  readonly queue: IngestQueue;
  /** Adds picked or dropped files; resolves once each is recorded (copied and hashed), not ingested. */
  addFiles(files: Iterable<File | IncomingFile>): Promise<AddReport>;
  /** Imports a folder, keeping its handle for rescans. */
  addFolder(handle: FileSystemDirectoryHandle): Promise<{ folder: FolderRecord; report: AddReport }>;
  /** Ingests new and changed files of an imported folder (size + mtime, then hash) and drops deleted ones. */
  rescan(folderId: string): Promise<RescanReport>;
  /** Removes an item everywhere: store, vector indexes, stored copy, and its jobs. */
  deleteItem(id: string): Promise<boolean>;
  /** Removes every item, job, folder, vector and stored copy. */
  clearLibrary(): Promise<void>;
  /** Queues an item again (a failed file from an earlier batch, whose job was pruned); returns the job id. */
  retryItem(itemId: string): Promise<string>;
  /**
   * Asks again for read access to every imported folder (call it from a click: browsers forget folder
   * permission across reloads, and only a user gesture can grant it), then resumes a queue paused for it.
   */
  requestAccess(): Promise<boolean>;
  /** Segments by their index keys, for turning search hits into results. */
  segmentsByKeys(keys: number[]): Promise<(KeyedSegment | undefined)[]>;
  /** One item's keyed segments, in time or page order. */
  itemSegments(itemId: string): Promise<KeyedSegment[]>;
  /** Every item with its keyed segments, for building a search catalog on open. */
  allSegments(): Promise<{ item: ItemRecord; segments: KeyedSegment[] }[]>;
  /** Saves the vector indexes now (they are saved a moment after each change, and when the queue idles). */
  flush(): Promise<void>;
  /**
   * Replaces the library with an export file (src/backup/), after checking all of it; a bad file changes
   * nothing and throws a BackupError with a message for the user. Every open tab follows.
   */
  importLibrary(file: Blob, options?: Pick<ImportOptions, 'signal' | 'onProgress'>): Promise<ImportReport>;
  /**
   * 'leader': this tab runs the ingest queue and saves the vector indexes. 'follower': another tab of the
   * same library does; files added here are ingested there, and results show up here as they are stored.
   */
  readonly tabRole: TabRole;
  /** What opening found: spaces whose index had to be rebuilt from the store (after a crash). */
  readonly opened: { rebuilt: VerifyResult[] };
  /** Stops the queue, the workers and the store, as closing the tab would; the queue resumes on next open. */
  close(): Promise<void>;
}
