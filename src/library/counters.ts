// The meta store's counters (MetaRecord in records.ts) are read and written inside the transaction whose
// writes they count, so a counter never disagrees with the data it counts.
import type { MetaRecord } from './records.ts';

/** The meta store of any transaction that has it. */
export interface MetaStore {
  get(name: MetaRecord['name']): Promise<MetaRecord | undefined>;
  put(record: MetaRecord): Promise<unknown>;
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
