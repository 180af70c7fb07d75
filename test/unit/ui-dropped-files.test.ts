// The legacy entries walk of a dropped folder. A FileSystemEntry tree cannot be made by script (a drop's
// DataTransfer gives entries only for real files from the OS), so plain objects with the same methods stand
// in, answering readEntries in small batches and in no particular order, as browsers may.
import { describe, expect, it } from 'vitest';
import { filesOfEntries } from '../../src/ui/library/dropped-files.ts';

type Tree = { [name: string]: string | Tree };

function entry(name: string, node: string | Tree): FileSystemEntry {
  if (typeof node === 'string') {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (resolve: (f: File) => void) => setTimeout(() => resolve(new File([node], name))),
    } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node).map(([n, child]) => entry(n, child));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (resolve: (batch: FileSystemEntry[]) => void) =>
          setTimeout(() => {
            resolve(children.slice(at, at + 2));
            at += 2;
          }),
      };
    },
  } as unknown as FileSystemEntry;
}

describe('filesOfEntries', () => {
  it('walks a dropped folder in name order, keeping its name in the paths and skipping hidden files', async () => {
    const trip = entry('trip', {
      'z-last.txt': 'z',
      '.DS_Store': 'x',
      photos: { 'b.png': 'b', 'a.png': 'a', '.thumbs': { 'a.png': 'hidden' } },
      'a-first.txt': 'a',
      'Thumbs.db': 'x',
      'm.txt': 'm',
    });
    const loose = entry('note.md', 'n');
    const files = await filesOfEntries([loose, trip]);
    expect(files.map((f) => [f.folderPath, f.file.name])).toEqual([
      ['', 'note.md'],
      ['trip', 'a-first.txt'],
      ['trip', 'm.txt'],
      ['trip/photos', 'a.png'],
      ['trip/photos', 'b.png'],
      ['trip', 'z-last.txt'],
    ]);
    expect(await files[3]!.file.text()).toBe('a');
  });

  it('gives the same list whatever order the browser lists a folder in', async () => {
    const names = ['c.txt', 'a.txt', 'd.txt', 'b.txt', 'e.txt'];
    const lists = await Promise.all(
      [names, [...names].reverse()].map(async (order) => {
        const tree: Tree = {};
        for (const n of order) tree[n] = n;
        return (await filesOfEntries([entry('dir', tree)])).map((f) => f.file.name);
      }),
    );
    expect(lists[0]).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);
    expect(lists[1]).toEqual(lists[0]);
  });
});
