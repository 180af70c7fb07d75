// UI pieces that need a real DOM: marked text built from data, thumbnails held as object URLs and revoked
// when they go, and reading a drop.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import MarkedText from '../../src/ui/common/MarkedText.svelte';
import Thumbnail from '../../src/ui/common/Thumbnail.svelte';
import { ObjectUrls } from '../../src/ui/common/object-urls.ts';
import { readDrop } from '../../src/ui/library/dropped-files.ts';

let target: HTMLElement;
afterEach(() => target?.remove());

function host(): HTMLElement {
  target = document.createElement('div');
  document.body.append(target);
  return target;
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('MarkedText', () => {
  it('marks the ranges with <mark> and keeps markup in the text as text', async () => {
    const el = host();
    const text = 'a <b>red</b> kite & a red bus';
    const component = mount(MarkedText, {
      target: el,
      props: {
        text,
        marks: [
          { start: 5, end: 8 },
          { start: 22, end: 25 },
        ],
      },
    });
    flushSync();
    expect([...el.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['red', 'red']);
    expect(el.querySelector('b')).toBeNull();
    expect(el.textContent).toBe(text);
    await unmount(component);
  });
});

describe('Thumbnail', () => {
  it('shows the stored blob through an object URL and revokes it when it unmounts', async () => {
    const el = host();
    const png = await new Promise<Blob>((resolve) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 4;
      canvas.toBlob((b) => resolve(b!), 'image/png');
    });
    const urls = new ObjectUrls(async (key) => (key === 'thumb:1' ? png : undefined));
    const component = mount(Thumbnail, { target: el, props: { urls, key: 'thumb:1', alt: 'red square' } });
    await until(() => !!el.querySelector('img'));
    const src = el.querySelector('img')!.getAttribute('src')!;
    expect(src).toMatch(/^blob:/);
    expect((await fetch(src)).ok).toBe(true);
    await unmount(component);
    await new Promise((r) => setTimeout(r, 20));
    expect(urls.size).toBe(0);
    await expect(fetch(src)).rejects.toThrow();
  });

  it('shows a placeholder when there is no thumbnail', async () => {
    const el = host();
    const urls = new ObjectUrls(async () => undefined);
    const component = mount(Thumbnail, { target: el, props: { urls, key: 'item:none' } });
    await new Promise((r) => setTimeout(r, 20));
    flushSync();
    expect(el.querySelector('img')).toBeNull();
    await unmount(component);
  });
});

describe('readDrop', () => {
  it('reads the dropped files', async () => {
    const data = new DataTransfer();
    data.items.add(new File(['one'], 'one.txt', { type: 'text/plain' }));
    data.items.add(new File(['two'], 'two.md', { type: 'text/markdown' }));
    const dropped = await readDrop(data);
    expect(dropped.folders).toEqual([]);
    expect(dropped.files.map((f) => [f.file.name, f.folderPath])).toEqual([
      ['one.txt', ''],
      ['two.md', ''],
    ]);
    expect(await dropped.files[1]!.file.text()).toBe('two');
  });

  it('skips hidden and system files dropped loose', async () => {
    const data = new DataTransfer();
    data.items.add(new File(['x'], '.DS_Store'));
    data.items.add(new File(['one'], 'one.txt', { type: 'text/plain' }));
    data.items.add(new File(['x'], 'Thumbs.db'));
    const dropped = await readDrop(data);
    expect(dropped.files.map((f) => [f.file.name, f.folderPath])).toEqual([['one.txt', '']]);
  });
});
