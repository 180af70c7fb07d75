// The facade the UI and search use: one call opens the library store, the encoders, one vector index per
// embedding space and the persistent ingest queue, and resumes whatever ingest a reload interrupted.
import type { Encoders } from './encoders/encoders.ts';
import type { Device, ModelsConfig } from './models/config.ts';
import type { Library } from './library/library.ts';
import type { FolderRecord, ItemRecord, SegmentRecord, Space } from './library/records.ts';
import type { VectorIndex } from './vector-index/types.ts';
import type { JobView, QueueSnapshot, QueueEventMap } from './ingest/queue-events.ts';
import type { PipelineOptions } from './ingest/pipeline-options.ts';

export type {
  JobView,
  QueueSnapshot,
  QueueEventMap,
  FileProgress,
  PauseReason,
} from './ingest/queue-events.ts';
export type { PipelineOptions } from './ingest/pipeline-options.ts';

/** A file coming in, with the directory it had inside a dropped or picked folder ('' for loose files). */
export interface IncomingFile {
  file: File;
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
  /** Frame interval, caps, audio windows, chunking. */
  pipeline?: PipelineOptions;
  /** Start working on queued files at once (default true). Tests pass false to inspect a resumed queue. */
  autoStart?: boolean;
}

export interface AddReport {
  /** One entry per file given, in order. */
  files: {
    name: string;
    /** queued: a job will ingest it. duplicate: the library has this content already (itemId is that item).
     *  refused: detection refused it; its item records why. */
    outcome: 'queued' | 'duplicate' | 'refused';
    itemId: string;
    jobId?: string;
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

/** The queue as the UI sees it. */
export interface IngestQueue extends EventTarget {
  snapshot(): QueueSnapshot;
  /** Svelte store contract: `run` is called at once and on every change. */
  subscribe(run: (snapshot: QueueSnapshot) => void): () => void;
  /** Every job (queued, running, failed, cancelled, and done ones not yet pruned), oldest first. */
  jobs(): Promise<JobView[]>;
  cancel(jobId: string): Promise<void>;
  cancelAll(): Promise<void>;
  retry(jobId: string): Promise<void>;
  pause(): void;
  /** Resumes after pause() or a quota/permission pause; the file that hit it is tried again. */
  resume(): void;
  /** Resolves when nothing is queued or running (or the queue is paused). */
  whenIdle(): Promise<QueueSnapshot>;
  addEventListener<K extends keyof QueueEventMap>(
    type: K,
    listener: (event: CustomEvent<QueueEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
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
}

export interface Trove extends EventTarget {
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
  /** Segments by their index keys, for turning search hits into results. */
  segmentsByKeys(keys: number[]): Promise<(KeyedSegment | undefined)[]>;
  /** Every item with its keyed segments, for building a search catalog on open. */
  allSegments(): Promise<{ item: ItemRecord; segments: KeyedSegment[] }[]>;
  /** Stops the queue, the workers and the store, as closing the tab would; the queue resumes on next open. */
  close(): Promise<void>;
}

export async function openTrove(options: TroveOptions): Promise<Trove> {
  void options;
  throw new Error('openTrove: not implemented yet');
}
