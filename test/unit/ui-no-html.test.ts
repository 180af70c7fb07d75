// The app renders user content (file names, document text, transcripts, answers) as text only: no
// {@html} and no innerHTML anywhere in its components and state.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOfFolderInput } from '../../src/ui/library/dropped-files.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(svelte|ts)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('no HTML from data', () => {
  it('has no {@html} or innerHTML in the app', () => {
    const files = [...sources('src/ui'), 'src/App.svelte', 'src/main.ts'];
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) =>
      /\{@html|\.innerHTML\s*=|insertAdjacentHTML/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

describe('filesOfFolderInput', () => {
  it('keeps each file’s directory and skips hidden and system files', () => {
    const file = (path: string) => {
      const f = new File(['x'], path.split('/').pop()!);
      Object.defineProperty(f, 'webkitRelativePath', { value: path });
      return f;
    };
    const out = filesOfFolderInput([
      file('photos/a.jpg'),
      file('photos/2023/b.png'),
      file('photos/.DS_Store'),
      file('photos/.git/config'),
      file('photos/Thumbs.db'),
    ]);
    expect(out.map((f) => [f.file.name, f.folderPath])).toEqual([
      ['a.jpg', 'photos'],
      ['b.png', 'photos/2023'],
    ]);
  });
});
