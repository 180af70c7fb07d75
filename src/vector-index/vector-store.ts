// IndexedDB persistence of every index, in a database of its own ("trove-vectors"), so its schema can
// never collide with the library store's. Data is kept in chunks of consecutive slots, because a
// million single-vector records would take far longer than the 5 s restore budget to read back.
//
// Keys are [space, kind, chunkNo]. The kinds:
//   'vec'  the store of record: ids + int8 vectors (binary-rescore engine)
//   'idx'  derived, for a fast restore: ids + sign codes (binary-rescore engine)
//   'f32'  ids + float32 vectors (exact engine)
//   'voy'  voy's serialised index (voy engine, one record)
// A manifest per space says what the chunks must add up to.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const VECTOR_DB_NAME = 'trove-vectors';

export type ChunkKind = 'vec' | 'idx' | 'f32' | 'voy';

export interface Manifest {
  space: string;
  engine: string;
  format: 1;
  dim: number;
  count: number;
  chunkSize: number;
  /** Increases by one with every persist. */
  generation: number;
  /** Engine-specific settings that the stored data depends on (e.g. the rotation seed). */
  params: Record<string, number>;
  persistedBytes: number;
}

export interface ChunkRecord {
  n: number;
  generation: number;
  ids: ArrayBuffer;
  data: ArrayBuffer;
  checksum: number;
  /** voy's JSON, for 'voy' records */
  text?: string;
}

interface Schema extends DBSchema {
  manifests: { key: string; value: Manifest };
  chunks: { key: [string, ChunkKind, number]; value: ChunkRecord };
}

export interface ChunkWrite {
  kind: ChunkKind;
  no: number;
  record: ChunkRecord;
}

export class VectorStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  static async open(name = VECTOR_DB_NAME): Promise<VectorStore> {
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('manifests');
        db.createObjectStore('chunks');
      },
    });
    return new VectorStore(db);
  }

  manifest(space: string): Promise<Manifest | undefined> {
    return this.db.get('manifests', space);
  }

  /**
   * Puts chunks, deletes chunks at or past `deleteFrom` (per kind), and writes the manifest, all in one
   * transaction: either all of it is stored or none of it.
   */
  async write(
    space: string,
    puts: ChunkWrite[],
    deleteFrom?: { kinds: ChunkKind[]; no: number },
    manifest?: Manifest,
  ): Promise<void> {
    const tx = this.db.transaction(['chunks', 'manifests'], 'readwrite');
    const chunks = tx.objectStore('chunks');
    const pending: Promise<unknown>[] = puts.map((p) => chunks.put(p.record, [space, p.kind, p.no]));
    for (const kind of deleteFrom?.kinds ?? []) {
      pending.push(chunks.delete(IDBKeyRange.bound([space, kind, deleteFrom!.no], [space, kind, Infinity])));
    }
    if (manifest) pending.push(tx.objectStore('manifests').put(manifest, space));
    await Promise.all([...pending, tx.done]);
  }

  /** Chunk numbers of a kind, in order, without reading the records. */
  async chunkNumbers(space: string, kind: ChunkKind): Promise<number[]> {
    const keys = await this.db.getAllKeys('chunks', kindRange(space, kind));
    return keys.map((k) => k[2]);
  }

  /** Every chunk of a kind at once: fine for 'idx' (68 MB at 1M), too much for 'vec' (use eachChunk). */
  async allChunks(space: string, kind: ChunkKind): Promise<{ no: number; record: ChunkRecord }[]> {
    const [keys, records] = await Promise.all([
      this.db.getAllKeys('chunks', kindRange(space, kind)),
      this.db.getAll('chunks', kindRange(space, kind)),
    ]);
    return records.map((record, i) => ({ no: keys[i]![2], record }));
  }

  /** Visits the chunks of a kind in order, a batch of records at a time, without holding them all. */
  async eachChunk(
    space: string,
    kind: ChunkKind,
    visit: (no: number, record: ChunkRecord) => void,
    batch = 16,
  ): Promise<void> {
    const numbers = await this.chunkNumbers(space, kind);
    for (let i = 0; i < numbers.length; i += batch) {
      const part = numbers.slice(i, i + batch);
      const tx = this.db.transaction('chunks', 'readonly');
      const records = await Promise.all(part.map((no) => tx.store.get([space, kind, no])));
      records.forEach((record, j) => record && visit(part[j]!, record));
    }
  }

  async clearSpace(space: string): Promise<void> {
    const tx = this.db.transaction(['chunks', 'manifests'], 'readwrite');
    await Promise.all([
      tx.objectStore('chunks').delete(IDBKeyRange.bound([space], [space, []])),
      tx.objectStore('manifests').delete(space),
      tx.done,
    ]);
  }

  /** For tests that damage a stored index on purpose. */
  get raw(): IDBPDatabase<Schema> {
    return this.db;
  }

  close(): void {
    this.db.close();
  }
}

function kindRange(space: string, kind: ChunkKind): IDBKeyRange {
  return IDBKeyRange.bound([space, kind, -Infinity], [space, kind, Infinity]);
}

export function recordBytes(r: ChunkRecord): number {
  return r.ids.byteLength + r.data.byteLength + (r.text?.length ?? 0) * 2 + 32;
}
