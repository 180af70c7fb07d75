// What an export file holds, and the checks every record passes before anything is written. Records are
// rebuilt field by field from what was read, so nothing a file adds beyond the known fields reaches the
// library, and every message names the record and the field that is wrong.
import type { ItemRecord, SegmentRecord, Space, ThumbnailRecord } from '../library/records.ts';
import { BackupError } from './errors.ts';
import { maxThumbnailBytes, thumbnailTypeAllowed } from './thumbnail-check.ts';

export const FORMAT_NAME = 'trove-library';
export const SPACES: readonly Space[] = ['clip', 'clap', 'text'];

/** The first section of every export. */
export interface ExportManifest {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  /** The library's schema version (src/library/migrations.ts) when exported. */
  schemaVersion: number;
  exportedAt: string;
  counts: { items: number; segments: number; thumbnails: number; originals: number };
  /** Vectors per embedding space, with their dimension. */
  spaces: Partial<Record<Space, { dim: number; count: number }>>;
}

/** An item as exported: where its original lived and which imported folder it came from mean nothing elsewhere. */
export type ExportedItem = Omit<ItemRecord, 'source' | 'folderId'>;
/** A segment as exported: index keys are given afresh on import. */
export type ExportedSegment = Omit<SegmentRecord, 'key'>;
/** A thumbnail's record; its bytes follow in their own section. */
export type ExportedThumbnail = Omit<ThumbnailRecord, 'blob'> & { type: string; size: number };

const ITEM_KINDS = ['image', 'audio', 'video', 'text', 'unknown'] as const;
/** Only finished items are exported: a pending one would have no job to finish it after an import. */
const EXPORTED_STATUSES = ['ready', 'error', 'unsupported'] as const;
const SEGMENT_KINDS = [
  'image',
  'frame',
  'audio-window',
  'transcript',
  'text-chunk',
  'caption',
  'ocr',
] as const;
const MAX_DIM = 8192;

class Fields {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly at: string,
  ) {}

  fail(field: string, why: string): never {
    throw new BackupError(
      'invalid-record',
      `The export file is malformed: ${this.at}, field "${field}" ${why}.`,
    );
  }
  string(field: string, options: { optional?: boolean; nonEmpty?: boolean; max?: number } = {}): string {
    const v = this.record[field];
    if (v === undefined && options.optional) return undefined as unknown as string;
    if (typeof v !== 'string') this.fail(field, 'must be text');
    if (options.nonEmpty && v.length === 0) this.fail(field, 'must not be empty');
    if (v.length > (options.max ?? 1_000_000)) this.fail(field, 'is too long');
    return v;
  }
  number(field: string, options: { optional?: boolean; int?: boolean; min?: number } = {}): number {
    const v = this.record[field];
    if (v === undefined && options.optional) return undefined as unknown as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'must be a number');
    if (options.int && !Number.isInteger(v)) this.fail(field, 'must be a whole number');
    if (options.min !== undefined && v < options.min) this.fail(field, `must be at least ${options.min}`);
    return v;
  }
  boolean(field: string): boolean | undefined {
    const v = this.record[field];
    if (v !== undefined && typeof v !== 'boolean') this.fail(field, 'must be true or false');
    return v as boolean | undefined;
  }
  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const v = this.record[field];
    if (!values.includes(v as T))
      this.fail(field, `must be one of ${values.join(', ')} (got ${JSON.stringify(v)})`);
    return v as T;
  }
  object(field: string): Fields | undefined {
    const v = this.record[field];
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) this.fail(field, 'must be an object');
    return new Fields(v, `${this.at}, field "${field}"`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fieldsOf(value: unknown, at: string): Fields {
  if (!isPlainObject(value))
    throw new BackupError('invalid-record', `The export file is malformed: ${at} is not an object.`);
  return new Fields(value, at);
}

/** Drops undefined fields, so a record's shape is what IndexedDB would store. */
function compact<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) if (record[key] === undefined) delete record[key];
  return record;
}

export function checkManifest(
  value: unknown,
  supported: { formatVersion: number; schemaVersion: number },
): ExportManifest {
  if (!isPlainObject(value) || value.format !== FORMAT_NAME)
    throw new BackupError(
      'not-a-trove-file',
      'This is not a Trove library export: its manifest does not name the Trove library format.',
    );
  const f = new Fields(value, 'the manifest');
  const formatVersion = f.number('formatVersion', { int: true, min: 1 });
  if (formatVersion !== supported.formatVersion)
    throw new BackupError(
      'bad-format',
      `The manifest says file format ${formatVersion}, but the file's header says ${supported.formatVersion}.`,
    );
  const schemaVersion = f.number('schemaVersion', { int: true, min: 1 });
  if (schemaVersion > supported.schemaVersion)
    throw new BackupError(
      'newer-schema',
      `This export was made by a newer Trove (library version ${schemaVersion}; this Trove has version ${supported.schemaVersion}). Update Trove, then import it.`,
    );
  const c = f.object('counts') ?? f.fail('counts', 'is missing');
  const counts = {
    items: c.number('items', { int: true, min: 0 }),
    segments: c.number('segments', { int: true, min: 0 }),
    thumbnails: c.number('thumbnails', { int: true, min: 0 }),
    originals: c.number('originals', { int: true, min: 0 }),
  };
  const s = value.spaces;
  if (!isPlainObject(s)) return f.fail('spaces', 'must be an object');
  const spaces: ExportManifest['spaces'] = {};
  for (const [name, entry] of Object.entries(s)) {
    if (!SPACES.includes(name as Space)) f.fail('spaces', `names an unknown embedding space "${name}"`);
    const e = fieldsOf(entry, `the manifest's space "${name}"`);
    spaces[name as Space] = {
      dim: e.number('dim', { int: true, min: 1 }),
      count: e.number('count', { int: true, min: 0 }),
    };
    if (spaces[name as Space]!.dim > MAX_DIM) e.fail('dim', `is over ${MAX_DIM}`);
  }
  return {
    format: FORMAT_NAME,
    formatVersion,
    schemaVersion,
    exportedAt: f.string('exportedAt'),
    counts,
    spaces,
  };
}

