/// <reference lib="webworker" />
// Stands in for a second tab in the tab-sync tests: a worker is its own Web Locks client and
// BroadcastChannel endpoint, and opens the same IndexedDB library, as another tab of the origin would.
import * as Comlink from 'comlink';
import { Library } from '../../src/library/library.ts';
import type { Space } from '../../src/library/records.ts';
import { createTabSync, type LibraryMessage, type TabSync } from '../../src/library/tab-sync.ts';

let sync: TabSync | undefined;
const inbox: { message: LibraryMessage; from: string }[] = [];

const api = {
  async open(name: string): Promise<{ isLeader: boolean; tabId: string }> {
    sync = createTabSync({ name });
    sync.subscribe((message, from) => inbox.push({ message, from }));
    return { ...(await sync.ready), tabId: sync.tabId };
  },
  isLeader: () => sync!.isLeader,
  async whenLeader(): Promise<boolean> {
    await sync!.whenLeader;
    return sync!.isLeader;
  },
  post(message: LibraryMessage): void {
    sync!.post(message);
  },
  inbox: () => inbox.slice(),
  async close(): Promise<void> {
    await sync?.close();
  },
  /** Stores an item with one segment per vector, as an ingest in this "tab" would. */
  async storeItem(
    dbName: string,
    itemId: string,
    vectors: { space: Space; vector: Float32Array }[],
  ): Promise<{ keys: number[]; removedKeys: number[] }> {
    const lib = await Library.open({ name: dbName });
    try {
      if (!(await lib.getItem(itemId))) {
        const now = Date.now();
        await lib.addItem({
          id: itemId,
          name: `${itemId}.png`,
          folderPath: '',
          kind: 'image',
          mime: 'image/png',
          size: 1,
          mtime: now,
          status: 'pending',
          addedAt: now,
          updatedAt: now,
        });
      }
      const written = await lib.writeItemResults(itemId, {
        segments: vectors.map((v, i) => ({ id: `${itemId}:${i}`, itemId, kind: 'image', spaces: [v.space] })),
        vectors: vectors.map((v, i) => ({ segmentId: `${itemId}:${i}`, space: v.space, vector: v.vector })),
      });
      return { keys: written.segments.map((s) => s.key), removedKeys: written.removedKeys };
    } finally {
      lib.close();
    }
  },
  async removeItem(dbName: string, itemId: string): Promise<number[]> {
    const lib = await Library.open({ name: dbName });
    try {
      return (await lib.removeItem(itemId))?.keys ?? [];
    } finally {
      lib.close();
    }
  },
};

export type TabWorkerApi = typeof api;
Comlink.expose(api);
