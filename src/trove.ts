// The facade the UI and search use: one call opens the library store, the encoders, one vector index per
// embedding space and the persistent ingest queue, and resumes whatever ingest a reload interrupted.
// Everything that adds or removes vectors goes through the index sync, so the vector indexes (derived)
// follow the library store (the record), and are rebuilt from it when a crash left them behind. The types
// are in trove-api.ts; sharing the library with other tabs is trove-tabs.ts.
import { importLibrary, type ImportOptions, type ImportReport } from './backup/import-library.ts';
import { createEncoders, type Encoders } from './encoders/encoders.ts';
import type { ModelsConfig } from './models/config.ts';
import { Library } from './library/library.ts';
import { createTabSync, type TabSync } from './library/tab-sync.ts';
import type { FolderRecord, ItemRecord, SegmentRecord, Space } from './library/records.ts';
import { openVectorIndex, spawnVectorIndexWorker, type VectorIndexWorker } from './vector-index/client.ts';
import type { RestoreReport, VectorIndex } from './vector-index/types.ts';
import { FfmpegClient } from './ingest/video/ffmpeg-client.ts';
import { ImageDecoder } from './ingest/image/image-decoder.ts';
import { PlaceFinder } from './ingest/places/place-finder.ts';
import { IndexSync, spaces, type VerifyResult } from './ingest/index-sync.ts';
import { JobQueue } from './ingest/queue/job-queue.ts';
import type { IntakeEntry, IntakeResult } from './ingest/queue/queue-types.ts';
import { intakeFile } from './ingest/intake.ts';
import { ingestItem } from './ingest/pipeline.ts';
import { ingestImageBatch } from './ingest/image-batch.ts';
import {
  ensureReadAccess,
  importFolder,
  rescanFolder,
  type FolderImportDeps,
} from './ingest/folder-import.ts';
import { TroveTabs } from './trove-tabs.ts';
import { TypedEventSource } from './typed-event-target.ts';
import type {
  AddReport,
  IncomingFile,
  IngestQueue,
  KeyedSegment,
  RescanReport,
  TabRole,
  Trove,
  TroveEventMap,
  TroveOptions,
} from './trove-api.ts';

export type * from './trove-api.ts';

/** What openTrove has opened, for the Trove that runs on it. */
interface TroveParts {
  library: Library;
  encoders: Encoders;
  indexes: Record<Space, VectorIndex>;
  queue: JobQueue;
  sync: IndexSync;
  tabs: TabSync;
  config: ModelsConfig;
  opened: { rebuilt: VerifyResult[] };
  /** Stops the queue, the index sync, the workers and the store. */
  stop(): void;
}

class TroveApp extends TypedEventSource<TroveEventMap> implements Trove {
  readonly library: Library;
  readonly encoders: Encoders;
  readonly indexes: Record<Space, VectorIndex>;
  readonly queue: IngestQueue;
  readonly opened: { rebuilt: VerifyResult[] };
  private readonly jobs: JobQueue;
  private readonly sync: IndexSync;
  private readonly tabs: TabSync;
  private readonly tabLink: TroveTabs;
  private readonly config: ModelsConfig;
  private readonly stop: () => void;
  private closed = false;

  constructor(parts: TroveParts) {
    super();
    this.library = parts.library;
    this.encoders = parts.encoders;
    this.indexes = parts.indexes;
    this.opened = parts.opened;
    this.sync = parts.sync;
    this.tabs = parts.tabs;
    this.config = parts.config;
    this.stop = parts.stop;
    this.queue = this.jobs = parts.queue;
    this.tabLink = new TroveTabs({
      tabs: this.tabs,
      queue: this.jobs,
      sync: this.sync,
      emit: (type, detail) => this.emit(type, detail),
      afterReplace: (reason) => this.afterReplace(reason),
      isClosed: () => this.closed,
    });
    this.jobs.addEventListener('item-ready', (e) => this.emit('item-ready', { itemId: e.detail.itemId }));
    // A finished batch is saved at once rather than a moment later.
    this.jobs.addEventListener('idle', () => {
      this.sync.flush().catch((error: unknown) => {
        // A save cut short by close() is dropped on purpose (the index worker is gone).
        if (!this.closed)
          console.warn('Trove: saving the vector indexes failed; the next change saves them again', error);
      });
    });
  }

  get tabRole(): TabRole {
    return this.tabLink.role;
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
    return reportOf(await Promise.all(this.jobs.add(entries)));
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
    await this.jobs.forgetItem(id);
    const removed = await this.sync.removeItem(id);
    if (removed) {
      this.emit('item-removed', { itemId: id, keys: removed.keys });
      this.tabs.post({ type: 'item-removed', itemId: id, keys: removed.keys });
    }
    return removed !== null;
  }

