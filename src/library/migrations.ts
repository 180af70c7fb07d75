// Schema migrations of the library database. Each migration moves the schema from version - 1 to version
// and is recorded in the `migrations` store. Migrations are typed against an untyped database on purpose:
// each one must keep working against the schema of its own time, not today's.
import type { IDBPDatabase, IDBPTransaction } from 'idb';

export type UpgradeTransaction = IDBPTransaction<unknown, string[], 'versionchange'>;

export interface Migration {
  version: number;
  name: string;
  /** Runs inside the versionchange transaction; a rejection aborts the whole upgrade. */
  up(db: IDBPDatabase<unknown>, tx: UpgradeTransaction): void | Promise<void>;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema: items, segments, vectors, thumbnails, jobs, folders, migrations',
    up(db) {
      const items = db.createObjectStore('items', { keyPath: 'id' });
      // Unique, so the same content added twice is one item. Items not yet hashed have no sha256
      // and are left out of the index.
      items.createIndex('sha256', 'sha256', { unique: true });
      items.createIndex('status', 'status');
      items.createIndex('folderId', 'folderId');

      const segments = db.createObjectStore('segments', { keyPath: 'id' });
      segments.createIndex('itemId', 'itemId');
      segments.createIndex('kind', 'kind');

      const vectors = db.createObjectStore('vectors', { keyPath: ['segmentId', 'space'] });
      vectors.createIndex('itemId', 'itemId');
      vectors.createIndex('space', 'space');

      const thumbnails = db.createObjectStore('thumbnails', { keyPath: 'id' });
      thumbnails.createIndex('itemId', 'itemId');

      const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
      jobs.createIndex('state', 'state');
      jobs.createIndex('itemId', 'itemId');

      db.createObjectStore('folders', { keyPath: 'id' });
      db.createObjectStore('migrations', { keyPath: 'version' });
    },
  },
  {
    version: 2,
    name: 'integer segment keys for the vector index; meta store for the key counter and index versions',
    async up(db, tx) {
      // The vector index takes 32-bit integer ids, so every segment gets one, unique and never reused.
      const segments = tx.objectStore('segments');
      segments.createIndex('key', 'key', { unique: true });
      db.createObjectStore('meta', { keyPath: 'name' });
      let next = 1;
      let cursor = await segments.openCursor();
      while (cursor) {
        await cursor.update({ ...(cursor.value as object), key: next++ });
        cursor = await cursor.continue();
      }
      await tx.objectStore('meta').put({ name: 'nextSegmentKey', value: next });
      // Vectors written before this version were never counted, so the index is rebuilt once.
      await tx.objectStore('meta').put({ name: 'vectorsVersion', value: 1 });
    },
  },
  {
    version: 3,
    name: 'items indexed by the path of their stored copy, which small files share in pack files',
    up(_db, tx) {
      // So deleting an item can tell whether others still use its pack file without reading every item.
      // Items kept as folder handles have no path and are left out.
      tx.objectStore('items').createIndex('sourcePath', 'source.path');
    },
  },
  {
    version: 4,
    name: 'staging stores an import fills batch by batch before it replaces the library in one transaction',
    up(db) {
      // Keyed as the stores they stand in for; nothing else reads them (see staging.ts).
      db.createObjectStore('staged-items', { keyPath: 'id' });
      db.createObjectStore('staged-segments', { keyPath: 'id' });
      db.createObjectStore('staged-vectors', { keyPath: ['segmentId', 'space'] });
      db.createObjectStore('staged-thumbnails', { keyPath: 'id' });
    },
  },
  {
    version: 5,
    name: 'items on a timeline: their date, indexes by date, and counts per month, kind and status',
    async up(db, tx) {
      // So the library view reads one month of items at a time, and its counts without reading items.
      // `when` is capturedAt, else mtime; months are UTC months (item-counts.ts keeps both from now on).
      const items = tx.objectStore('items');
      items.createIndex('when', 'when');
      items.createIndex('kind-status-when', ['kind', 'status', 'when']);
      const counts = db.createObjectStore('item-counts', { keyPath: 'id' });
      const tally = new Map<string, { id: string; month: number; kind: string; status: string; n: number }>();
      let cursor = await items.openCursor();
      while (cursor) {
        const item = cursor.value as { kind: string; status: string; capturedAt?: number; mtime?: number };
        const when = [item.capturedAt, item.mtime].find((t) => Number.isFinite(t)) ?? 0;
        await cursor.update({ ...item, when });
        const d = new Date(when);
        const month = (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
        const id = `${month}|${item.kind}|${item.status}`;
        const entry = tally.get(id) ?? { id, month, kind: item.kind, status: item.status, n: 0 };
        entry.n++;
        tally.set(id, entry);
        cursor = await cursor.continue();
      }
      for (const entry of tally.values()) await counts.put(entry);
    },
  },
  {
    version: 6,
    name: 'the keyword (BM25) index in the store: postings per term and block of segment keys',
    async up(db, tx) {
      // Out-of-line keys [term, block], so a block's value is just its packed postings (postings.ts).
      db.createObjectStore('postings');
      // The segments already stored are indexed after opening, a page at a time (indexKeywordPage): an
      // upgrade transaction that read every segment would hold the opening of a large library.
      const meta = tx.objectStore('meta');
      // The segments stored have keys from the smallest one to below nextSegmentKey; without any, there
      // is nothing to index.
      const next = ((await meta.get('nextSegmentKey')) as { value?: number } | undefined)?.value ?? 0;
      const first = await tx.objectStore('segments').index('key').openKeyCursor();
      await meta.put({ name: 'keywordFrom', value: typeof first?.key === 'number' ? first.key : next });
      await meta.put({ name: 'keywordTo', value: next });
      await meta.put({ name: 'keywordDocuments', value: 0 });
      await meta.put({ name: 'keywordLength', value: 0 });
    },
  },
];

/** Checks that versions run 1, 2, 3, … with no gap or repeat, so every database can reach the latest. */
export function validateMigrations(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `Migration "${m.name}" has version ${m.version}; expected ${i + 1} (versions must run 1, 2, 3, …)`,
      );
    }
  });
}

export function latestVersion(list: readonly Migration[]): number {
  validateMigrations(list);
  return list.length;
}

/** The migrations that take a database from `from` to `to`, in order. */
export function planMigrations(list: readonly Migration[], from: number, to: number): Migration[] {
  validateMigrations(list);
  if (to > list.length) throw new Error(`No migration reaches version ${to}; the latest is ${list.length}`);
  if (from > to) {
    throw new Error(
      `The library was written by a newer Trove (schema version ${from}, this one knows ${to}); reload to update the app`,
    );
  }
  return list.slice(from, to);
}
