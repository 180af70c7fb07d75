// Records for tests, with every required field filled, so that a test spells out only the fields it is
// about (and a field added to a record is added here once, not in every test).
import type { ItemRecord } from '../../src/library/records.ts';

/** An item record named by its id: a ready image of one byte, with zero times, unless `fields` say else. */
export function itemRecord(id: string, fields: Partial<ItemRecord> = {}): ItemRecord {
  return {
    id,
    name: id,
    folderPath: '',
    kind: 'image',
    mime: '',
    size: 1,
    mtime: 0,
    status: 'ready',
    addedAt: 0,
    updatedAt: 0,
    ...fields,
  };
}