  async clearLibrary(): Promise<void> {
    await this.jobs.cancelAll({ keepRecord: false });
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

  /** Tells the UI the library was replaced, in the events its catalog already follows. */
  private async afterReplace(reason: 'cleared' | 'imported'): Promise<void> {
    // Jobs of the replaced library end on their own: a job whose record or item is gone is dropped when
    // it runs or writes (cancelling here could delete an imported item that has the same id).
    await this.jobs.syncFromStore();
    // 'cleared' first, then 'library-replaced': a view that follows the library by these events drops
    // what it held, then reads the new library from the store (never an event per item: an import can
    // bring a hundred thousand).
    this.emit('cleared', {});
    this.emit('library-replaced', { reason });
  }

  async retryItem(itemId: string): Promise<string> {
    const item = await this.library.getItem(itemId);
    if (!item) throw new Error(`No item ${itemId}`);
    return this.jobs.requeueItem(item);
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

  /** In a follower tab: takes over the library's work once the leader tab closes. */
  takeOverWhenLeader(reopen: () => Promise<Partial<Record<Space, RestoreReport>>>): void {
    this.tabLink.takeOverWhenLeader(reopen);
  }

  private folderDeps(): FolderImportDeps {
    return {
      library: this.library,
      queue: this.jobs,
      removeItem: async (id) => void (await this.deleteItem(id)),
    };
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
 * Opens one vector index per space. Only the leader tab opens the saved indexes (their OPFS file admits
 * one worker); other tabs build theirs in memory from the store (verify), and follow the leader's changes.
 */
async function openIndexes(
  config: ModelsConfig,
  worker: VectorIndexWorker,
  options: { dbName?: string; persistent?: boolean },
): Promise<{ indexes: Record<Space, VectorIndex>; reports: Partial<Record<Space, RestoreReport>> }> {
  const indexes = {} as Record<Space, VectorIndex>;
  const reports: Partial<Record<Space, RestoreReport>> = {};
  for (const space of spaces) {
    const dim = config.roles[space].dim;
    if (!dim) throw new Error(`models.json gives no dim for the ${space} role`);
    const opened = await openVectorIndex({ space, dim, ...options }, worker);
    indexes[space] = opened.index;
    reports[space] = opened.report;
  }
  return { indexes, reports };
}

/**
 * Opens Trove: the library store (migrating it), the encoders (workers start on first use), the vector
 * indexes (restored, and rebuilt from the store if a crash left them behind), and the ingest queue, which
 * resumes the files a reload interrupted.
 */
export async function openTrove(options: TroveOptions): Promise<Trove> {
  const { config } = options;
  // One lock and channel per library database, so tests with their own databases do not meet.
  const tabs = createTabSync({ name: `trove:${Library.dbName(options.libraryDbName)}` });
  // Marks for each step of opening (trove:open:*), so a slow start shows where it waits (the realsize bench
  // reads them; so does the browser's performance panel).
  const mark = (step: string) => performance.mark(`trove:open:${step}`);
  mark('start');
  const { isLeader } = await tabs.ready;
  mark('tabs');
  const library = await Library.open({ name: options.libraryDbName });
  mark('library');
  const encoders = createEncoders(config, {
    prefer: options.prefer ?? 'auto',
    speechLanguage: options.transcriptionLanguage,
  });
  const ffmpeg = new FfmpegClient(options.ffmpeg);
  const images = new ImageDecoder();
  const places = new PlaceFinder();
  const worker = spawnVectorIndexWorker();
  const stopAll = () => {
    void tabs.close(); // never rejects: it only waits for the lock to be let go
    encoders.terminate();
    ffmpeg.terminate();
    images.terminate();
    places.terminate();
    worker.terminate();
    library.close();
  };
  try {
    const dbName = options.vectorDbName;
    const { indexes, reports } = await openIndexes(config, worker, { dbName, persistent: isLeader });
    mark('indexes');
    const sync = new IndexSync(library, indexes, {
      onError: (error) => console.warn('Trove: updating the vector index failed; it will be rebuilt', error),
      persist: isLeader,
      onStored: (itemId, removedKeys) => tabs.post({ type: 'item-ready', itemId, removedKeys }),
    });
    const rebuilt = await sync.verify(reports);
    mark('verified');
    const pipeline = { encoders, ffmpeg, images, places, options: options.pipeline, sink: sync };
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
    mark('queue');
    const trove = new TroveApp({
      library,
      encoders,
      indexes,
      queue,
      sync,
      tabs,
      config,
      opened: { rebuilt },
      stop: () => {
        queue.close();
        sync.close();
        stopAll();
      },
    });
    trove.takeOverWhenLeader(async () => (await openIndexes(config, worker, { dbName })).reports);
    if (options.autoStart !== false) queue.start();
    // A tab closed mid-copy leaves a stored copy without an item; an hour on, no tab is still adding it.
    if (isLeader)
      library
        .sweepOrphanOriginals({ olderThanMs: 3_600_000 })
        .catch((error: unknown) => console.warn('Trove: removing orphaned copies failed', error));
    return trove;
  } catch (error) {
    stopAll();
    throw error;
  }
}
