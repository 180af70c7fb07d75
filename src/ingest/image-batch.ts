// Small images are ingested in batches: their originals are read and decoded side by side (in the image
// worker), encoded in one call, and their results written in one transaction and indexed in one update per
// space. A file costs a share of each step instead of a full round of worker and storage hops; the ingest
// benchmark measures the difference. Each image still succeeds or fails on its own.
import { ItemGoneError, type ItemResults, type WrittenResults } from '../library/library.ts';
import { freshOriginals } from '../library/fresh-originals.ts';
import { openOriginal } from '../library/originals.ts';
import type { ItemRecord } from '../library/records.ts';
import type { MediaFormat } from './detect-type.ts';
import { decodeImage } from './image/decode-image.ts';
import type { DecodedImageBitmap } from './image/decode-image.ts';
import { MediaDecodeError } from './media-error.ts';
import { imageResults, readsText, type PipelineDeps } from './pipeline.ts';
import type { IngestStage } from './queue-events.ts';

export interface BatchSink {
  writeManyResults(
    entries: { itemId: string; results: ItemResults }[],
  ): Promise<(WrittenResults | ItemGoneError)[]>;
}

export interface ImageBatchEntry {
  item: ItemRecord;
  jobId: string;
  signal: AbortSignal;
  onProgress: (stage: IngestStage, fraction: number) => void;
}

/** How one file of the batch went: written, or the error that stopped it (per file). */
export type BatchOutcome = { ok: true; written: WrittenResults } | { ok: false; error: unknown };

/**
 * Ingests image items together. A failure of one file (unreadable, corrupt, cancelled) fails that file
 * only; a failure of the shared steps (the encoder, the store write) fails every file still in the batch,
 * and a storage write error is thrown as it is, so the queue can pause on a full disk.
 */
export async function ingestImageBatch(
  entries: ImageBatchEntry[],
  deps: PipelineDeps & { sink: BatchSink },
): Promise<BatchOutcome[]> {
  const outcomes: (BatchOutcome | undefined)[] = new Array(entries.length);
  const decoded: (Omit<DecodedImageBitmap, 'forEncoder'> & {
    forEncoder: Blob | ImageBitmap;
    original: () => Promise<Blob>;
  })[] = [];
  const alive: number[] = [];
  await Promise.all(
    entries.map(async (e, i) => {
      try {
        if (!e.item.source)
          throw new MediaDecodeError('corrupt-data', 'Trove kept no copy of this file to ingest');
        const source = e.item.source;
        e.onProgress('reading', 0);
        // The bytes taken in moments ago when there are some (fresh-originals.ts), else the stored copy.
        const content = freshOriginals.take(e.item.id) ?? (await openOriginal(source));
        e.signal.throwIfAborted();
        e.onProgress('decoding', 0);
        const format = e.item.format as MediaFormat;
        const d = deps.images
          ? await deps.images.decode(content, format, { textTest: readsText(deps) })
          : await decodeImage(content, format);
        // Only captions need the original again; decoding took the bytes (they moved to the worker).
        const original =
          content instanceof Blob ? () => Promise.resolve(content) : () => openOriginal(source);
        decoded[i] = { ...d, original };
        alive.push(i);
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }),
  );
  alive.sort((a, b) => a - b);
  const live = alive.filter((i) => {
    if (!entries[i]!.signal.aborted) return true;
    outcomes[i] = { ok: false, error: entries[i]!.signal.reason };
    return false;
  });
  try {
    for (const i of live) entries[i]!.onProgress('embedding', 0);
    const vectors = live.length
      ? await deps.encoders.clip.embedImages(live.map((i) => decoded[i]!.forEncoder))
      : [];
    const writes: { index: number; itemId: string; results: ItemResults }[] = [];
    for (const [k, i] of live.entries()) {
      const e = entries[i]!;
      if (e.signal.aborted) {
        outcomes[i] = { ok: false, error: e.signal.reason };
        continue;
      }
      try {
        const d = decoded[i]!;
        const results = await imageResults(d.original, e.item.id, d, vectors[k]!, deps, e.signal);
        writes.push({ index: i, itemId: e.item.id, results: { ...results, completeJobId: e.jobId } });
        e.onProgress('writing', 0);
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }
    const written = writes.length ? await deps.sink.writeManyResults(writes) : [];
    written.forEach((w, k) => {
      const index = writes[k]!.index;
      outcomes[index] = w instanceof ItemGoneError ? { ok: false, error: w } : { ok: true, written: w };
      entries[index]!.onProgress('indexing', 1);
    });
  } catch (error) {
    for (const i of live) outcomes[i] ??= { ok: false, error };
  } finally {
    for (const d of decoded) if (d?.forEncoder instanceof ImageBitmap) d.forEncoder.close();
  }
  return outcomes.map((o) => o ?? { ok: false, error: new Error('The image was not processed') });
}
