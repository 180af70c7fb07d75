// Collects what one item's ingest produces (segments, their vectors, thumbnails) in the shape
// Library.writeItemResults takes, giving segments and thumbnails their deterministic ids.
import type { ItemResults } from '../library/library.ts';
import { segmentId } from '../library/library.ts';
import type { ItemRecord, SegmentRecord, Space, ThumbnailRecord } from '../library/records.ts';

export type SegmentDraft = Omit<SegmentRecord, 'id' | 'itemId' | 'spaces' | 'thumbnailId' | 'key'>;

export interface Thumbnail {
  blob: Blob;
  width: number;
  height: number;
}

export class ResultsBuilder {
  private readonly segments: SegmentRecord[] = [];
  private readonly vectors: NonNullable<ItemResults['vectors']> = [];
  private readonly thumbnails: Omit<ThumbnailRecord, 'itemId'>[] = [];
  private item: Partial<Omit<ItemRecord, 'id'>> = {};

  constructor(readonly itemId: string) {}

  /** Adds a segment with its vector in `space`, and its thumbnail if it has one. */
  add(draft: SegmentDraft, space: Space, vector: Float32Array, thumbnail?: Thumbnail): SegmentRecord {
    const id = segmentId(this.itemId, this.segments.length);
    const segment: SegmentRecord = { ...draft, id, itemId: this.itemId, spaces: [space] };
    if (thumbnail) {
      segment.thumbnailId = `${this.itemId}:t${this.thumbnails.length}`;
      this.thumbnails.push({ id: segment.thumbnailId, ...thumbnail });
    }
    this.segments.push(segment);
    this.vectors.push({ segmentId: id, space, vector });
    return segment;
  }

  /** A thumbnail of the whole item that belongs to no segment (an audio item's waveform). */
  addItemThumbnail(thumbnail: Thumbnail): void {
    this.thumbnails.push({ id: `${this.itemId}:t${this.thumbnails.length}`, ...thumbnail });
  }

  /** Fields of the item record to update when the results are written. */
  patchItem(patch: Partial<Omit<ItemRecord, 'id'>>): void {
    this.item = { ...this.item, ...patch, media: { ...this.item.media, ...patch.media } };
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  build(completeJobId?: string): ItemResults {
    return {
      segments: this.segments,
      vectors: this.vectors,
      thumbnails: this.thumbnails,
      item: this.item,
      completeJobId,
    };
  }
}
