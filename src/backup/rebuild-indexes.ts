// Rebuilds the vector indexes from the vectors in the library store, after an import replaced them (or, in
// a tab that does not own the persisted indexes, after another tab did). Each vector goes in under its
// segment's index key; the indexes are emptied first and, unless told not to, persisted after.
import type { Library } from '../library/library.ts';
import type { SegmentRecord, Space } from '../library/records.ts';
import type { VectorIndex } from '../vector-index/types.ts';

const BATCH = 4096;

export async function rebuildVectorIndexes(
  library: Library,
  indexes: Partial<Record<Space, VectorIndex>>,
  options: { persist?: boolean } = {},
): Promise<Partial<Record<Space, number>>> {
  const persist = options.persist ?? true;
  const version = await readMeta(library, 'vectorsVersion');
  const keys = new Map<string, number>();
  for (const s of (await library.db.getAll('segments')) as (SegmentRecord & { key?: number })[])
    if (s.key !== undefined) keys.set(s.id, s.key);
  const counts: Partial<Record<Space, number>> = {};
  for (const [space, index] of Object.entries(indexes) as [Space, VectorIndex][]) {
    await index.clear();
    const vectors = await library.vectorsOfSpace(space);
    let added = 0;
    for (let at = 0; at < vectors.length; at += BATCH) {
      const batch = vectors.slice(at, at + BATCH).filter((v) => keys.has(v.segmentId));
      if (!batch.length) continue;
      const flat = new Float32Array(batch.length * index.dim);
      batch.forEach((v, i) => {
        if (v.vector.length !== index.dim)
          throw new Error(
            `A ${space} vector has ${v.vector.length} numbers; the ${space} index holds ${index.dim}`,
          );
        flat.set(v.vector, i * index.dim);
      });
      await index.add(
        batch.map((v) => keys.get(v.segmentId)!),
        flat,
      );
      added += batch.length;
    }
    if (persist) await index.persist();
    counts[space] = added;
  }
  // The indexes now hold what the store holds (see MetaRecord in src/library/records.ts).
  if (version !== undefined)
    await library.db.put('meta' as never, { name: 'indexedVersion', value: version } as never);
  return counts;
}

async function readMeta(library: Library, name: string): Promise<number | undefined> {
  if (!library.db.objectStoreNames.contains('meta' as never)) return undefined;
  const record = (await library.db.get('meta' as never, name as never)) as { value: number } | undefined;
  return record?.value ?? 0;
}
