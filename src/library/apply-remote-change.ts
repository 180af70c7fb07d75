// In a tab that does not own the persisted vector indexes (see tab-sync.ts), keeps its in-memory indexes in
// step with what another tab stored or removed, reading the vectors from the shared library store.
import type { VectorIndex } from '../vector-index/types.ts';
import type { Library } from './library.ts';
import { addToIndexes, refillIndexes, type Indexes } from './rebuild-indexes.ts';
import type { SegmentRecord } from './records.ts';
import type { LibraryMessage } from './tab-sync.ts';

export async function applyRemoteChange(
  library: Library,
  indexes: Indexes,
  message: LibraryMessage,
): Promise<void> {
  const all = Object.values(indexes) as VectorIndex[];
  switch (message.type) {
    case 'item-ready': {
      if (message.removedKeys.length) for (const index of all) await index.remove(message.removedKeys);
      const [segments, vectors] = await Promise.all([
        library.getSegments(message.itemId) as Promise<(SegmentRecord & { key?: number })[]>,
        library.vectorsOfItem(message.itemId),
      ]);
      const keyOf = new Map(segments.flatMap((s) => (s.key === undefined ? [] : [[s.id, s.key] as const])));
      await addToIndexes(
        indexes,
        vectors.flatMap((v) => {
          const key = keyOf.get(v.segmentId);
          return key === undefined ? [] : [{ space: v.space, key, vector: v.vector }];
        }),
      );
      return;
    }
    case 'item-removed':
      if (message.keys.length) for (const index of all) await index.remove(message.keys);
      return;
    case 'library-replaced':
      // In memory only: the tab that owns the persisted indexes saves and marks its own rebuild.
      await refillIndexes(library, indexes);
      return;
    case 'jobs-added':
    case 'jobs-changed':
      // Queue bookkeeping (the leader reads new jobs from the store); nothing to index.
      return;
  }
}
