// The library's timeline bookkeeping (item-counts.ts), against real IndexedDB: whatever writes an item
// (adding it with its job, writing its results, failing, requeueing, updating, deleting, clearing, an
// upgrade from schema 4) leaves the per-month counts equal to a count of the items themselves, and every
// item with its timeline date, which the `when` indexes read.
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDB, openDB } from 'idb';
import { Library } from '../../src/library/library.ts';
import { migrations } from '../../src/library/migrations.ts';
import { CountChanges, monthOf, monthStart, timelineDate } from '../../src/library/item-counts.ts';
import type { ItemRecord, JobRecord } from '../../src/library/records.ts';
import { itemRecord } from '../support/factories.ts';

let dbCount = 0;
const opened: { lib: Library; name: string }[] = [];

async function freshLibrary(name = `trove-counts-test-${Date.now()}-${dbCount++}`) {
  const lib = await Library.open({ name });
  opened.push({ lib, name });
  return lib;
}

afterEach(async () => {
  for (const { lib, name } of opened.splice(0)) {
    lib.close();
    await deleteDB(name);
  }
});

const MAY_2023 = Date.UTC(2023, 4, 3);
const JULY_2019 = Date.UTC(2019, 6, 20);

function item(id: string, patch: Partial<ItemRecord> = {}): ItemRecord {
  return itemRecord(id, {
    name: `${id}.png`,
    mtime: MAY_2023,
    status: 'pending',
    addedAt: Date.now(),
    updatedAt: Date.now(),
    ...patch,
  });
}

function job(id: string, itemId: string): JobRecord {
  return { id, itemId, state: 'queued', attempts: 0, createdAt: 0, updatedAt: 0 };
}

/** The counts the stored items make, by count id. */
async function recount(lib: Library): Promise<Record<string, number>> {
  const changes = new CountChanges();
  for (const i of await lib.listItems()) changes.change(undefined, i);
  return Object.fromEntries(changes.entries().map((e) => [e.id, e.delta]));
}

async function stored(lib: Library): Promise<Record<string, number>> {
  return Object.fromEntries((await lib.itemCounts()).map((c) => [c.id, c.n]));
}

describe('item counts and timeline dates (real IndexedDB)', () => {
  it('follow every kind of item write', async () => {
    const lib = await freshLibrary();
    await lib.addItemWithJob(item('a'), job('ja', 'a'));
    await lib.addItemWithJob(item('b', { kind: 'video' }), job('jb', 'b'));
    await lib.addItem(item('c', { kind: 'audio', status: 'ready', mtime: JULY_2019 }));
    expect(await stored(lib)).toEqual(await recount(lib));
    expect(Object.values(await stored(lib)).reduce((a, b) => a + b)).toBe(3);

    // Written results: ready, and moved to the month it was taken in.
    await lib.writeItemResults('a', { segments: [], item: { capturedAt: JULY_2019 } });
    await lib.failJob('jb', { code: 'corrupt-data', message: 'damaged' });
    expect(await stored(lib)).toEqual(await recount(lib));
    expect((await lib.getItem('a'))!.when).toBe(JULY_2019);
    await lib.requeueJob('jb');
    await lib.updateItem('c', { status: 'error' });
    expect(await stored(lib)).toEqual(await recount(lib));
    await lib.deleteItem('a');
    expect(await stored(lib)).toEqual(await recount(lib));
    expect(await stored(lib)).toEqual({
      [`${monthOf(MAY_2023)}|video|pending`]: 1,
      [`${monthOf(JULY_2019)}|audio|error`]: 1,
    });

    // The `when` index reads a month's items, and the kind-status index a filtered part of it.
    const may = monthOf(MAY_2023);
    expect((await lib.itemsBetween(monthStart(may), monthStart(may + 1))).map((i) => i.id)).toEqual(['b']);
    expect(
      await lib.itemsBetween(monthStart(may), monthStart(may + 1), [{ kind: 'video', status: 'ready' }]),
    ).toEqual([]);
    expect(
      (await lib.itemsBetween(0, Date.now(), [{ kind: 'audio', status: 'error' }])).map((i) => i.id),
    ).toEqual(['c']);

    await lib.clearAll();
    expect(await lib.itemCounts()).toEqual([]);
  });

  it('an upgrade from schema 4 dates and counts the items already there', async () => {
    const name = `trove-counts-upgrade-${Date.now()}-${dbCount++}`;
    const old = await Library.open({ name, migrations: migrations.slice(0, 4) });
    // Written as schema 4 wrote items: without a timeline date (put straight into the old store).
    const raw = await openDB(name);
    old.close();
    await raw.put('items', item('x', { status: 'ready', capturedAt: JULY_2019 }));
    await raw.put('items', item('y', { status: 'error' }));
    raw.close();
    const lib = await freshLibrary(name);
    expect(lib.schemaVersion).toBe(migrations.length);
    expect(await stored(lib)).toEqual(await recount(lib));
    expect((await lib.getItem('x'))!.when).toBe(
      timelineDate({ capturedAt: JULY_2019, mtime: 0, addedAt: 0 }),
    );
    expect((await lib.itemsBetween(0, Date.now())).map((i) => i.id).sort()).toEqual(['x', 'y']);
  });
});
