// The facade the UI and search use: one call opens the library store, the encoders, one vector index per
// embedding space and the persistent ingest queue, and resumes whatever ingest a reload interrupted.
// Everything that adds or removes vectors goes through the index sync, so the vector indexes (derived)
// follow the library store (the record), and are rebuilt from it when a crash left them behind.
import { importLibrary, type ImportOptions, type ImportReport } from './backup/import-library.ts';
import { createEncoders, type Encoders } from './encoders/encoders.ts';
import type { Device, ModelsConfig } from './models/config.ts';
import { Library } from './library/library.ts';
import { LIBRARY_DB_NAME } from './library/open-db.ts';
import { createTabSync, type LibraryMessage, type TabSync } from './library/tab-sync.ts';
import type { FolderRecord, ItemRecord, SegmentRecord, Space } from './library/records.ts';
import { openVectorIndex, spawnVectorIndexWorker } from './vector-index/client.ts';
import type { RestoreReport, VectorIndex } from './vector-index/types.ts';
import type { JobView, QueueSnapshot, QueueEventMap } from './ingest/queue-events.ts';
import type { PipelineOptions } from './ingest/pipeline-options.ts';
import { FfmpegClient, type FfmpegClientOptions } from './ingest/video/ffmpeg-client.ts';
import { ImageDecoder } from './ingest/image/image-decoder.ts';
import { IndexSync, spaces, type VerifyResult } from './ingest/index-sync.ts';
import { JobQueue, type IntakeEntry, type IntakeResult } from './ingest/job-queue.ts';
import { intakeFile } from './ingest/intake.ts';
import { ingestItem } from './ingest/pipeline.ts';
import { ingestImageBatch } from './ingest/image-batch.ts';
import {
  ensureReadAccess,
  importFolder,
  rescanFolder,
  type FolderImportDeps,
} from './ingest/folder-import.ts';

