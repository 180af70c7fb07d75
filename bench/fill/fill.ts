// The scale bench's bulk path (issue 26 allows "a generator ... that writes a synthetic library straight
// into the stores ... through the library's own API"): a page on the app's origin, built beside the app,
// that writes the synthetic library (test/support/synthetic-library.ts, the same items, segments, vectors
// and thumbnails as its export file) through the Library API a few hundred items a transaction, and its
// vectors into the vector indexes through IndexSync, which then persists them and marks them current, as
// ingest does. The app's import reads, checks and stages a file item by item (about 13 ms an item with ten
// segments here, so more than half an hour at 100k); this path skips the file and its checks, which the
// import keeps. Only the bench opens this page, with no tab of the app open (the indexes admit one worker).
// ?items=N&clip=32&clap=24&text=16[&lean=1]; window.__fill holds the outcome.
import { IndexSync } from '../../src/ingest/index-sync.ts';
import { Library } from '../../src/library/library.ts';
import type { ItemRecord, JobRecord, Space } from '../../src/library/records.ts';
import { openVectorIndex, spawnVectorIndexWorker } from '../../src/vector-index/client.ts';
import type { VectorIndex } from '../../src/vector-index/types.ts';
import {
  syntheticItem,
  syntheticVector,
  type SyntheticOptions,
} from '../../test/support/synthetic-library.ts';

declare global {
  interface Window {
    __fill?: {
      done: boolean;
      items?: number;
      segments?: number;
      ms?: number;
      /** Milliseconds spent in each step, summed over the batches. */
      steps?: Record<string, number>;
      error?: string;
    };
  }
}

const BATCH = 250;
const params = new URLSearchParams(location.search);
const dims = {
  clip: Number(params.get('clip')),
  clap: Number(params.get('clap')),
  text: Number(params.get('text')),
};
const status = document.getElementById('status')!;

const steps: Record<string, number> = {};
async function timed<T>(step: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    steps[step] = (steps[step] ?? 0) + performance.now() - started;
  }
}

async function fill(): Promise<{ items: number; segments: number }> {
  const library = await Library.open();
  const options: SyntheticOptions = {
    items: Number(params.get('items')),
    dims,
    schemaVersion: library.schemaVersion,
    ...(params.get('lean') ? { segments: 'lean' as const } : {}),
  };
  const worker = spawnVectorIndexWorker();
  const indexes = {} as Record<Space, VectorIndex>;
  for (const space of ['clip', 'clap', 'text'] as const)
    indexes[space] = (await openVectorIndex({ space, dim: dims[space] }, worker)).index;
  const sync = new IndexSync(library, indexes, { persistDelayMs: 3_600_000 });
  await sync.clear();
  let segments = 0;
  for (let at = 0; at < options.items; at += BATCH) {
    const batch = await timed('generate', () =>
      Array.from({ length: Math.min(BATCH, options.items - at) }, (_, i) => syntheticItem(at + i, options)),
    );
    const now = Date.now();
    // Items arrive as ingest makes them, with a job each (a job a transaction's worth at a time), then
    // their results in one transaction that also marks the jobs done; the done jobs are then dropped.
    await timed('add items', () =>
      Promise.all(
        batch.map(({ item }) => {
          const job: JobRecord = {
            id: `fill-${item.id}`,
            itemId: item.id,
            state: 'queued',
            attempts: 0,
            createdAt: now,
            updatedAt: now,
          };
          const pending: ItemRecord = { ...item, status: 'pending', neverWritten: true, error: undefined };
          return library.addItemWithJob(pending, job);
        }),
      ),
    );
    const entries = await timed('vectors', () =>
      batch.map(({ item, segments: s, thumbnail }) => ({
        itemId: item.id,
        results: {
          segments: s,
          vectors: s.flatMap((seg) =>
            seg.spaces.map((space) => ({
              segmentId: seg.id,
              space,
              vector: syntheticVector(seg.id, space, dims[space]),
            })),
          ),
          thumbnails: thumbnail
            ? [
                {
                  id: thumbnail.id,
                  width: thumbnail.width,
                  height: thumbnail.height,
                  blob: new Blob([thumbnail.bytes as BlobPart], { type: thumbnail.type }),
                },
              ]
            : [],
          item: { status: item.status, error: item.error },
          completeJobId: `fill-${item.id}`,
        },
      })),
    );
    await timed('write results', () => sync.writeManyResults(entries));
    await timed('delete jobs', () => library.deleteJobs(batch.map(({ item }) => `fill-${item.id}`)));
    segments += batch.reduce((n, b) => n + b.segments.length, 0);
    status.textContent = `Filled ${at + batch.length} of ${options.items} items`;
  }
  await timed('persist indexes', () => sync.flush());
  sync.close();
  worker.terminate();
  library.close();
  return { items: options.items, segments };
}

const started = performance.now();
window.__fill = { done: false };
fill().then(
  (r) => {
    window.__fill = { done: true, ...r, ms: performance.now() - started, steps };
    status.textContent = `Filled ${r.items} items`;
  },
  (error: unknown) => {
    window.__fill = { done: true, error: String((error as Error)?.stack ?? error) };
    status.textContent = `Failed: ${String(error)}`;
  },
);
