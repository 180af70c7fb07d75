// A searchable library of every fixture type for the search tests, ingested by the real pipeline (Trove:
// detection, decoders, ffmpeg.wasm, encoder workers on the fixture models, library store, index sync into
// the vector index worker), with the search worker's catalog filled from the store as the app fills it.
//
// One fixture-scale setting: audio windows are 2 s every 2 s (the app's default is 10 s every 5 s), because
// the fixture video changes sound every 2 s and the tests ask for its moments.
import { RemoteCatalog } from '../../src/search/catalog-client.ts';
import { Searcher, type SearcherOptions } from '../../src/search/searcher.ts';
import type { ItemRecord, SegmentRecord } from '../../src/library/records.ts';
import type { Trove } from '../../src/trove.ts';
import { fixtureFile } from './media-files.ts';
import { destroyTrove, freshNames, openTestTrove } from './trove-harness.ts';

/** What goes in: one or more files of every fixture type, in folders and with dates the filter tests use. */
export const libraryFiles: { path: string; folderPath: string; mtime: string }[] = [
  ...[
    'red-square.png',
    'green-field.jpg',
    'blue-sky.webp',
    'yellow-sun.png',
    'two-frames.gif',
    'white-card.avif',
    'rotated-exif.jpg',
  ].map((f) => ({ path: `image/${f}`, folderPath: 'photos', mtime: '2023-03-01T12:00:00Z' })),
  // speech-plumber.wav is left out on purpose: it says the podcast's first sentence again, and the test of
  // the keyword side needs a word ("leaking") that only one transcript has. The audio query test uses it.
  ...['low-hum.wav', 'high-beep.wav', 'white-noise.wav', 'podcast-kite.wav'].map((f) => ({
    path: `audio/${f}`,
    folderPath: 'sounds',
    mtime: '2023-09-01T12:00:00Z',
  })),
  { path: 'video/timeline.mp4', folderPath: 'clips', mtime: '2024-02-01T12:00:00Z' },
  ...['plumbing-notes.md', 'kite-diary.txt', 'bread-recipe.pdf', 'travel-notes.html'].map((f) => ({
    path: `text/${f}`,
    folderPath: 'notes',
    mtime: '2024-08-01T12:00:00Z',
  })),
];

export interface BuiltSegment {
  key: number;
  segment: SegmentRecord;
}

export interface SearchLibrary {
  trove: Trove;
  catalog: RemoteCatalog;
  /** By fixture path ('image/red-square.png'). */
  items: Map<string, { item: ItemRecord; segments: BuiltSegment[] }>;
  searcher(options?: SearcherOptions): Searcher;
  /** The library's item id of a fixture path. */
  itemId(path: string): string;
  /** The fixture path of a library item id. */
  pathOf(itemId: string): string;
  close(): Promise<void>;
}

export async function buildSearchLibrary(): Promise<SearchLibrary> {
  const names = freshNames('search');
  const trove = await openTestTrove(names, { pipeline: { audioWindows: { windowS: 2, hopS: 2 } } });
  const catalog = new RemoteCatalog();
  try {
    const files = await Promise.all(
      libraryFiles.map(async (f) => ({
        file: await fixtureFile(f.path, Date.parse(f.mtime)),
        folderPath: f.folderPath,
      })),
    );
    await trove.addFiles(files);
    await trove.queue.whenIdle();
    const stored = await trove.allSegments();
    const byName = new Map(libraryFiles.map((f) => [f.path.slice(f.path.indexOf('/') + 1), f.path]));
    const items = new Map<string, { item: ItemRecord; segments: BuiltSegment[] }>();
    const pathOf = new Map<string, string>();
    for (const { item, segments } of stored) {
      if (item.status !== 'ready')
        throw new Error(`${item.name} was not ingested: ${item.error?.message ?? item.status}`);
      const path = byName.get(item.name);
      if (!path) throw new Error(`unexpected item ${item.name}`);
      const keyed = segments.map(({ key, ...segment }) => ({ key, segment }));
      items.set(path, { item, segments: keyed });
      pathOf.set(item.id, path);
    }
    if (items.size !== libraryFiles.length)
      throw new Error(`${items.size} of ${libraryFiles.length} files were ingested`);
    await catalog.upsertItems([...items.values()]);
    return {
      trove,
      catalog,
      items,
      searcher: (options) =>
        new Searcher({ encoders: trove.encoders, indexes: trove.indexes, catalog }, options),
      itemId: (path) => {
        const found = items.get(path);
        if (!found) throw new Error(`${path} is not in the search library`);
        return found.item.id;
      },
      pathOf: (id) => pathOf.get(id) ?? id,
      async close() {
        catalog.terminate();
        await destroyTrove(trove, names);
      },
    };
  } catch (error) {
    catalog.terminate();
    await destroyTrove(trove, names);
    throw error;
  }
}
