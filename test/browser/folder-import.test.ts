// Folder import and rescan through the Trove facade. A user's folder from showDirectoryPicker cannot be
// had in a headless test, so an OPFS directory stands in: it is the same FileSystemDirectoryHandle type,
// walked, read, stored in IndexedDB and compared with isSameEntry exactly like a picked folder.
import { afterEach, describe, expect, it } from 'vitest';
import type { Trove } from '../../src/trove.ts';
import { destroyTrove, freshNames, openTestTrove, type TroveNames } from '../support/trove-harness.ts';
import { fetchBlob } from '../support/browser-media.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function userFolder(name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(name, { create: true });
  cleanup.push(() => root.removeEntry(name, { recursive: true }));
  return dir;
}

async function put(dir: FileSystemDirectoryHandle, path: string, fixture: string): Promise<void> {
  const parts = path.split('/');
  let d = dir;
  for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
  const w = await (await d.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
  await w.write(await fetchBlob(fixture));
  await w.close();
}

async function remove(dir: FileSystemDirectoryHandle, path: string): Promise<void> {
  const parts = path.split('/');
  let d = dir;
  for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
  await d.removeEntry(parts.at(-1)!);
}

async function folderItems(trove: Trove, folderId: string) {
  const items = await trove.library.listItems({ folderId });
  return Object.fromEntries(items.map((i) => [i.folderPath ? `${i.folderPath}/${i.name}` : i.name, i]));
}

async function fresh(label: string): Promise<Trove> {
  const names: TroveNames = freshNames(label);
  const trove = await openTestTrove(names, { pipeline: { transcribe: false } });
  cleanup.push(() => destroyTrove(trove, names));
  return trove;
}

describe('folder import', () => {
  it('imports a folder by handle, and a rescan ingests only what is new or changed and drops what is gone', async () => {
    const trove = await fresh('folder');
    const dir = await userFolder(`trove-test-folder-${Date.now()}`);
    await put(dir, 'a.png', 'image/red-square.png');
    await put(dir, 'notes/b.txt', 'text/kite-diary.txt');
    await put(dir, 'c.wav', 'audio/low-hum.wav');
    await put(dir, 'e.md', 'text/plumbing-notes.md');
    await put(dir, '.hidden.png', 'image/blue-sky.webp');

    const { folder, report } = await trove.addFolder(dir);
    expect(report.files.map((f) => f.outcome)).toEqual(['queued', 'queued', 'queued', 'queued']);
    await trove.queue.whenIdle();
    const before = await folderItems(trove, folder.id);
    expect(Object.keys(before).sort()).toEqual(['a.png', 'c.wav', 'e.md', 'notes/b.txt']);
    for (const item of Object.values(before)) {
      expect(item.status).toBe('ready');
      // Folder files are kept by handle, not copied.
      expect(item.source?.kind).toBe('handle');
    }
    expect((await trove.library.getFolder(folder.id))?.name).toBe(dir.name);

    // The user changes the folder: one file deleted, one added, one replaced with new content, one moved,
    // and one written again with the same content (a newer mtime, the same hash).
    await new Promise((r) => setTimeout(r, 20));
    await remove(dir, 'c.wav');
    await put(dir, 'd.jpg', 'image/green-field.jpg');
    await put(dir, 'a.png', 'image/yellow-sun.png');
    await put(dir, 'notes/moved.txt', 'text/kite-diary.txt');
    await remove(dir, 'notes/b.txt');
    await put(dir, 'e.md', 'text/plumbing-notes.md');
    const vectorsBefore = await trove.library.counts();

    const rescan = await trove.rescan(folder.id);
    expect(rescan.removed).toEqual([before['c.wav']!.id]);
    expect(rescan.replaced).toEqual([before['a.png']!.id]);
    expect(rescan.touched).toEqual([before['e.md']!.id]);
    expect(rescan.unchanged).toBe(0);
    const outcomes = Object.fromEntries(rescan.files.map((f) => [f.name, f.outcome]));
    expect(outcomes).toEqual({ 'd.jpg': 'queued', 'moved.txt': 'duplicate', 'a.png': 'queued' });
    await trove.queue.whenIdle();

    const after = await folderItems(trove, folder.id);
    expect(Object.keys(after).sort()).toEqual(['a.png', 'd.jpg', 'e.md', 'notes/moved.txt']);
    for (const item of Object.values(after)) expect(item.status).toBe('ready');
    // The moved file is the same item under its new path; the unchanged content kept its item.
    expect(after['notes/moved.txt']!.id).toBe(before['notes/b.txt']!.id);
    expect(after['e.md']!.id).toBe(before['e.md']!.id);
    // New content under an old name is a new item; the old one is gone with everything it had.
    expect(after['a.png']!.id).not.toBe(before['a.png']!.id);
    for (const gone of [before['a.png']!, before['c.wav']!]) {
      expect(await trove.library.getItem(gone.id)).toBeUndefined();
      expect(await trove.library.vectorsOfItem(gone.id)).toEqual([]);
    }
    expect((await trove.library.counts()).items).toBe(vectorsBefore.items);
    for (const space of ['clip', 'clap', 'text'] as const) {
      expect(await trove.indexes[space].size()).toBe(await trove.library.countVectors(space));
    }

    // Importing the same folder again is a rescan, with nothing to do.
    const again = await trove.addFolder(dir);
    expect(again.folder.id).toBe(folder.id);
    expect(again.report.files).toEqual([]);
    expect((await trove.library.listFolders()).length).toBe(1);
  });
});
