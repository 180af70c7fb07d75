// The library as the views see it: the timeline's months and counts (from the store's counts, never from
// every item), the items on screen (small months whole, large ones a page at a time), imported folders,
// and the ingest queue's snapshot and jobs. Changes are applied as they come (an item added, changed or
// removed; a job changed), reading only the items that changed, or, in a month read by pages, the pages
// in view; timeline.ts holds that logic, unit-tested without a browser.
import type { AddReport, IncomingFile, JobView, QueueSnapshot, Trove } from '../../trove.ts';
import type { FolderRecord, ItemRecord } from '../../library/records.ts';
import { monthStart } from '../../library/item-counts.ts';
import {
  applyChanges,
  bucketIndex,
  bucketsOf,
  compareItems,
  NO_FILTER,
  NO_MONTHS,
  totalsOf,
  touchedMonths,
  wholeMonths,
  withMonths,
  type Bucket,
  type Months,
  type TimelineFilter,
  type Totals,
} from '../library/timeline.ts';
import { applyJob, withoutItem } from './job-list.ts';
import { LibraryBookkeeping } from './library-bookkeeping.ts';

export interface Notice {
  id: number;
  tone: 'info' | 'error';
  text: string;
}

/**
 * A month of more items than this is read a page of this many at a time, only the pages in view (a
 * library of 100k items holds several hundred a month); a smaller one, or one under a filter, is read
 * whole, and changes are applied to it in place.
 */
export const PAGE = 32;

/** The cards of one month the view shows: positions [first, end) of the month. */
export interface MonthRange {
  month: number;
  first: number;
  end: number;
}

/** Changed items read one by one up to this many at a time; beyond it (an import, a clear), all is read anew. */
const RELOAD_ABOVE = 400;
/** Changes are gathered for this long, so a burst (a batch of images) costs one read. */
const GATHER_MS = 60;
/**
 * While changes keep coming (an ingest reports each file three or four times), they are gathered this long:
 * each gathering reads every count record (several hundred in a library of 100k items, cloned from the
 * browser's store process into the page) and the changed items, and at 60 ms that was a few hundred reads
 * per thousand photos, competing with the ingest for the same two cores.
 */
export const BURST_GATHER_MS = 500;

export class LibraryState {
  /** Item counts of the whole library (the status line). */
  totals = $state.raw<Totals>({ all: 0, ready: 0, adding: 0, failed: 0 });
  /** The months that hold items under the filter, newest first. */
  buckets = $state.raw<Bucket[]>([]);
  /** The items of the months read so far (those shown, or shown before), in timeline order. */
  months = $state.raw<Months>(NO_MONTHS);
  filter = $state.raw<TimelineFilter>(NO_FILTER);
  folders = $state.raw<FolderRecord[]>([]);
  queue = $state.raw<QueueSnapshot | null>(null);
  jobs = $state.raw<JobView[]>([]);
  /** True until the first read of the store. */
  loading = $state(true);
  notices = $state<Notice[]>([]);

  /** "2 being added · 1 not added", or '' when every item is ready. */
  readonly pendingText = $derived(
    [
      this.totals.adding && `${this.totals.adding} being added`,
      this.totals.failed && `${this.totals.failed} not added`,
    ]
      .filter(Boolean)
      .join(' · '),
  );

