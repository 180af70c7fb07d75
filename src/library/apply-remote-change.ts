// In a tab that does not own the persisted vector indexes (see tab-sync.ts), keeps its in-memory indexes in
// step with what another tab stored or removed, reading the vectors from the shared library store.
import { rebuildVectorIndexes } from '../backup/rebuild-indexes.ts';
import type { VectorIndex } from '../vector-index/types.ts';
import type { Library } from './library.ts';
import type { SegmentRecord, Space } from './records.ts';
import type { LibraryMessage } from './tab-sync.ts';

export async function applyRemoteChange(
  library: Library,
  indexes: Partial<Record<Space, VectorIndex>>,
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
      const bySpace = new Map<Space, { keys: number[]; rows: Float32Array[] }>();
      for (const v of vectors) {
        const key = keyOf.get(v.segmentId);
        if (key === undefined || !indexes[v.space]) continue;
        const slot = bySpace.get(v.space) ?? { keys: [], rows: [] };
        slot.keys.push(key);
        slot.rows.push(v.vector);
        bySpace.set(v.space, slot);
      }
      for (const [space, { keys, rows }] of bySpace) {
        const index = indexes[space]!;
        const flat = new Float32Array(rows.length * index.dim);
        rows.forEach((r, i) => flat.set(r, i * index.dim));
        await index.add(keys, flat);
      }
      return;
    }
    case 'item-removed':
      if (message.keys.length) for (const index of all) await index.remove(message.keys);
      return;
    case 'library-replaced':
      await rebuildVectorIndexes(library, indexes, { persist: false });
      return;
    case 'jobs-added':
    case 'jobs-changed':
      // Queue bookkeeping (the leader reads new jobs from the store); nothing to index.
      return;
  }
}
