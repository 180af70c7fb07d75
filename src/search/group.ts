// Grouping: one entry per item, led by its best segment, with its other matching moments attached.
import type { EvidenceSource } from './fuse.ts';
import type { ItemResult, SegmentResult } from './results.ts';
import type { ItemRecord } from '../library/records.ts';

/** `segments` in any order; items come out best first, and at most `limit` of them. */
export function groupByItem(
  segments: (SegmentResult & { item: ItemRecord })[],
  limit = Infinity,
): ItemResult[] {
  const groups = new Map<string, ItemResult>();
  const ordered = [...segments].sort((a, b) => b.score - a.score || a.key - b.key);
  for (const { item, ...segment } of ordered) {
    const group = groups.get(item.id);
    if (!group) {
      groups.set(item.id, {
        item,
        modality: segment.modality,
        score: segment.score,
        best: segment,
        others: [],
        spaces: passedSources(segment),
      });
    } else {
      group.others.push(segment);
      for (const s of passedSources(segment)) if (!group.spaces.includes(s)) group.spaces.push(s);
    }
  }
  return [...groups.values()].slice(0, limit);
}

function passedSources(segment: SegmentResult): EvidenceSource[] {
  return segment.matched.filter((m) => m.passed).map((m) => m.source);
}
