// Fills the vector indexes from the vectors in the library store: all of them after an import replaced
// the library (or, in a tab that does not own the persisted indexes, after another tab did), or one
// item's (apply-remote-change.ts). Each vector goes in under its segment's index key.
import type { VectorIndex } from '../vector-index/types.ts';
import type { Library } from './library.ts';
import type { Space } from './records.ts';

export type Indexes = Partial<Record<Space, VectorIndex>>;

/** Empties the indexes, fills them from the store and persists them, marking the store version they hold. */
export async function rebuildVectorIndexes(
  library: Library,
  indexes: Indexes,
): Promise<Partial<Record<Space, number>>> {
  // Read first: should the store change while the indexes fill, they are marked as holding the older version.
  const version = await library.meta('vectorsVersion');
  const counts = await refillIndexes(library, indexes);
  for (const index of Object.values(indexes)) await index!.persist();
  // The indexes now hold what the store held at `version` (see MetaRecord in records.ts).
  const { clip, clap, text } = indexes;
  const sizes =
    clip && clap && text
      ? { clip: await clip.size(), clap: await clap.size(), text: await text.size() }
      : undefined;
  await library.markIndexed(version, sizes);
  return counts;
}

/**
 * Empties the indexes and fills them from the store; returns how many vectors each took. Nothing is
 * persisted or marked: that is for whoever owns the persisted indexes (rebuildVectorIndexes, IndexSync).
 */
export async function refillIndexes(
  library: Library,
  indexes: Indexes,
): Promise<Partial<Record<Space, number>>> {
  const counts: Partial<Record<Space, number>> = {};
  for (const [space, index] of Object.entries(indexes) as [Space, VectorIndex][]) {
    await index.clear();
    counts[space] = 0;
  }
  for await (const page of library.vectorPages()) {
    const added = await addToIndexes(
      indexes,
      page.map(({ vector, key }) => ({ space: vector.space, key, vector: vector.vector })),
    );
    for (const [space, n] of added) counts[space]! += n;
  }
  return counts;
}

/** Adds vectors to the index of their space, one add per space; returns how many each took. */
export async function addToIndexes(
  indexes: Indexes,
  rows: Iterable<{ space: Space; key: number; vector: Float32Array }>,
): Promise<Map<Space, number>> {
  const bySpace = new Map<Space, { keys: number[]; vectors: Float32Array[] }>();
  for (const { space, key, vector } of rows) {
    if (!indexes[space]) continue;
    const batch = bySpace.get(space) ?? { keys: [], vectors: [] };
    batch.keys.push(key);
    batch.vectors.push(vector);
    bySpace.set(space, batch);
  }
  const added = new Map<Space, number>();
  for (const [space, { keys, vectors }] of bySpace) {
    const index = indexes[space]!;
    const flat = new Float32Array(vectors.length * index.dim);
    vectors.forEach((v, i) => {
      if (v.length !== index.dim)
        throw new Error(`A ${space} vector has ${v.length} numbers; the ${space} index holds ${index.dim}`);
      flat.set(v, i * index.dim);
    });
    await index.add(keys, flat);
    added.set(space, keys.length);
  }
  return added;
}
