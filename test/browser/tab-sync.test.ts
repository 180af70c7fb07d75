// Two "tabs" on one library: this page and a module worker, each its own Web Locks client and
// BroadcastChannel endpoint, opening the same IndexedDB library (the real two-tab test is e2e).
import * as Comlink from 'comlink';
import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRemoteChange } from '../../src/library/apply-remote-change.ts';
import { Library } from '../../src/library/library.ts';
import type { Space } from '../../src/library/records.ts';
import { createTabSync, type LibraryMessage, type TabSync } from '../../src/library/tab-sync.ts';
import {
  openVectorIndex,
  spawnVectorIndexWorker,
  type VectorIndexWorker,
} from '../../src/vector-index/client.ts';
import type { VectorIndex } from '../../src/vector-index/types.ts';
import type { TabWorkerApi } from '../support/tab-worker.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let n = 0;
const uniqueName = (what: string) => `${what}-${Date.now()}-${n++}`;

function page(name: string): TabSync {
  const sync = createTabSync({ name });
  cleanups.push(() => sync.close());
  return sync;
}

function otherTab(): { api: Comlink.Remote<TabWorkerApi>; terminate(): void } {
  const worker = new Worker(new URL('../support/tab-worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<TabWorkerApi>(worker);
  let ended = false;
  const terminate = () => {
    if (ended) return;
    ended = true;
    worker.terminate();
  };
  cleanups.push(terminate);
  return { api, terminate };
}

const within = <T>(p: Promise<T>, ms = 5000) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);
const settled = async (p: Promise<unknown>, ms = 150) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tab sync: leadership', () => {
  it('gives the lock to one tab; the next in line takes over when the leader closes or its tab goes away', async () => {
    const name = uniqueName('lock');
    const first = page(name);
    expect(await first.ready).toEqual({ isLeader: true });
    expect(first.isLeader).toBe(true);

    const second = otherTab();
    expect((await second.api.open(name)).isLeader).toBe(false);
    const secondLeads = second.api.whenLeader();
    expect(await settled(secondLeads)).toBe(false);

    await first.close();
    expect(await within(secondLeads)).toBe(true);
    expect(first.isLeader).toBe(false);

    const third = page(name);
    expect(await third.ready).toEqual({ isLeader: false });
    // Closing a tab (here: ending the worker) releases its lock without any goodbye.
    second.terminate();
    await within(third.whenLeader);
    expect(third.isLeader).toBe(true);
  });

  it('runs exclusive work at once in the leader, and only after taking over elsewhere, one at a time', async () => {
    const name = uniqueName('exclusive');
    const leader = page(name);
    await leader.ready;
    const follower = page(name);
    expect(await follower.ready).toEqual({ isLeader: false });

    const order: string[] = [];
    await leader.exclusive(async () => void order.push('leader'));
    const waiting = follower.exclusive(async () => void order.push('follower import'));
    const second = follower.exclusive(async () => void order.push('follower second'));
    expect(await settled(waiting)).toBe(false);
    await leader.close();
    await within(Promise.all([waiting, second]));
    expect(order).toEqual(['leader', 'follower import', 'follower second']);

    const cancelled = new AbortController();
    const late = page(name);
    const refused = late.exclusive(async () => 'ran', { signal: cancelled.signal });
    cancelled.abort(new Error('the user cancelled the import'));
    await expect(refused).rejects.toThrow('the user cancelled the import');
  });
});