export type {
  JobView,
  QueueSnapshot,
  QueueEventMap,
  FileProgress,
  PauseReason,
} from './ingest/queue-events.ts';
export type { PipelineOptions } from './ingest/pipeline-options.ts';
export type { VerifyResult } from './ingest/index-sync.ts';

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
  /** Images ingested together in one of those slots (default 16; 1 ingests them one by one). */
  imageBatch?: number;
  /** Frame interval, caps, audio windows, chunking. */
  pipeline?: PipelineOptions;
  /** Start working on queued files at once (default true). Tests pass false to inspect a resumed queue. */
  autoStart?: boolean;
  /** The ffmpeg worker's watchdog budgets (and, in tests, the worker itself). */
  ffmpeg?: FfmpegClientOptions;
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
  /**
   * The whole library was replaced (an import, here or in another tab; or a clear in another tab). It is
   * followed by 'cleared' and an 'item-ready' for every item, so a catalog kept by those events follows.
   */
  'library-replaced': { reason: 'cleared' | 'imported' };
  /** This tab took over the library's work from a tab that closed. */
  'tab-role': { role: TabRole };
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
  addEventListener<K extends keyof TroveEventMap>(
    type: K,
    listener: (event: CustomEvent<TroveEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Stops the queue, the workers and the store, as closing the tab would; the queue resumes on next open. */
  close(): Promise<void>;
}

// Declaration merging gives the class Trove's typed event overloads (what it dispatches is exactly those).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
interface TroveApp {
  addEventListener: Trove['addEventListener'];
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class TroveApp extends EventTarget implements Trove {
  readonly queue: IngestQueue;

  tabRole: TabRole;
  private closed = false;

  constructor(
    readonly library: Library,
    readonly encoders: Encoders,
    readonly indexes: Record<Space, VectorIndex>,
    queue: JobQueue,
    readonly opened: { rebuilt: VerifyResult[] },
    private readonly sync: IndexSync,
    private readonly stop: () => void,
    private readonly tabs: TabSync,
    private readonly config: ModelsConfig,
  ) {
    super();
    this.tabRole = tabs.isLeader ? 'leader' : 'follower';
    tabs.subscribe((message) => void this.onTabMessage(message));
    // The leader tells other tabs when its jobs move on, a few times a second at most.
    let jobsTimer: ReturnType<typeof setTimeout> | undefined;
    queue.addEventListener('job', (e) => {
      const job = (e as CustomEvent<JobView>).detail;
      if (this.tabRole === 'follower') {
        if (job.state === 'queued') tabs.post({ type: 'jobs-added', jobIds: [job.id] });
        return;
      }
      jobsTimer ??= setTimeout(() => {
        jobsTimer = undefined;
        tabs.post({ type: 'jobs-changed' });
      }, 250);
    });
    // The typed addEventListener overloads of IngestQueue describe what JobQueue dispatches.
    this.queue = queue as unknown as IngestQueue;
    queue.addEventListener('item-ready', (e) =>
      this.emit('item-ready', { itemId: (e as CustomEvent<{ itemId: string }>).detail.itemId }),
    );
    // A finished batch is saved at once rather than a moment later.
    queue.addEventListener('idle', () => void sync.flush().catch(() => undefined));
  }

  private get jobQueue(): JobQueue {
    return this.queue as unknown as JobQueue;
  }

  async addFiles(files: Iterable<File | IncomingFile>): Promise<AddReport> {
    const entries: IntakeEntry[] = [];
    for (const f of files) {
      entries.push(
        f instanceof File
          ? { kind: 'file', file: f, folderPath: '' }
          : { kind: 'file', file: f.file, folderPath: f.folderPath ?? '' },
      );
    }
    return reportOf(await Promise.all(this.jobQueue.add(entries)));
  }

  async addFolder(handle: FileSystemDirectoryHandle): Promise<{ folder: FolderRecord; report: AddReport }> {
    const { folder, results } = await importFolder(this.folderDeps(), handle);
    return { folder, report: reportOf(results) };
  }

  async rescan(folderId: string): Promise<RescanReport> {
    const r = await rescanFolder(this.folderDeps(), folderId);
    return {
      ...reportOf(r.results),
      removed: r.removed,
      touched: r.touched,
      replaced: r.replaced,
      unchanged: r.unchanged,
    };
  }

  async deleteItem(id: string): Promise<boolean> {
    await this.jobQueue.forgetItem(id);
    const removed = await this.sync.removeItem(id);
    if (removed) {
      this.emit('item-removed', { itemId: id, keys: removed.keys });
      this.tabs.post({ type: 'item-removed', itemId: id, keys: removed.keys });
    }
    return removed !== null;
  }

  async clearLibrary(): Promise<void> {
    await this.jobQueue.cancelAll({ keepRecord: false });
    await this.sync.clear();
    this.emit('cleared', {});
    this.tabs.post({ type: 'library-replaced', reason: 'cleared' });
  }

  async importLibrary(
    file: Blob,
    options: Pick<ImportOptions, 'signal' | 'onProgress'> = {},
  ): Promise<ImportReport> {
    const expectedDims: Partial<Record<Space, number>> = {};
    for (const space of spaces) expectedDims[space] = this.config.roles[space].dim;
    const report = await importLibrary(this.library, file, { ...options, expectedDims });
    await this.sync.rebuildFromStore();
    await this.afterReplace('imported');
    this.tabs.post({ type: 'library-replaced', reason: 'imported' });
    return report;
  }

  /** Takes over the library's work after the leader tab closed: persisted indexes, then the stored jobs. */
  async promote(reopen: () => Promise<Partial<Record<Space, RestoreReport>>>): Promise<void> {
    const reports = await this.sync.takeOverPersisted(reopen);
    const rebuilt = await this.sync.verify(reports);
    for (const r of rebuilt) this.emit('index-rebuilt', r);
    await this.jobQueue.takeOver();
    this.tabRole = 'leader';
    this.emit('tab-role', { role: 'leader' });
  }

  private async onTabMessage(message: LibraryMessage): Promise<void> {
    try {
      switch (message.type) {
        case 'item-ready':
          await this.sync.applyRemote(message);
          await this.jobQueue.syncFromStore();
          this.emit('item-ready', { itemId: message.itemId });
          return;
        case 'item-removed':
          await this.sync.applyRemote(message);
          await this.jobQueue.forgetItem(message.itemId);
          this.emit('item-removed', { itemId: message.itemId, keys: message.keys });
          return;
        case 'jobs-added':
          await this.jobQueue.refresh();
          return;
        case 'jobs-changed':
          await this.jobQueue.syncFromStore();
          return;
        case 'library-replaced':
          await this.sync.rebuildFromStore();
          await this.afterReplace(message.reason);
          return;
      }
    } catch (error) {
      if (!this.closed) console.warn(`Trove: could not follow another tab's change (${message.type})`, error);
    }
  }

  /** Tells the UI the library was replaced, in the events its catalog already follows. */
  private async afterReplace(reason: 'cleared' | 'imported'): Promise<void> {
    // Jobs of the replaced library end on their own: a job whose record or item is gone is dropped when
    // it runs or writes (cancelling here could delete an imported item that has the same id).
    await this.jobQueue.syncFromStore();
    this.emit('library-replaced', { reason });
    this.emit('cleared', {});
    for (const item of await this.library.listItems()) this.emit('item-ready', { itemId: item.id });
  }

  async retryItem(itemId: string): Promise<string> {
    const item = await this.library.getItem(itemId);
    if (!item) throw new Error(`No item ${itemId}`);
    const jobId = await this.jobQueue.requeueItem(item);
    return jobId;
  }

  async requestAccess(): Promise<boolean> {
    let granted = true;
    for (const folder of await this.library.listFolders()) {
      try {
        await ensureReadAccess(folder.handle);
      } catch {
        granted = false;
      }
    }
    if (granted && this.queue.snapshot().pause?.code === 'permission') this.queue.resume();
    return granted;
  }

  async segmentsByKeys(keys: number[]): Promise<(KeyedSegment | undefined)[]> {
    return Promise.all(keys.map(async (k) => keyed(await this.library.segmentByKey(k))));
  }

  async itemSegments(itemId: string): Promise<KeyedSegment[]> {
    return (await this.library.getSegments(itemId)).map(keyed).filter((s): s is KeyedSegment => !!s);
  }

  async allSegments(): Promise<{ item: ItemRecord; segments: KeyedSegment[] }[]> {
    const [items, segments] = await Promise.all([this.library.listItems(), this.library.allSegments()]);
    const byItem = new Map<string, KeyedSegment[]>();
    for (const seg of segments) {
      const k = keyed(seg);
      if (!k) continue;
      const list = byItem.get(seg.itemId) ?? [];
      list.push(k);
      byItem.set(seg.itemId, list);
    }
    return items.map((item) => ({ item, segments: byItem.get(item.id) ?? [] }));
  }

  flush(): Promise<void> {
    return this.sync.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    // Resolves once the library lock is free, so a Trove opened next (a reload) can lead at once.
    await this.tabs.close();
  }

  private folderDeps(): FolderImportDeps {
    return {
      library: this.library,
      queue: this.jobQueue,
      removeItem: async (id) => void (await this.deleteItem(id)),
    };
  }

  private emit<K extends keyof TroveEventMap>(type: K, detail: TroveEventMap[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function keyed(segment: SegmentRecord | undefined): KeyedSegment | undefined {
  return segment && segment.key !== undefined ? (segment as KeyedSegment) : undefined;
}

function reportOf(results: IntakeResult[]): AddReport {
  return {
    files: results.map((r) => ({
      name: r.name,
      outcome: r.outcome,
      itemId: r.itemId,
      jobId: r.outcome === 'duplicate' ? undefined : r.jobId,
      error: r.error,
    })),
  };
}

/**
 * Opens Trove: the library store (migrating it), the encoders (workers start on first use), the vector
 * indexes (restored, and rebuilt from the store if a crash left them behind), and the ingest queue, which
 * resumes the files a reload interrupted.
 */
export async function openTrove(options: TroveOptions): Promise<Trove> {
  const { config } = options;
  // One lock and channel per library database, so tests with their own databases do not meet.
  const tabs = createTabSync({ name: `trove:${options.libraryDbName ?? LIBRARY_DB_NAME}` });
  const { isLeader } = await tabs.ready;
  const library = await Library.open({ name: options.libraryDbName });
  const encoders = createEncoders(config, { prefer: options.prefer ?? 'auto' });
  const ffmpeg = new FfmpegClient(options.ffmpeg);
  const images = new ImageDecoder();
  const worker = spawnVectorIndexWorker();
  const stopAll = () => {
    void tabs.close();
    encoders.terminate();
    ffmpeg.terminate();
    images.terminate();
    worker.terminate();
    library.close();
  };
  try {
    const indexes = {} as Record<Space, VectorIndex>;
    const reports: Partial<Record<Space, RestoreReport>> = {};
    for (const space of spaces) {
      const dim = config.roles[space].dim;
      if (!dim) throw new Error(`models.json gives no dim for the ${space} role`);
      // Only the leader tab opens the saved index (its OPFS file admits one worker); others build theirs
      // in memory from the store (verify below), and follow the leader's changes.
      const opened = await openVectorIndex(
        { space, dim, dbName: options.vectorDbName, persistent: isLeader },
        worker,
      );
      indexes[space] = opened.index;
      reports[space] = opened.report;
    }
    const sync = new IndexSync(library, indexes, {
      onError: (error) => console.warn('Trove: updating the vector index failed; it will be rebuilt', error),
      persist: isLeader,
      onStored: (itemId, removedKeys) => tabs.post({ type: 'item-ready', itemId, removedKeys }),
    });
    const rebuilt = await sync.verify(reports);
    const pipeline = { encoders, ffmpeg, images, options: options.pipeline, sink: sync };
    const queue = await JobQueue.open(
      {
        library,
        intake: (entry, job) => intakeFile(library, entry, job),
        ingest: (job, item, run) => ingestItem(item, job.id, pipeline, run).then(() => undefined),
        ingestImages: (list) =>
          ingestImageBatch(
            list.map(({ job, item, signal, onProgress }) => ({ item, jobId: job.id, signal, onProgress })),
            pipeline,
          ),
        discard: async (itemId) => void (await sync.removeItem(itemId)),
      },
      { concurrency: options.concurrency, imageBatch: options.imageBatch, runsJobs: isLeader },
    );
    const trove = new TroveApp(
      library,
      encoders,
      indexes,
      queue,
      { rebuilt },
      sync,
      () => {
        queue.close();
        sync.close();
        stopAll();
      },
      tabs,
      config,
    );
    if (!isLeader) {
      void tabs.whenLeader.then(() =>
        trove
          .promote(async () => {
            const reports: Partial<Record<Space, RestoreReport>> = {};
            for (const space of spaces) {
              const dim = config.roles[space].dim!;
              reports[space] = (
                await openVectorIndex({ space, dim, dbName: options.vectorDbName }, worker)
              ).report;
            }
            return reports;
          })
          .catch((error: unknown) => console.warn('Trove: taking over from the closed tab failed', error)),
      );
    }
    if (options.autoStart !== false) queue.start();
    // A tab closed mid-copy leaves a stored copy without an item; an hour on, no tab is still adding it.
    if (isLeader) void library.sweepOrphanOriginals({ olderThanMs: 3_600_000 }).catch(() => undefined);
    return trove;
  } catch (error) {
    stopAll();
    throw error;
  }
}
