// Two Troves on one library in one page stand for two tabs: Web Locks and BroadcastChannel treat them as
// two clients (the lock is held per request, and a channel object never hears its own messages). The
// second Trove follows the first: its files are ingested by the leader, it sees the leader's results, and
// it takes over when the leader closes. The real two-tab run is the e2e tier's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportLibraryBlob } from '../../src/backup/export-library.ts';
import type { Space } from '../../src/library/records.ts';
import type { LibraryMessage } from '../../src/library/tab-sync.ts';
import type { Trove } from '../../src/trove.ts';
import { fixtureFile } from '../support/media-files.ts';
import {
  destroyTrove,
  freshNames,
  nextEvent,
  openTestTrove,
  type TroveNames,
} from '../support/trove-harness.ts';

const open: { trove: Trove; names: TroveNames }[] = [];
afterEach(async () => {
  // The last one standing clears the shared library; the others just close.
  const list = open.splice(0);
  for (const { trove } of list.slice(1)) await trove.close();
  if (list[0]) await destroyTrove(list[0].trove, list[0].names);
});

async function openPair(label: string) {
  const names = freshNames(label);
  const leader = await openTestTrove(names);
  open.push({ trove: leader, names });
  const follower = await openTestTrove(names);
  open.push({ trove: follower, names });
  return { names, leader, follower };
}

/** Every stored vector of a space is in the index under its segment's key, and nothing else is. */
async function indexMatchesStore(trove: Trove, space: Space): Promise<void> {
  const segments = await trove.allSegments();
  const keyOf = new Map(segments.flatMap((s) => s.segments.map((seg) => [seg.id, seg.key] as const)));
  const vectors = await trove.library.vectorsOfSpace(space);
  expect(await trove.indexes[space].size()).toBe(vectors.length);
  for (const v of vectors) {
    const [top] = await trove.indexes[space].search(v.vector, 1);
    expect(top?.id).toBe(keyOf.get(v.segmentId));
  }
}

describe('two tabs on one library', () => {
  it('a follower tab hands its files to the leader and sees the results; nothing is ingested twice', async () => {
    const { leader, follower } = await openPair('tabs-follow');
    expect(leader.tabRole).toBe('leader');
    expect(follower.tabRole).toBe('follower');

    const seenByFollower = nextEvent<{ itemId: string }>(follower, 'item-ready');
    const report = await follower.addFiles([await fixtureFile('image/red-square.png')]);
    expect(report.files[0]!.outcome).toBe('queued');
    const itemId = report.files[0]!.itemId!;
    expect((await seenByFollower).itemId).toBe(itemId);
    expect((await leader.library.getItem(itemId))?.status).toBe('ready');
    // The follower's batch shows the file as done, although the leader did the work.
    await follower.queue.whenIdle();
    expect(follower.queue.snapshot()).toMatchObject({ done: 1, remaining: 0 });
    await indexMatchesStore(follower, 'clip');
    await indexMatchesStore(leader, 'clip');

    // Both tabs add at once, one file the same: one item each, no duplicates, both tabs see all.
    const both = await Promise.all([
      leader.addFiles([await fixtureFile('image/green-field.jpg'), await fixtureFile('text/kite-diary.txt')]),
      follower.addFiles([
        await fixtureFile('image/green-field.jpg'),
        await fixtureFile('image/blue-sky.webp'),
      ]),
    ]);
    const ids = new Set(both.flatMap((r) => r.files.map((f) => f.itemId)));
    expect(ids.size).toBe(3);
    await leader.queue.whenIdle();
    await expect.poll(async () => (await follower.library.listItems({ status: 'ready' })).length).toBe(4);
    expect((await leader.library.counts()).items).toBe(4);
    for (const space of ['clip', 'text'] as const) {
      await expect
        .poll(async () => follower.indexes[space].size())
        .toBe((await follower.library.vectorsOfSpace(space)).length);
      await indexMatchesStore(follower, space);
      await indexMatchesStore(leader, space);
    }

    // A delete in the follower reaches the leader's saved index.
    const removed = nextEvent<{ itemId: string }>(leader, 'item-removed');
    await follower.deleteItem(itemId);
    expect((await removed).itemId).toBe(itemId);
    await indexMatchesStore(leader, 'clip');
  });

  it('takes over when the leader tab closes: it saves the indexes and runs the queue', async () => {
    const { names, leader, follower } = await openPair('tabs-takeover');
    const report = await leader.addFiles([await fixtureFile('image/red-square.png')]);
    await leader.queue.whenIdle();
    const warn = vi.spyOn(console, 'warn');
    await leader.close();
    open.shift();
    // The closed leader's last messages can still be arriving while the follower reopens the saved indexes:
    // each must be applied before or after the reopen, never to an index that is being replaced.
    const late = new BroadcastChannel(`trove:${names.libraryDbName}`);
    const itemReady: LibraryMessage = {
      type: 'item-ready',
      itemId: report.files[0]!.itemId!,
      removedKeys: [],
    };
    const posting = setInterval(() => late.postMessage({ message: itemReady, from: 'closed-leader' }), 5);
    const role = await nextEvent<{ role: string }>(follower, 'tab-role');
    clearInterval(posting);
    late.close();
    expect(role.role).toBe('leader');
    expect(follower.tabRole).toBe('leader');
    await follower.flush();
    const warnings = warn.mock.calls.map((args) => String(args[0]));
    warn.mockRestore();
    expect(warnings).toEqual([]);
    await indexMatchesStore(follower, 'clip');

    await follower.addFiles([await fixtureFile('image/yellow-sun.png')]);
    await follower.queue.whenIdle();
    expect(follower.queue.snapshot()).toMatchObject({ done: 1, failed: 0 });
    await follower.flush();
    await indexMatchesStore(follower, 'clip');

    // Its saved index is the one a new tab restores.
    const third = await openTestTrove(names);
    open.push({ trove: third, names });
    expect(third.tabRole).toBe('follower');
    await indexMatchesStore(third, 'clip');
  });

  it('an import in one tab replaces the library in every tab', async () => {
    const donor = freshNames('tabs-donor');
    const source = await openTestTrove(donor);
    await source.addFiles([
      await fixtureFile('image/blue-sky.webp'),
      await fixtureFile('text/plumbing-notes.md'),
    ]);
    await source.queue.whenIdle();
    const { blob } = await exportLibraryBlob(source.library);
    await destroyTrove(source, donor);

    const { leader, follower } = await openPair('tabs-import');
    await leader.addFiles([await fixtureFile('image/red-square.png')]);
    await leader.queue.whenIdle();
    const replaced = nextEvent<{ reason: string }>(leader, 'library-replaced');
    const report = await follower.importLibrary(blob);
    expect(report.items).toBe(2);
    expect((await replaced).reason).toBe('imported');
    expect((await leader.library.listItems()).map((i) => i.name).sort()).toEqual([
      'blue-sky.webp',
      'plumbing-notes.md',
    ]);
    for (const trove of [leader, follower])
      for (const space of ['clip', 'text'] as const) await indexMatchesStore(trove, space);
  });
});
