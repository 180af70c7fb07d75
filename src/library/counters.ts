// The meta store's counters (MetaRecord in records.ts) are read and written inside the transaction whose
// writes they count, so a counter never disagrees with the data it counts.
import type { MetaRecord, Space } from './records.ts';

/** The meta store of any transaction that has it. */
export interface MetaStore {
  get(name: MetaRecord['name']): Promise<MetaRecord | undefined>;
  put(record: MetaRecord): Promise<unknown>;
}

const indexedSizeOf = {
  clip: 'indexedSizeClip',
  clap: 'indexedSizeClap',
  text: 'indexedSizeText',
} as const satisfies Record<Space, MetaRecord['name']>;

/**
 * Marks the store version the persisted indexes hold, with their sizes then. Counting a space's vectors in
 * the store takes seconds at a million, so an opening compares each restored index with its recorded size
 * instead; without sizes (some spaces only), none stay recorded and the opening counts the store.
 */
export async function markIndexed(
  meta: MetaStore & { delete(name: MetaRecord['name']): Promise<unknown> },
  vectorsVersion: number,
  sizes?: Record<Space, number>,
): Promise<void> {
  await meta.put({ name: 'indexedVersion', value: vectorsVersion });
  for (const [space, name] of Object.entries(indexedSizeOf) as [Space, MetaRecord['name']][])
    await (sizes ? meta.put({ name, value: sizes[space] }) : meta.delete(name));
}

/** The index sizes recorded with indexedVersion, or undefined when they were not. */
export async function indexedSizes(meta: Pick<MetaStore, 'get'>): Promise<Record<Space, number> | undefined> {
  const out: Partial<Record<Space, number>> = {};
  for (const [space, name] of Object.entries(indexedSizeOf) as [Space, MetaRecord['name']][]) {
    const record = await meta.get(name);
    if (!record) return undefined;
    out[space] = record.value;
  }
  return out as Record<Space, number>;
}

/** The next segment index key to give: keys are never reused, so this only grows. */
export async function nextSegmentKey(meta: MetaStore): Promise<number> {
  return (await meta.get('nextSegmentKey'))?.value ?? 1;
}

/** Tells every open vector index that the store's vectors changed (see MetaRecord). */
export async function bumpVectorsVersion(meta: MetaStore): Promise<void> {
  const current = (await meta.get('vectorsVersion'))?.value ?? 0;
  await meta.put({ name: 'vectorsVersion', value: current + 1 });
}
