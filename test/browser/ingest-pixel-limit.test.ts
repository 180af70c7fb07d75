// Images are measured from their headers before anything decodes them (header-size.ts, pixel-limit.ts): a
// file stating more pixels than Trove takes fails on its own with the reason, and the other files of its
// batch are ingested. The sizes read are the sizes this browser's decoders produce.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFileType } from '../../src/ingest/detect-type.ts';
import { readHeaderSize } from '../../src/ingest/image/header-size.ts';
import type { ItemRecord } from '../../src/library/records.ts';
import type { Trove } from '../../src/trove.ts';
import { SearchState } from '../../src/ui/state/search-state.svelte.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { entry, fixtureFile } from '../support/media-files.ts';

const names = freshNames('pixel-limit');
let trove: Trove;

beforeAll(async () => {
  trove = await openTestTrove(names, { pipeline: { transcribe: false } });
});

afterAll(() => destroyTrove(trove, names));

/** A 30×20 GIF whose logical screen is 1×1, its one frame placed at (5, 7). */
const gifOutgrowingItsScreen = () =>
  Uint8Array.from(
    atob('R0lGODlhAQABAIAAAExpccjIyCH5BAUAAAAALAUABwAeABQAAAIXjI+py+0Po5y02ouz3rz7D4biSJZmUgAAOw=='),
    (c) => c.charCodeAt(0),
  );

describe('the pixel limit', () => {
  it('reads the size this browser decodes each fixture format to, and a GIF frame outgrowing its screen', async () => {
    const files: [string, Uint8Array<ArrayBuffer>][] = [];
    for (const path of [
      'image/red-square.png',
      'image/green-field.jpg',
      'image/blue-sky.webp',
      'image/two-frames.gif',
      'image/white-card.avif',
    ]) {
      files.push([path, new Uint8Array(await (await fixtureFile(path)).arrayBuffer())]);
    }
    files.push(['screen-1x1.gif', gifOutgrowingItsScreen()]);
    for (const [path, bytes] of files) {
      const detected = await detectFileType(new File([bytes], path));
      expect(detected.ok, path).toBe(true);
      if (!detected.ok) continue;
      const read = readHeaderSize(bytes, detected.type.format);
      const bitmap = await createImageBitmap(new Blob([bytes], { type: detected.type.mime }), {
        imageOrientation: 'none',
      });
      expect(read, path).toEqual({ ok: true, sizes: [{ width: bitmap.width, height: bitmap.height }] });
      bitmap.close();
    }
    expect(readHeaderSize(gifOutgrowingItsScreen(), 'gif')).toEqual({
      ok: true,
      sizes: [{ width: 35, height: 27 }],
    });
  });

  it('fails a PNG stating 20000×20000 with the reason, and ingests the good files of its batch', async () => {
    const huge = await entry('bad/huge-dimensions.png');
    const paths = ['image/red-square.png', huge.path, 'image/green-field.jpg', 'image/blue-sky.webp'];
    const files = await Promise.all(paths.map((p) => fixtureFile(p)));
    const report = await trove.addFiles(files);
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ total: 4, done: 3, failed: 1, remaining: 0 });
    const items = new Map<string, ItemRecord>();
    for (const [i, f] of report.files.entries())
      items.set(paths[i]!, (await trove.library.getItem(f.itemId!))!);

    const refused = items.get(huge.path)!;
    expect(refused.status).toBe('error');
    expect(refused.error).toMatchObject({ code: 'too-large', stage: 'decoding' });
    expect(refused.error!.message).toBe(
      'The image is 20,000 × 20,000 pixels (400 megapixels); Trove takes images up to 100 megapixels',
    );
    expect(await trove.library.getSegments(refused.id)).toEqual([]);
    expect(await trove.library.thumbnailsOfItem(refused.id)).toEqual([]);

    for (const path of paths.filter((p) => p !== huge.path)) {
      const item = items.get(path)!;
      expect(item.status, `${path}: ${item.error?.message}`).toBe('ready');
      expect(await trove.library.getSegments(item.id), path).toHaveLength(1);
    }
  });

  it('refuses such an image as a search query before any encoder decodes it, and takes a good one', async () => {
    const search = new SearchState();
    await search.attachImage(await fixtureFile('bad/huge-dimensions.png'));
    expect(search.image).toBeNull();
    expect(search.error).toBe(
      'Could not use huge-dimensions.png as an image: The image is 20,000 × 20,000 pixels (400 megapixels); ' +
        'Trove takes images up to 100 megapixels',
    );
    await search.attachImage(await fixtureFile('text/kite-diary.txt'));
    expect(search.image).toBeNull();
    expect(search.error).toMatch(/^Could not use kite-diary.txt as an image: it is text/);
    await search.attachImage(await fixtureFile('image/red-square.png'));
    expect(search.image?.name).toBe('red-square.png');
    expect(search.error).toBe('');
  });
});