export function checkItem(value: unknown, index: number): ExportedItem {
  const f = fieldsOf(value, `item ${index + 1}`);
  const id = f.string('id', { nonEmpty: true, max: 200 });
  const at = new Fields(value as Record<string, unknown>, `item "${id}"`);
  const sha256 = at.string('sha256', { optional: true });
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) at.fail('sha256', 'must be 64 hex digits');
  const error = at.object('error');
  const media = at.object('media');
  const place = at.object('place');
  return compact({
    id,
    name: at.string('name', { max: 4096 }),
    folderPath: at.string('folderPath', { max: 4096 }),
    kind: at.oneOf('kind', ITEM_KINDS),
    format: at.string('format', { optional: true, max: 64 }),
    mime: at.string('mime', { max: 256 }),
    size: at.number('size', { int: true, min: 0 }),
    mtime: at.number('mtime'),
    sha256,
    capturedAt: at.number('capturedAt', { optional: true }),
    place: place
      ? compact({
          city: place.string('city', { max: 500 }),
          region: place.string('region', { optional: true, max: 500 }),
          country: place.string('country', { max: 500 }),
          countryCode: place.string('countryCode', { max: 8 }),
        })
      : undefined,
    status: at.oneOf('status', EXPORTED_STATUSES),
    error: error
      ? compact({
          code: error.string('code', { max: 200 }),
          message: error.string('message', { max: 10_000 }),
          stage: error.string('stage', { optional: true, max: 200 }),
        })
      : undefined,
    notice: at.string('notice', { optional: true, max: 10_000 }),
    addedAt: at.number('addedAt'),
    updatedAt: at.number('updatedAt'),
    media: media
      ? compact({
          width: media.number('width', { optional: true, int: true, min: 0 }),
          height: media.number('height', { optional: true, int: true, min: 0 }),
          durationS: media.number('durationS', { optional: true, min: 0 }),
          pageCount: media.number('pageCount', { optional: true, int: true, min: 0 }),
          hasVideo: media.boolean('hasVideo'),
          hasAudio: media.boolean('hasAudio'),
        })
      : undefined,
  });
}

export function checkSegment(value: unknown, index: number): ExportedSegment {
  const f = fieldsOf(value, `segment ${index + 1}`);
  const id = f.string('id', { nonEmpty: true, max: 300 });
  const at = new Fields(value as Record<string, unknown>, `segment "${id}"`);
  const spaces = (value as Record<string, unknown>).spaces;
  if (
    !Array.isArray(spaces) ||
    spaces.some((s) => !SPACES.includes(s as Space)) ||
    new Set(spaces).size !== spaces.length
  )
    at.fail('spaces', `must list distinct spaces among ${SPACES.join(', ')}`);
  const segment = compact({
    id,
    itemId: at.string('itemId', { nonEmpty: true, max: 200 }),
    kind: at.oneOf('kind', SEGMENT_KINDS),
    spaces: [...(spaces as Space[])],
    t0: at.number('t0', { optional: true, min: 0 }),
    t1: at.number('t1', { optional: true, min: 0 }),
    page: at.number('page', { optional: true, int: true, min: 1 }),
    charStart: at.number('charStart', { optional: true, int: true, min: 0 }),
    charEnd: at.number('charEnd', { optional: true, int: true, min: 0 }),
    text: at.string('text', { optional: true }),
    language: at.string('language', { optional: true, max: 16 }),
    thumbnailId: at.string('thumbnailId', { optional: true, nonEmpty: true, max: 300 }),
  });
  if (segment.t0 !== undefined && segment.t1 !== undefined && segment.t1 < segment.t0)
    at.fail('t1', 'is before t0');
  if (segment.charStart !== undefined && segment.charEnd !== undefined && segment.charEnd < segment.charStart)
    at.fail('charEnd', 'is before charStart');
  return segment;
}

export function checkThumbnail(value: unknown, index: number): ExportedThumbnail {
  const f = fieldsOf(value, `thumbnail ${index + 1}`);
  const id = f.string('id', { nonEmpty: true, max: 300 });
  const at = new Fields(value as Record<string, unknown>, `thumbnail "${id}"`);
  const type = at.string('type', { max: 100 });
  // Checked again against the bytes when they arrive (thumbnail-check.ts); refused here, before any are read.
  if (!thumbnailTypeAllowed(type))
    at.fail('type', `is "${type}"; only JPEG, PNG and WebP thumbnails (and Trove's own waveforms) are taken`);
  const size = at.number('size', { int: true, min: 0 });
  if (size > maxThumbnailBytes(type))
    at.fail('size', `is over the ${maxThumbnailBytes(type)} bytes a thumbnail may have`);
  return {
    id,
    itemId: at.string('itemId', { nonEmpty: true, max: 200 }),
    width: at.number('width', { int: true, min: 0 }),
    height: at.number('height', { int: true, min: 0 }),
    type,
    size,
  };
}

/** Section names, in the order an export writes them. */
export const sections = {
  manifest: 'manifest',
  items: 'items',
  segments: 'segments',
  vectorIds: (space: Space) => `vectors/${space}/segment-ids`,
  vectors: (space: Space) => `vectors/${space}/f32`,
  thumbnails: 'thumbnails',
  thumbnail: (index: number) => `thumbnail/${index}`,
  original: (index: number) => `original/${index}`,
};
