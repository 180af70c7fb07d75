// Search results as the answer features read them (src/answer/context.ts RetrievedSegment): every matched
// segment of every item, best first, with what a citation needs to open it again.
import type { RetrievedSegment } from '../../answer/context.ts';
import type { ItemResult, SegmentResult } from '../../search/results.ts';

export function retrievedSegments(results: readonly ItemResult[]): RetrievedSegment[] {
  const out: RetrievedSegment[] = [];
  for (const result of results) {
    for (const segment of [result.best, ...result.others]) out.push(retrieved(result, segment));
  }
  return out.sort((a, b) => b.score - a.score);
}

function retrieved(
  result: ItemResult,
  { segment, snippet, score, matched }: SegmentResult,
): RetrievedSegment {
  const caption = segment.kind === 'caption' ? segment.text : undefined;
  return {
    segmentId: segment.id,
    itemId: result.item.id,
    itemName: result.item.name,
    modality: result.modality,
    segmentKind: segment.kind,
    t0: segment.t0,
    t1: segment.t1,
    page: segment.page,
    charStart: segment.charStart,
    charEnd: segment.charEnd,
    text: caption ? undefined : segment.text,
    snippet: snippet?.text,
    caption,
    capturedAt: result.item.capturedAt,
    score,
    matched: describeMatch(matched.filter((m) => m.passed).map((m) => m.source)),
  };
}

/** What matched, in words, for the model: "its picture", "its sound", "its words". */
function describeMatch(sources: string[]): string | undefined {
  const words = {
    clip: 'its picture matches',
    clap: 'its sound matches',
    text: 'its meaning matches',
    lexical: 'its words match',
  };
  const parts = [...new Set(sources)].map((s) => words[s as keyof typeof words]).filter(Boolean);
  return parts.length ? `${parts.join(' and ')} the question` : undefined;
}