describe('tab sync: messages', () => {
  it('delivers messages to every other tab, never back to the sender, and ignores foreign messages', async () => {
    const name = uniqueName('channel');
    const here = page(name);
    const received: { message: LibraryMessage; from: string }[] = [];
    here.subscribe((message, from) => received.push({ message, from }));
    const there = otherTab();
    const { tabId } = await there.api.open(name);

    await there.api.post({ type: 'item-ready', itemId: 'a', removedKeys: [3] });
    await until(() => received.length === 1);
    expect(received[0]).toEqual({
      message: { type: 'item-ready', itemId: 'a', removedKeys: [3] },
      from: tabId,
    });

    here.post({ type: 'jobs-added', jobIds: ['j1'] });
    await until(async () => (await there.api.inbox()).length === 1);
    expect((await there.api.inbox())[0]!.message).toEqual({ type: 'jobs-added', jobIds: ['j1'] });

    // Something else on the channel (an older Trove, a script) is not a library message.
    const stray = new BroadcastChannel(name);
    stray.postMessage({ message: { type: 'format-disk' }, from: 'x' });
    stray.postMessage('hello');
    stray.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
  });
});

describe('tab sync: a follower keeps its in-memory indexes in step with another tab', () => {
  const dims: Record<Space, number> = { clip: 8, clap: 8, text: 8 };
  const unit = (seed: number) => {
    const v = new Float32Array(8).map((_, i) => Math.cos(seed * 1.7 + i * 0.9));
    return v;
  };

  it('adds, replaces and removes what the other tab stored, and rebuilds after a replace', async () => {
    const dbName = uniqueName('tab-sync-library');
    cleanups.push(() => deleteDB(dbName));
    const library = await Library.open({ name: dbName });
    cleanups.push(() => library.close());
    const worker: VectorIndexWorker = spawnVectorIndexWorker();
    cleanups.push(() => worker.terminate());
    const indexes = {} as Record<Space, VectorIndex>;
    for (const space of ['clip', 'clap', 'text'] as const)
      indexes[space] = (await openVectorIndex({ space, dim: dims[space], persistent: false }, worker)).index;

    const name = uniqueName('index-channel');
    const here = page(name);
    const applied: Promise<void>[] = [];
    here.subscribe((message) => applied.push(applyRemoteChange(library, indexes, message)));
    const there = otherTab();
    await there.api.open(name);

    const first = await there.api.storeItem(dbName, 'photo', [
      { space: 'clip', vector: unit(1) },
      { space: 'text', vector: unit(2) },
    ]);
    await there.api.post({ type: 'item-ready', itemId: 'photo', removedKeys: first.removedKeys });
    await until(() => applied.length === 1);
    await applied[0];
    expect((await indexes.clip.search(unit(1), 1))[0]).toMatchObject({ id: first.keys[0] });
    expect((await indexes.text.search(unit(2), 1))[0]).toMatchObject({ id: first.keys[1] });

    // Re-ingested with a different picture: new keys, old ones gone.
    const again = await there.api.storeItem(dbName, 'photo', [{ space: 'clip', vector: unit(5) }]);
    expect(again.removedKeys.sort()).toEqual([...first.keys].sort());
    await there.api.post({ type: 'item-ready', itemId: 'photo', removedKeys: again.removedKeys });
    await until(() => applied.length === 2);
    await applied[1];
    expect(await indexes.clip.size()).toBe(1);
    expect(await indexes.text.size()).toBe(0);
    expect((await indexes.clip.search(unit(5), 1))[0]).toMatchObject({ id: again.keys[0] });

    const keys = await there.api.removeItem(dbName, 'photo');
    await there.api.post({ type: 'item-removed', itemId: 'photo', keys });
    await until(() => applied.length === 3);
    await applied[2];
    expect(await indexes.clip.size()).toBe(0);

    // A replaced library (import or clear in the other tab): everything is read again from the store.
    await there.api.storeItem(dbName, 'song', [{ space: 'clap', vector: unit(7) }]);
    await there.api.storeItem(dbName, 'note', [{ space: 'text', vector: unit(8) }]);
    await there.api.post({ type: 'library-replaced', reason: 'imported' });
    await until(() => applied.length === 4);
    await applied[3];
    expect([await indexes.clip.size(), await indexes.clap.size(), await indexes.text.size()]).toEqual([
      0, 1, 1,
    ]);
  });
});
