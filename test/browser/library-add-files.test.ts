import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB } from 'idb';
import { Library } from '../../src/library/library.ts';
import { addFolderFile, addPickedFile } from '../../src/library/add-file.ts';
import { freshOriginals } from '../../src/library/fresh-originals.ts';
import { listOriginals, openOriginal } from '../../src/library/originals.ts';
import { scanFolder, walkDirectory } from '../../src/library/folders.ts';
import { sha256OfBlob } from '../../src/ingest/content-hash.ts';
import { entry, fixtureFile, manifest } from '../support/media-files.ts';
import { storedCopiesOf } from '../support/stored-copies.ts';

const opened: { lib: Library; name: string }[] = [];
async function freshLibrary() {
  const name = `trove-add-test-${Date.now()}-${opened.length}`;
  const lib = await Library.open({ name });
  opened.push({ lib, name });
  return lib;
}

afterEach(async () => {
  for (const { lib, name } of opened.splice(0)) {
    for (const item of await lib.listItems()) await lib.deleteItem(item.id);
    lib.close();
    await deleteDB(name);
  }
});

describe('adding files to the library', () => {
  it('records a picked file as a pending item with its type, hash and an OPFS copy', async () => {
    const lib = await freshLibrary();
    const file = await fixtureFile('image/green-field.jpg', 1_650_000_000_000);
    const { item, existing } = await addPickedFile(lib, file);
    expect(existing).toBe(false);
    expect(item).toMatchObject({
      name: 'green-field.jpg',
      kind: 'image',
      format: 'jpeg',
      mime: 'image/jpeg',
      status: 'pending',
      size: file.size,
      mtime: 1_650_000_000_000,
      sha256: (await entry('image/green-field.jpg')).sha256,
      // A small file is packed (pack-writer.ts).
      source: {
        kind: 'opfs',
        path: expect.stringMatching(/^originals\/pack-/),
        range: { length: file.size },
      },
    });
    const copy = await openOriginal(item.source!);
    expect(new Uint8Array(await copy.arrayBuffer())).toEqual(new Uint8Array(await file.arrayBuffer()));
  });

  it('packs small files taken in together into one file, erases one on delete, and drops the pack with the last', async () => {
    const lib = await freshLibrary();
    const files = await Promise.all(
      ['image/red-square.png', 'audio/low-hum.wav', 'text/kite-diary.txt'].map((p) => fixtureFile(p)),
    );
    const items = (await Promise.all(files.map((f) => addPickedFile(lib, f)))).map((r) => r.item);
    const sources = items.map((i) => i.source as { kind: 'opfs'; path: string; range: { at: number } });
    expect(new Set(sources.map((s) => s.path)).size).toBe(1);
    expect(new Set(sources.map((s) => s.range.at)).size).toBe(3);
    for (const [i, item] of items.entries()) {
      const copy = await openOriginal(item.source!);
      expect(new Uint8Array(await copy.arrayBuffer())).toEqual(new Uint8Array(await files[i]!.arrayBuffer()));
    }

    await lib.deleteItem(items[1]!.id);
    expect(await storedCopiesOf(files[1]!)).toBe(0);
    for (const i of [0, 2]) {
      const copy = await openOriginal(items[i]!.source!);
      expect(new Uint8Array(await copy.arrayBuffer())).toEqual(new Uint8Array(await files[i]!.arrayBuffer()));
    }
    expect(await listOriginals()).toContain(sources[0]!.path);

    // Once the pack is closed, deleting the last items in it removes the pack file itself.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await lib.deleteItem(items[0]!.id);
    expect(await listOriginals()).toContain(sources[0]!.path);
    await lib.deleteItem(items[2]!.id);
    expect(await listOriginals()).not.toContain(sources[0]!.path);
  });

  it('keeps a pack still taking files in when its only item is deleted, erased, until the sweep', async () => {
    const lib = await freshLibrary();
    const file = await fixtureFile('image/blue-sky.webp');
    const { item } = await addPickedFile(lib, file);
    const path = (item.source as { path: string }).path;
    await lib.deleteItem(item.id);
    // The pack may be taking another file in at this moment, so only this file's bytes went.
    expect(await storedCopiesOf(file)).toBe(0);
    expect(await listOriginals()).toContain(path);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await lib.sweepOrphanOriginals()).toContain(path);
    expect(await listOriginals()).not.toContain(path);
  });

  it('holds the bytes of a picked image for ingest, equal to the file; none for other kinds or repeats', async () => {
    const lib = await freshLibrary();
    const photo = await fixtureFile('image/green-field.jpg');
    const added = await addPickedFile(lib, photo);
    const held = freshOriginals.take(added.item.id);
    expect(held).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(held!)).toEqual(new Uint8Array(await photo.arrayBuffer()));
    expect(freshOriginals.take(added.item.id)).toBeUndefined();

    const sound = await addPickedFile(lib, await fixtureFile('audio/low-hum.wav'));
    expect(freshOriginals.take(sound.item.id)).toBeUndefined();
    // The same photo again is the existing item; nothing more is held.
    const before = freshOriginals.heldBytes;
    const again = await addPickedFile(lib, new File([photo], 'again.jpg'));
    expect(again.existing).toBe(true);
    expect(freshOriginals.heldBytes).toBe(before);
  });

  it('makes the same content one item, whatever the name, and keeps no second copy', async () => {
    const lib = await freshLibrary();
    const blob = await fixtureFile('audio/low-hum.wav');
    // Other test files may have left copies of their own.
    const before = await storedCopiesOf(blob);
    const first = await addPickedFile(lib, await fixtureFile('audio/low-hum.wav'));
    const second = await addPickedFile(lib, new File([blob], 'renamed-hum.wav'));
    expect(second.existing).toBe(true);
    expect(second.item.id).toBe(first.item.id);
    expect((await lib.listItems()).length).toBe(1);
    expect(await storedCopiesOf(blob)).toBe(before + 1);
  });

  it('gives each bad file its own entry with its reason, and copies none of them', async () => {
    const lib = await freshLibrary();
    const expected: Record<string, { status: string; code: string }> = {
      'bad/zero-bytes.jpg': { status: 'error', code: 'empty-file' },
      'bad/not-an-image.png': { status: 'error', code: 'wrong-content-for-extension' },
      'bad/binary.txt': { status: 'error', code: 'binary-as-text' },
      'bad/unsupported.xyz': { status: 'unsupported', code: 'unsupported-type' },
      'bad/not-a-video.webm': { status: 'error', code: 'corrupt-data' },
    };
    for (const [path, want] of Object.entries(expected)) {
      const file = await fixtureFile(path);
      const { item } = await addPickedFile(lib, file);
      expect(item.status, path).toBe(want.status);
      expect(item.error, path).toMatchObject({ code: want.code, stage: 'detect' });
      expect(item.error!.message, path).toContain(path.split('/')[1]);
      expect(item.source, path).toBeUndefined();
      if (file.size > 0) expect(await storedCopiesOf(file), path).toBe(0);
    }
    expect((await lib.listItems()).length).toBe(Object.keys(expected).length);
    // Bad files whose header is valid pass detection; their decoder rejects them later.
    const { item } = await addPickedFile(lib, await fixtureFile('bad/truncated.mp4'));
    expect(item).toMatchObject({ status: 'pending', kind: 'video' });
  });

  it('refuses each empty file as itself: no content, so none is a duplicate of another', async () => {
    const lib = await freshLibrary();
    const names = ['empty.jpg', 'empty.wav', 'empty.pdf'];
    const added = [];
    for (const name of names) added.push(await addPickedFile(lib, new File([], name)));
    expect(added.map((a) => a.existing)).toEqual([false, false, false]);
    expect(added.map((a) => a.item.error?.message)).toEqual(names.map((n) => `${n} is empty (0 bytes)`));
    expect(added.every((a) => a.item.sha256 === undefined)).toBe(true);
    expect((await lib.listItems()).length).toBe(names.length);
  });

  it('recognises, hashes and copies a file too large to read whole from its head and a stream', async () => {
    const lib = await freshLibrary();
    // 9 MB: past the size the originals worker reads in one piece.
    const wav = await fixtureFile('audio/low-hum.wav');
    const big = new File([wav, new Uint8Array(9 * 1024 * 1024)], 'long-hum.wav');
    const { item } = await addPickedFile(lib, big);
    expect(item).toMatchObject({ kind: 'audio', format: 'wav', status: 'pending', size: big.size });
    expect(item.sha256).toBe(await sha256OfBlob(big));
    const copy = await openOriginal(item.source!);
    expect(copy.size).toBe(big.size);
    expect(await sha256OfBlob(copy)).toBe(item.sha256);

    const binary = new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 7) & 255);
    const refused = (await addPickedFile(lib, new File([binary], 'notes.txt'))).item;
    expect(refused).toMatchObject({ status: 'error', error: { code: 'binary-as-text' } });
    expect(refused.sha256).toBe(await sha256OfBlob(new Blob([binary])));
    expect(await listOriginals()).not.toContain(`originals/${refused.id}`);
  });

  it('walks an imported folder and adds its files by handle, without copying them', async () => {
    const lib = await freshLibrary();
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('folder-import-test', { create: true });
    const put = async (d: FileSystemDirectoryHandle, name: string, blob: Blob) => {
      const w = await (await d.getFileHandle(name, { create: true })).createWritable();
      await w.write(blob);
      await w.close();
    };
    await put(dir, 'red-square.png', await fixtureFile('image/red-square.png'));
    await put(dir, '.DS_Store', new Blob(['junk']));
    const trips = await dir.getDirectoryHandle('trips', { create: true });
    await put(trips, 'kite-diary.txt', await fixtureFile('text/kite-diary.txt'));
    await put(trips, 'same-square.png', await fixtureFile('image/red-square.png'));

    const walked: string[] = [];
    for await (const e of walkDirectory(dir)) walked.push(`${e.folderPath}/${e.name}`);
    expect(walked).toEqual(['/red-square.png', 'trips/kite-diary.txt', 'trips/same-square.png']);

    const scanned = await scanFolder(dir);
    const results = [];
    for (const f of scanned)
      results.push(await addFolderFile(lib, f.handle, { folderId: 'f1', folderPath: f.folderPath }));
    expect(results.map((r) => r.existing)).toEqual([false, false, true]);
    const items = await lib.listItems({ folderId: 'f1' });
    expect(items.map((i) => `${i.folderPath}/${i.name}`).sort()).toEqual([
      '/red-square.png',
      'trips/kite-diary.txt',
    ]);
    const text = items.find((i) => i.name === 'kite-diary.txt')!;
    expect(text).toMatchObject({
      kind: 'text',
      format: 'plain',
      status: 'pending',
      source: { kind: 'handle' },
    });
    expect(await (await openOriginal(text.source!)).text()).toBe(
      await (await fixtureFile('text/kite-diary.txt')).text(),
    );
    // Deleting the item never touches the user's own file.
    await lib.deleteItem(text.id);
    expect((await (await trips.getFileHandle('kite-diary.txt')).getFile()).size).toBeGreaterThan(0);
    await root.removeEntry('folder-import-test', { recursive: true });
  });

  it('hashes every fixture to the digest in the manifest', async () => {
    const lib = await freshLibrary();
    for (const e of (await manifest()).filter((m) => m.kind === 'image' || m.kind === 'text')) {
      const { item } = await addPickedFile(lib, await fixtureFile(e.path));
      expect(item.sha256, e.path).toBe(e.sha256);
    }
  });
});
