// The library's one write-transaction helper (src/library/write-tx.ts), on real IndexedDB: a failure of any
// kind keeps none of the transaction's writes and throws the error that says why, and requests left in
// flight reject without being reported as unhandled (Vitest fails a file that has any).
import { deleteDB } from 'idb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library/library.ts';
import type { FolderRecord, ItemRecord } from '../../src/library/records.ts';
import { inWriteTransaction } from '../../src/library/write-tx.ts';
import { itemRecord } from '../support/factories.ts';

const opened: { lib: Library; name: string }[] = [];

async function freshLibrary(): Promise<Library> {
  const name = `write-tx-${Date.now()}-${opened.length}`;
  const lib = await Library.open({ name });
  opened.push({ lib, name });
  return lib;
}

afterEach(async () => {
  for (const { lib, name } of opened.splice(0)) {
    lib.close();
    await deleteDB(name);
  }
});

function item(id: string, sha256: string): ItemRecord {
  const now = Date.now();
  return itemRecord(id, {
    name: `${id}.jpg`,
    mime: 'image/jpeg',
    mtime: now,
    sha256,
    addedAt: now,
    updatedAt: now,
  });
}

let root: FileSystemDirectoryHandle;
const folder = (id: string): FolderRecord => ({ id, name: id, handle: root, addedAt: 1 });

beforeAll(async () => {
  root = await navigator.storage.getDirectory();
});

describe('inWriteTransaction', () => {
  it('commits the requests it tracked, awaited or not, and answers what the body returned', async () => {
    const lib = await freshLibrary();
    const answer = await inWriteTransaction(lib.db, ['items', 'folders'], async (tx, track) => {
      track(tx.objectStore('items').put(item('a', 'aa')));
      track(tx.objectStore('folders').put(folder('f')));
      return 'written';
    });
    expect(answer).toBe('written');
    expect(await lib.counts()).toMatchObject({ items: 1, folders: 1 });
  });

  it('keeps nothing when a request fails, and throws its reason', async () => {
    const lib = await freshLibrary();
    await lib.addItem(item('a', 'same'));
    const failed = await inWriteTransaction(lib.db, ['items', 'folders'], async (tx, track) => {
      track(tx.objectStore('folders').put(folder('f')));
      // The sha256 index is unique: this add fails, after the put above succeeded.
      track(tx.objectStore('items').add(item('b', 'same')));
      track(tx.objectStore('folders').put(folder('g')));
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failed as DOMException).name).toBe('ConstraintError');
    expect(await lib.counts()).toMatchObject({ items: 1, folders: 0 });
  });

  it('keeps nothing when the body throws after its writes, and throws the body’s error', async () => {
    const lib = await freshLibrary();
    const refusal = new Error('changed my mind');
    await expect(
      inWriteTransaction(lib.db, ['items'], async (tx, track) => {
        await track(tx.objectStore('items').put(item('a', 'aa')));
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(await lib.counts()).toMatchObject({ items: 0 });
  });

  it('keeps nothing when a put throws at once (a value that cannot be cloned)', async () => {
    const lib = await freshLibrary();
    const failed = await inWriteTransaction(lib.db, ['items', 'folders'], async (tx, track) => {
      track(tx.objectStore('folders').put(folder('f')));
      track(tx.objectStore('items').put({ ...item('a', 'aa'), name: (() => 0) as unknown as string }));
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failed as DOMException).name).toBe('DataCloneError');
    expect(await lib.counts()).toMatchObject({ items: 0, folders: 0 });
  });
});
