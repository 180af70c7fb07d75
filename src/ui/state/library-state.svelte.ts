// The library as the views see it: the items (newest first), imported folders, and the ingest queue's
// snapshot and jobs, refreshed from the store whenever the queue reports a change.
import type { AddReport, IncomingFile, JobView, QueueSnapshot, Trove } from '../../trove.ts';
import type { FolderRecord, ItemRecord } from '../../library/records.ts';

export interface Notice {
  id: number;
  tone: 'info' | 'error';
  text: string;
}

export class LibraryState {
  items = $state.raw<ItemRecord[]>([]);
  folders = $state.raw<FolderRecord[]>([]);
  queue = $state.raw<QueueSnapshot | null>(null);
  jobs = $state.raw<JobView[]>([]);
  /** True until the first read of the store. */
  loading = $state(true);
  notices = $state<Notice[]>([]);

  readonly ready = $derived(this.items.filter((i) => i.status === 'ready'));
  readonly inProgress = $derived(
    this.items.filter((i) => i.status === 'pending' || i.status === 'processing'),
  );
  readonly failed = $derived(this.items.filter((i) => i.status === 'error' || i.status === 'unsupported'));
  /** "2 being added · 1 not added", or '' when every item is ready. */
  readonly pendingText = $derived(
    [
      this.inProgress.length && `${this.inProgress.length} being added`,
      this.failed.length && `${this.failed.length} not added`,
    ]
      .filter(Boolean)
      .join(' · '),
  );

  private trove: Trove | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private noticeId = 0;
  /** Files and folders given while the library was still opening; added once it is open. */
  private early: { files: (File | IncomingFile)[]; folders: FileSystemDirectoryHandle[] } = {
    files: [],
    folders: [],
  };

  attach(trove: Trove): void {
    this.trove = trove;
    trove.queue.subscribe((snapshot) => {
      this.queue = snapshot;
    });
    // refresh, addFiles and addFolder never reject: their failures show as notices.
    trove.queue.addEventListener('job', () => void this.refresh());
    for (const type of ['item-ready', 'item-removed', 'cleared'])
      trove.addEventListener(type, () => void this.refresh());
    void this.refresh().then(async () => {
      performance.mark('trove:open:listed');
      const { files, folders } = this.early;
      this.early = { files: [], folders: [] };
      await this.addFiles(files);
      for (const folder of folders) await this.addFolder(folder);
    });
  }

  /**
   * Re-reads items, folders and jobs; calls that arrive while one runs collapse into one more run. Never
   * rejects: a failed read shows as a notice, and the lists stay as they were.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const trove = this.trove;
        if (!trove) return;
        const [items, folders, jobs] = await Promise.all([
          trove.library.listItems(),
          trove.library.listFolders(),
          trove.queue.jobs(),
        ]);
        this.items = items.sort((a, b) => b.addedAt - a.addedAt || a.name.localeCompare(b.name));
        this.folders = folders.sort((a, b) => a.name.localeCompare(b.name));
        this.jobs = jobs;
        this.loading = false;
      } while (this.again);
    })()
      .catch((error: unknown) => this.notify('error', `Could not read the library: ${messageOf(error)}`))
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  async addFiles(files: (File | IncomingFile)[]): Promise<void> {
    if (files.length === 0) return;
    if (!this.trove) {
      this.early.files.push(...files);
      return;
    }
    await this.report(() => this.trove!.addFiles(files));
  }

  async addFolder(handle: FileSystemDirectoryHandle): Promise<void> {
    if (!this.trove) {
      this.early.folders.push(handle);
      return;
    }
    await this.report(async () => (await this.trove!.addFolder(handle)).report, `from ${handle.name}`);
  }

  async rescan(folder: FolderRecord): Promise<void> {
    if (!this.trove) return;
    try {
      const report = await this.trove.rescan(folder.id);
      const queued = report.files.filter((f) => f.outcome === 'queued').length;
      const parts = [
        queued && `${queued} new or changed`,
        report.removed.length && `${report.removed.length} removed`,
        `${report.unchanged} unchanged`,
      ].filter(Boolean);
      this.notify('info', `Rescanned ${folder.name}: ${parts.join(', ')}.`);
    } catch (error) {
      this.notify('error', `Could not rescan ${folder.name}: ${messageOf(error)}`);
    }
    await this.refresh();
  }

  async deleteItem(item: ItemRecord): Promise<void> {
    if (!this.trove) return;
    try {
      await this.trove.deleteItem(item.id);
    } catch (error) {
      this.notify('error', `Could not delete ${item.name}: ${messageOf(error)}`);
    }
    await this.refresh();
  }

  async deleteItemById(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id) ?? (await this.trove?.library.getItem(id));
    if (item) await this.deleteItem(item);
  }

  async clear(): Promise<void> {
    if (!this.trove) return;
    await this.trove.clearLibrary();
    await this.refresh();
    this.notify('info', 'The library is empty now.');
  }

  async cancel(jobId: string): Promise<void> {
    await this.trove?.queue.cancel(jobId);
    await this.refresh();
  }

  async cancelAll(): Promise<void> {
    await this.trove?.queue.cancelAll();
    await this.refresh();
  }

  async retry(jobId: string): Promise<void> {
    await this.trove?.queue.retry(jobId);
    await this.refresh();
  }

  /** Re-adds an item that failed, from its kept original. */
  async retryItem(item: ItemRecord): Promise<void> {
    try {
      await this.trove?.retryItem(item.id);
    } catch (error) {
      this.notify('error', `Could not retry ${item.name}: ${messageOf(error)}`);
    }
    await this.refresh();
  }

  resume(): void {
    this.trove?.queue.resume();
  }

  /** Asks again for read access to imported folders (needs the click that calls it). */
  async requestAccess(): Promise<void> {
    const granted = await this.trove?.requestAccess();
    if (granted === false) this.notify('error', 'Trove still cannot read one of your imported folders.');
  }

  notify(tone: Notice['tone'], text: string): void {
    const id = ++this.noticeId;
    this.notices = [...this.notices.slice(-3), { id, tone, text }];
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  private async report(add: () => Promise<AddReport>, from = ''): Promise<void> {
    try {
      const { files } = await add();
      const duplicates = files.filter((f) => f.outcome === 'duplicate').length;
      const refused = files.filter((f) => f.outcome === 'refused').length;
      if (duplicates)
        this.notify(
          'info',
          `${plural(duplicates, 'file was', 'files were')} already in the library ${from}`.trim() + '.',
        );
      if (refused)
        this.notify(
          'error',
          `${plural(refused, 'file', 'files')} could not be added; see the reasons below.`,
        );
    } catch (error) {
      this.notify('error', `Could not add files: ${messageOf(error)}`);
    }
    await this.refresh();
  }
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