  private trove: Trove | null = null;
  private counts: Awaited<ReturnType<Trove['library']['itemCounts']>> = [];
  /** The buckets by month (buckets, for lookups). */
  private bucketOf = bucketIndex([]);
  private readonly books = new LibraryBookkeeping();
  private gathering: ReturnType<typeof setTimeout> | null = null;
  /** When the last gathered changes were applied (performance.now()). */
  private lastApplied = -Infinity;
  private applying: Promise<void> = Promise.resolve();
  /** Goes up whenever what is read is dropped (filter, reload), so reads started before are discarded. */
  private generation = 0;
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
    trove.queue.addEventListener('job', (e) => {
      const view = e.detail;
      this.jobs = applyJob(this.jobs, view);
      if (view.itemId) this.changed(view.itemId);
    });
    trove.addEventListener('item-ready', (e) => this.changed(e.detail.itemId));
    trove.addEventListener('item-removed', (e) => {
      this.jobs = withoutItem(this.jobs, e.detail.itemId);
      this.changed(e.detail.itemId);
    });
    trove.addEventListener('cleared', () => void this.refresh());
    // refresh, addFiles and addFolder never reject: their failures show as notices.
    void this.refresh().then(async () => {
      performance.mark('trove:open:listed');
      const { files, folders } = this.early;
      this.early = { files: [], folders: [] };
      await this.addFiles(files);
      for (const folder of folders) await this.addFolder(folder);
    });
  }

  /**
   * Reads the counts, folders and jobs again and drops the months read (they are read again when shown).
   * Never rejects: a failed read shows as a notice, and the view stays as it was.
   */
  async refresh(): Promise<void> {
    const trove = this.trove;
    if (!trove) return;
    this.books.takeDirty();
    try {
      const [counts, folders, jobs] = await Promise.all([
        trove.library.itemCounts(),
        trove.library.listFolders(),
        trove.queue.jobs(),
      ]);
      this.generation++;
      this.books.reset();
      this.months = NO_MONTHS;
      this.setCounts(counts);
      this.folders = folders.sort((a, b) => a.name.localeCompare(b.name));
      this.jobs = jobs.filter((j) => j.state !== 'done' && j.state !== 'cancelled');
      this.loading = false;
    } catch (error) {
      this.notify('error', `Could not read the library: ${messageOf(error)}`);
    }
  }

  /** Shows only items of one kind and status group; the months are read again through the store's index. */
  setFilter(filter: TimelineFilter): void {
    if (filter.kind === this.filter.kind && filter.status === this.filter.status) return;
    this.filter = filter;
    this.generation++;
    this.books.reset();
    this.months = NO_MONTHS;
    this.setBuckets(bucketsOf(this.counts, filter));
  }

  private setBuckets(buckets: Bucket[]): void {
    this.buckets = buckets;
    this.bucketOf = bucketIndex(buckets);
  }

  /**
   * Reads what the view shows and has not read: a small (or filtered) month whole, a large one only the
   * pages holding `first`..`end`. Reads under way are not started again.
   */
  need(ranges: readonly MonthRange[]): void {
    // Read here, so a view that calls this from an effect asks again whenever what is read changes (a
    // change drops a month's pages, which are then read again).
    void this.months;
    if (!this.trove) return;
    for (const { month, first, end } of ranges) {
      const bucket = this.bucketOf.get(month);
      if (!bucket) continue;
      if (bucket.only || bucket.count <= PAGE) this.readWhole(bucket);
      else this.readPages(bucket, first, Math.min(end, bucket.count));
    }
  }

  private readWhole(bucket: Bucket): void {
    const { month } = bucket;
    if (this.books.whole.has(month) || this.books.reading.has(month)) return;
    const generation = this.generation;
    this.books.startReading(month);
    this.trove!.library.itemsBetween(monthStart(month), monthStart(month + 1), bucket.only ?? undefined)
      .then((items) => {
        if (generation !== this.generation) return;
        const sorted = items.sort(compareItems);
        const later = this.books.finishReading(month);
        const updated = later.length
          ? applyChanges(wholeMonths(withMonths(NO_MONTHS, [[month, sorted]])), later, this.filter)
          : null;
        this.books.whole.add(month);
        this.months = withMonths(this.months, [[month, updated?.get(month) ?? sorted]]);
      })
      .catch((error: unknown) => {
        this.books.finishReading(month);
        this.notify('error', `Could not read the library: ${messageOf(error)}`);
      });
  }

  /**
   * Reads the pages of [first, end) not read yet, in one read from the first missing to the last. What it
   * brings goes into the month's items in place; a change to the month meanwhile makes it stale (dropped:
   * the view asks again).
   */
  private readPages(bucket: Bucket, first: number, end: number): void {
    const { month } = bucket;
    const record = this.books.pagesOf(month);
    const missing: number[] = [];
    for (let p = Math.floor(first / PAGE); p * PAGE < end; p++)
      if (!record.loaded.has(p) && !record.reading.has(p)) missing.push(p);
    if (!missing.length) return;
    const from = missing[0]!;
    const to = missing[missing.length - 1]!;
    for (let p = from; p <= to; p++) record.reading.add(p);
    const generation = this.generation;
    const seen = this.books.now;
    this.trove!.library.itemsInWindow(
      monthStart(month),
      monthStart(month + 1),
      from * PAGE,
      (to - from + 1) * PAGE,
    )
      .then((items) => {
        for (let p = from; p <= to; p++) record.reading.delete(p);
        if (generation !== this.generation || this.books.paged.get(month) !== record) return;
        const count = this.bucketOf.get(month)?.count ?? 0;
        const current = this.months.get(month);
        // What this record read before goes on; what an earlier record read (before a change) does not.
        const next = current && current === record.items ? [...current] : [];
        next.length = count;
        items.forEach((item, i) => (next[from * PAGE + i] = item));
        record.items = next;
        this.books.whole.delete(month);
        // A change to this month since the read began makes what it brought stale: shown until the view,
        // asking again, has the pages read anew.
        const later = this.books.changesSince(seen);
        const shown = withMonths(NO_MONTHS, [[month, [...(current ?? []), ...items]]]);
        const stale =
          later.length > 0 &&
          touchedMonths([month], shown, later, [bucket], [{ ...bucket, count }]).length > 0;
        if (stale) this.books.invalidate(month);
        else for (let p = from; p <= to; p++) record.loaded.add(p);
        this.months = withMonths(this.months, [[month, next]]);
      })
      .catch((error: unknown) => {
        for (let p = from; p <= to; p++) record.reading.delete(p);
        this.notify('error', `Could not read the library: ${messageOf(error)}`);
      });
  }

  /** The item with this id, from the months read, else from the store. */
  async findItem(id: string): Promise<ItemRecord | undefined> {
    for (const items of this.months.values()) {
      const found = items.find((i) => i?.id === id);
      if (found) return found;
    }
    return this.trove?.library.getItem(id);
  }

  /** Notes that an item changed; changes gathered over a moment are read and applied together. */
  private changed(itemId: string): void {
    this.books.dirty.add(itemId);
    const burst = performance.now() - this.lastApplied < BURST_GATHER_MS;
    this.gathering ??= setTimeout(
      () => {
        this.gathering = null;
        this.applying = this.applying.then(() => this.applyDirty());
      },
      burst ? BURST_GATHER_MS : GATHER_MS,
    );
  }

  private async applyDirty(): Promise<void> {
    const trove = this.trove;
    if (!trove || this.books.dirty.size === 0) return;
    this.lastApplied = performance.now();
    if (this.books.dirty.size > RELOAD_ABOVE) return this.refresh();
    const ids = this.books.takeDirty();
    try {
      const [counts, items] = await Promise.all([trove.library.itemCounts(), trove.library.getItems(ids)]);
      const changes = ids.map((id, i) => ({ id, item: items[i] }));
      this.books.record(changes);
      const before = this.buckets;
      this.setCounts(counts);
      // Months read whole take the changes in place; months read a page at a time that the changes touch
      // keep what they show until their pages in view are read again.
      const paged = [...this.books.paged.keys()];
      const updated = applyChanges(wholeMonths(this.months, this.books.whole), changes, this.filter);
      const touched = touchedMonths(paged, this.months, changes, before, this.buckets);
      for (const month of touched) this.books.invalidate(month);
      if (updated.size || touched.length) this.months = withMonths(this.months, updated);
    } catch (error) {
      this.notify('error', `Could not read the library: ${messageOf(error)}`);
    }
  }

  /**
   * Applies the changes gathered so far at once (after the user's own action, so its outcome shows without
   * waiting), and with `folders`, reads the imported folders again.
   */
  private async settle(folders = false): Promise<void> {
    if (this.gathering) {
      clearTimeout(this.gathering);
      this.gathering = null;
      this.applying = this.applying.then(() => this.applyDirty());
    }
    await this.applying;
    if (folders && this.trove) {
      try {
        this.folders = (await this.trove.library.listFolders()).sort((a, b) => a.name.localeCompare(b.name));
      } catch (error) {
        this.notify('error', `Could not read the library: ${messageOf(error)}`);
      }
    }
  }

  private setCounts(counts: Awaited<ReturnType<Trove['library']['itemCounts']>>): void {
    this.counts = counts;
    this.totals = totalsOf(counts);
    this.setBuckets(bucketsOf(counts, this.filter));
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
    await this.settle(true);
  }

  async deleteItem(item: ItemRecord): Promise<void> {
    if (!this.trove) return;
    try {
      await this.trove.deleteItem(item.id);
    } catch (error) {
      this.notify('error', `Could not delete ${item.name}: ${messageOf(error)}`);
    }
    await this.settle();
  }

  async deleteItemById(id: string): Promise<void> {
    const item = await this.findItem(id);
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
    await this.settle();
  }

  async cancelAll(): Promise<void> {
    await this.trove?.queue.cancelAll();
    await this.settle();
  }

  async retry(jobId: string): Promise<void> {
    await this.trove?.queue.retry(jobId);
    await this.settle();
  }

  /** Re-adds an item that failed, from its kept original. */
  async retryItem(item: ItemRecord): Promise<void> {
    try {
      await this.trove?.retryItem(item.id);
    } catch (error) {
      this.notify('error', `Could not retry ${item.name}: ${messageOf(error)}`);
    }
    await this.settle();
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
    await this.settle(true);
  }
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
