// What lies below the cut, for two questions the cut alone cannot answer: "nothing matched, so what is
// closest anyway?" and "how many items would a stricter or looser cut return?". Both start from every
// candidate segment the lists found, whatever its calibrated score, so they cost nothing unless asked
// (closest: only when nothing matched; counts: only when a search asks for a preview).
import type { CatalogApi } from './catalog.ts';
import { fuse, type EvidenceList, type FusedHit, type Negatives } from './fuse.ts';

/** Every candidate segment, strongest first: by its best calibrated score in any list. */
export function candidates(lists: EvidenceList[], negatives: Negatives): FusedHit[] {
  return fuse(lists, negatives, { method: 'calibrated', cut: -Infinity })
    .map((hit) => ({ hit, best: strength(hit) }))
    .sort((a, b) => b.best - a.best || b.hit.score - a.hit.score || a.hit.key - b.hit.key)
    .map((c) => c.hit);
}

/** The highest cut a segment passes: its best calibrated score in any list. */
export function strength(hit: FusedHit): number {
  let best = -Infinity;
  for (const e of hit.evidence) best = Math.max(best, e.z);
  return best;
}

/** How many items have a segment that passes each cut. */
export async function itemsAtCuts(
  hits: FusedHit[],
  cuts: number[],
  catalog: Pick<CatalogApi, 'itemIds'>,
): Promise<{ cut: number; items: number }[]> {
  const lowest = Math.min(...cuts);
  const passing = hits.filter((h) => strength(h) >= lowest);
  const ids = await catalog.itemIds(passing.map((h) => h.key));
  const byItem = new Map<string, number>();
  passing.forEach((h, i) => {
    const id = ids[i];
    if (id) byItem.set(id, Math.max(byItem.get(id) ?? -Infinity, strength(h)));
  });
  const strengths = [...byItem.values()];
  return cuts.map((cut) => ({ cut, items: strengths.filter((s) => s >= cut).length }));
}
