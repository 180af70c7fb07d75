import { describe, expect, it } from 'vitest';
import { diffFolder, isIgnoredName } from '../../src/library/folders.ts';

const item = (id: string, folderPath: string, name: string, size: number, mtime: number) => ({
  id,
  folderPath,
  name,
  size,
  mtime,
});
const file = (folderPath: string, name: string, size: number, mtime: number) => ({
  folderPath,
  name,
  size,
  mtime,
});

describe('diffFolder', () => {
  it('sorts a rescan into added, changed, unchanged and removed by path, size and mtime', () => {
    const items = [
      item('a', '', 'a.jpg', 10, 1),
      item('b', 'trips', 'b.mp4', 20, 2),
      item('c', 'trips', 'c.wav', 30, 3),
      item('d', '', 'gone.pdf', 40, 4),
    ];
    const scanned = [
      file('', 'a.jpg', 10, 1), // unchanged
      file('trips', 'b.mp4', 21, 2), // size changed
      file('trips', 'c.wav', 30, 99), // touched
      file('trips/2024', 'new.png', 5, 5), // new
      file('', 'b.mp4', 20, 2), // same name, other folder: new path
    ];
    const diff = diffFolder(items, scanned);
    expect(diff.unchanged.map((u) => u.item.id)).toEqual(['a']);
    expect(diff.changed.map((c) => c.item.id)).toEqual(['b', 'c']);
    expect(diff.added.map((f) => `${f.folderPath}/${f.name}`)).toEqual(['trips/2024/new.png', '/b.mp4']);
    expect(diff.removed.map((i) => i.id)).toEqual(['d']);
  });

  it('treats an empty scan as everything removed, and a first scan as everything added', () => {
    expect(diffFolder([item('a', '', 'a.jpg', 1, 1)], []).removed).toHaveLength(1);
    expect(diffFolder([], [file('', 'a.jpg', 1, 1)]).added).toHaveLength(1);
  });

  it('ignores hidden and system files', () => {
    expect(['.DS_Store', '.git', 'Thumbs.db', 'desktop.ini'].every(isIgnoredName)).toBe(true);
    expect(isIgnoredName('photo.jpg')).toBe(false);
  });
});
