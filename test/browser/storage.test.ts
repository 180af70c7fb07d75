import { describe, expect, it } from 'vitest';
import { requestPersistence, roomFor, storageReport } from '../../src/library/storage.ts';

describe('storage report (real StorageManager)', () => {
  it('reports usage against the quota, the per-kind breakdown and persistence state', async () => {
    const report = (await storageReport())!;
    expect(report.quota).toBeGreaterThan(0);
    expect(report.usage).toBeGreaterThanOrEqual(0);
    expect(typeof report.persisted).toBe('boolean');
    // Storing something shows up in the IndexedDB share.
    const before = report.breakdown?.indexedDB ?? 0;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(`storage-test-${Date.now()}`, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('s');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('s', 'readwrite');
      tx.objectStore('s').put(
        new Uint8Array(2 << 20).map((_, i) => i * 7),
        'blob',
      );
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    const after = (await storageReport())!;
    expect(after.breakdown?.indexedDB ?? 0).toBeGreaterThan(before);
    db.close();
    indexedDB.deleteDatabase(db.name);
  });

  it('says whether a size fits in what is left of the quota, with a margin', async () => {
    const { usage, quota } = (await storageReport())!;
    const free = quota - usage;
    expect(await roomFor(1_000_000)).toMatchObject({ fits: true, needed: 1_000_000 });
    expect(await roomFor(Math.floor(free * 0.9))).toMatchObject({ fits: false });
    expect(await roomFor(free * 2)).toMatchObject({ fits: false });
  });

  it('asks the browser to keep the data, and says when the browser cannot be asked', async () => {
    const granted = await requestPersistence();
    expect(typeof granted).toBe('boolean');
    // What the browser answered is what it reports afterwards.
    expect((await storageReport())!.persisted).toBe(granted);
    expect(
      await requestPersistence({ estimate: navigator.storage.estimate.bind(navigator.storage) }),
    ).toBeNull();
  });
});
