// An item's status in words, for its card: ready items say how long or how many pages they are; items being
// added say which stage they are at; failed ones say why.
import type { ItemRecord } from '../../library/records.ts';
import type { QueueSnapshot } from '../../trove.ts';
import { formatTime } from '../common/format-time.ts';

export function itemFacts(item: ItemRecord): string {
  const m = item.media;
  if (!m) return '';
  // A duration reads rounded (a 2.99 s clip is 0:03); moments are floored to the second the player shows.
  if (m.durationS !== undefined) return formatTime(Math.round(m.durationS));
  if (m.pageCount !== undefined) return m.pageCount === 1 ? '1 page' : `${m.pageCount} pages`;
  if (m.width && m.height) return `${m.width}×${m.height}`;
  return '';
}

export function itemStatusText(item: ItemRecord, stage?: string): string {
  switch (item.status) {
    case 'ready':
      return item.notice ? `Ready. ${item.notice}` : 'Ready';
    case 'pending':
      return 'Waiting';
    case 'processing':
      return stage ? `Adding: ${stage}` : 'Adding';
    case 'unsupported':
      return item.error?.message ?? 'This kind of file is not supported';
    case 'error':
      return item.error?.message ?? 'Could not be added';
  }
}

/** The stage of each item being worked on, by item id (what its card says). */
export function stagesOf(queue: QueueSnapshot | null): ReadonlyMap<string, string> {
  return new Map((queue?.active ?? []).flatMap((f) => (f.itemId ? [[f.itemId, f.stage] as const] : [])));
}
