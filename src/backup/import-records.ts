// The import's readers of the record sections (manifest, items, segments, thumbnail records): each
// checks its records one by one (records.ts), checks the references between them, and stages them.
// What the readers learn of the file for the later sections (References) holds ids, never records.
import type { ItemRecord, SegmentRecord, Space } from '../library/records.ts';
import type { ImportStaging } from '../library/library.ts';
import { invalid, malformed } from './errors.ts';
import { FORMAT_VERSION } from './format.ts';
import { expectCount, type SectionReader } from './import-reader.ts';
import {
  checkItem,
  checkManifest,
  checkSegment,
  checkThumbnail,
  SPACES,
  sections,
  type ExportManifest,
  type ExportedThumbnail,
} from './records.ts';

/** What stays in memory for the whole import: ids, to check references (see batches.ts). */
export class References {
  /** Item ids in file order; an item's ordinal is its place here. */
  readonly itemIds: string[] = [];
  readonly itemOrdinal = new Map<string, number>();
  /** Segment id → its item's ordinal × 8 + a bit per space it lists. */
  readonly segmentRefs = new Map<string, number>();
  /** Thumbnail id → the first segment that shows it. */
  readonly shown = new Map<string, string>();

  /** The item a segment belongs to. */
  itemOfSegment(segmentId: string): string {
    return this.itemIds[this.segmentRefs.get(segmentId)! >>> 3]!;
  }
}

export function spaceBit(space: Space): number {
  return 1 << SPACES.indexOf(space);
}

/** A section of records the manifest counts, and what to do with each. */
interface Counted<T, U> {
  section: string;
  /** What a record is, for messages ("item"; the plural adds an s). */
  what: string;
  declared: number;
  /** The ids of the records so far, which no record may repeat. */
  seen: { has(id: string): boolean };
  check: (value: unknown, index: number) => T;
  /** Checks a record against the others, notes it, and gives what is staged of it. */
  accept: (record: T) => U;
  write?: (batch: U[]) => Promise<void>;
}

/** Reads a counted section: no more records than the manifest says and no fewer, each id once. */
async function readCounted<T extends { id: string }, U>(
  reader: SectionReader,
  { section, what, declared, seen, check, accept, write }: Counted<T, U>,
): Promise<number> {
  const count = await reader.jsonSection(
    section,
    (value, index) => {
      if (index >= declared)
        throw malformed(`the manifest says ${declared} ${what}s but the file holds more`);
      const record = check(value, index);
      if (seen.has(record.id)) throw invalid(`${what} "${record.id}" appears twice`);
      return accept(record);
    },
    write,
  );
  expectCount(`${what}s`, count, declared);
  return count;
}

export async function readManifest(reader: SectionReader, schemaVersion: number): Promise<ExportManifest> {
  let value: unknown;
  await reader.jsonSection(sections.manifest, (v, i) => {
    if (i > 0) throw malformed('the manifest section holds more than one record');
    value = v;
  });
  return checkManifest(value, { formatVersion: FORMAT_VERSION, schemaVersion });
}

export async function readItems(
  reader: SectionReader,
  declared: number,
  refs: References,
  staging: ImportStaging,
): Promise<number> {
  const hashes = new Set<string>();
  return readCounted(reader, {
    section: sections.items,
    what: 'item',
    declared,
    seen: refs.itemOrdinal,
    check: checkItem,
    accept: (item): ItemRecord => {
      if (item.sha256 !== undefined) {
        if (hashes.has(item.sha256))
          throw invalid(`content hash (sha256) of an item "${item.sha256}" appears twice`);
        hashes.add(item.sha256);
      }
      refs.itemOrdinal.set(item.id, refs.itemIds.length);
      refs.itemIds.push(item.id);
      return item;
    },
    write: (batch) => staging.addItems(batch),
  });
}

export async function readSegments(
  reader: SectionReader,
  declared: number,
  refs: References,
  staging: ImportStaging,
): Promise<number> {
  return readCounted(reader, {
    section: sections.segments,
    what: 'segment',
    declared,
    seen: refs.segmentRefs,
    check: checkSegment,
    accept: (s): SegmentRecord => {
      const ordinal = refs.itemOrdinal.get(s.itemId);
      if (ordinal === undefined)
        throw invalid(`segment "${s.id}" belongs to item "${s.itemId}", which the file does not have`);
      refs.segmentRefs.set(s.id, ordinal * 8 + s.spaces.reduce((m, space) => m | spaceBit(space), 0));
      if (s.thumbnailId !== undefined && !refs.shown.has(s.thumbnailId)) refs.shown.set(s.thumbnailId, s.id);
      return s;
    },
    write: (batch) => staging.addSegments(batch),
  });
}

/**
 * The thumbnail records (their bytes follow, one section each: import-files.ts), checked against the
 * items and the segments that show them. The segment references are not needed after this.
 */
export async function readThumbnailRecords(
  reader: SectionReader,
  declared: number,
  refs: References,
): Promise<ExportedThumbnail[]> {
  const thumbs: ExportedThumbnail[] = [];
  const thumbIds = new Set<string>();
  await readCounted(reader, {
    section: sections.thumbnails,
    what: 'thumbnail',
    declared,
    seen: thumbIds,
    check: checkThumbnail,
    accept: (t) => {
      if (!refs.itemOrdinal.has(t.itemId))
        throw invalid(`thumbnail "${t.id}" belongs to item "${t.itemId}", which the file does not have`);
      thumbIds.add(t.id);
      thumbs.push(t);
    },
  });
  for (const [thumbnailId, segmentId] of refs.shown)
    if (!thumbIds.has(thumbnailId))
      throw invalid(`segment "${segmentId}" shows thumbnail "${thumbnailId}", which the file does not have`);
  refs.shown.clear();
  refs.segmentRefs.clear();
  return thumbs;
}
