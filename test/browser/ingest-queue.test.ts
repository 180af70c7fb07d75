// The ingest queue's controls and failure handling, through the Trove facade on the real pipeline: cancel
// (queued and running), retry, a storage quota error, and deleting an item without a trace.
import { afterEach, describe, expect, it } from 'vitest';
import { EncoderError } from '../../src/encoders/protocol.ts';
import { freshOriginals } from '../../src/library/fresh-originals.ts';
import { deleteOriginal } from '../../src/library/originals.ts';
import type { PauseReason, Trove } from '../../src/trove.ts';
import {
  destroyTrove,
  freshNames,
  nextEvent,
  openTestTrove,
  type TroveNames,
} from '../support/trove-harness.ts';
import { distinctPhotos, fixtureFile } from '../support/media-files.ts';
import { storedCopiesOf } from '../support/stored-copies.ts';

let open: { trove: Trove; names: TroveNames }[] = [];
afterEach(async () => {
  for (const { trove, names } of open) await destroyTrove(trove, names);
  open = [];
});

async function fresh(label: string): Promise<Trove> {
  const names = freshNames(label);
  const trove = await openTestTrove(names, { pipeline: { transcribe: false } });
  open.push({ trove, names });
  return trove;
}

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('the ingest queue', () => {
  it('cancels a queued file: its item and stored copy are gone, the others are ingested', async () => {
    const trove = await fresh('cancel-queued');
    trove.queue.pause();
    const files = await Promise.all(
      ['image/red-square.png', 'image/green-field.jpg', 'image/blue-sky.webp'].map((p) => fixtureFile(p)),
    );
    // Intake goes on while paused, so every file is recorded and queued.
    const report = await trove.addFiles(files);
    expect(report.files.map((f) => f.outcome)).toEqual(['queued', 'queued', 'queued']);
    const victim = report.files[1]!;
    expect(await storedCopiesOf(files[1]!)).toBe(1);
    await trove.queue.cancel(victim.jobId!);
    expect(await trove.library.getItem(victim.itemId!)).toBeUndefined();
    // Its bytes are gone from OPFS; the files taken in with it (in the same pack) are still there.
    expect(await storedCopiesOf(files[1]!)).toBe(0);
    expect(await storedCopiesOf(files[0]!)).toBe(1);
    expect(await storedCopiesOf(files[2]!)).toBe(1);
    trove.queue.resume();
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ total: 3, done: 2, cancelled: 1, failed: 0, remaining: 0 });
    expect((await trove.queue.jobs()).find((j) => j.id === victim.jobId)?.state).toBe('cancelled');
    expect((await trove.library.listItems()).map((i) => i.name).sort()).toEqual([
      'blue-sky.webp',
      'red-square.png',
    ]);
  });

  it('cancels a running video mid-frames and everything still queued (cancel all)', async () => {
    const trove = await fresh('cancel-running');
    const files = await Promise.all(
      ['video/timeline.mp4', 'video/timeline.webm', 'text/kite-diary.txt'].map((p) => fixtureFile(p)),
    );
    const inFrames = nextEvent(trove.queue, 'change', (s: { active: { stage: string }[] }) =>
      s.active.some((a) => a.stage === 'frames'),
    );
    const report = await trove.addFiles(files);
    await inFrames;
    await trove.queue.cancelAll();
    const end = await trove.queue.whenIdle();
    expect(end.remaining).toBe(0);
    expect(end.active).toEqual([]);
    const jobs = await trove.queue.jobs();
    // The video being worked on was stopped, not finished.
    const mp4 = jobs.find((j) => j.id === report.files[0]!.jobId)!;
    expect(mp4.state).toBe('cancelled');
    for (const j of jobs) expect(['cancelled', 'done']).toContain(j.state);
    const counts = await trove.library.counts();
    const done = jobs.filter((j) => j.state === 'done').length;
    expect(counts.items).toBe(done);
    for (const space of ['clip', 'clap', 'text'] as const) {
      expect(await trove.indexes[space].size()).toBe(await trove.library.countVectors(space));
    }
  });

  it('retries a failed file from its stored original', async () => {
    const trove = await fresh('retry');
    // One encoder failure, as a crashed model run would give.
    const clip = trove.encoders.clip;
    const real = clip.embedImages.bind(clip);
    let failures = 1;
    clip.embedImages = (images) =>
      failures-- > 0 ? Promise.reject(new EncoderError('simulated encoder failure')) : real(images);
    const report = await trove.addFiles([await fixtureFile('image/yellow-sun.png')]);
    const jobId = report.files[0]!.jobId!;
    let end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ failed: 1, done: 0 });
    const failed = (await trove.queue.jobs())[0]!;
    expect(failed).toMatchObject({ id: jobId, state: 'failed', retryable: true, attempts: 1 });
    expect(failed.error).toMatchObject({ code: 'encoder-failed', stage: 'embedding' });
    expect((await trove.library.getItem(report.files[0]!.itemId!))!.status).toBe('error');

    await trove.queue.retry(jobId);
    end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ failed: 0, done: 1 });
    expect((await trove.queue.jobs())[0]).toMatchObject({ state: 'done', attempts: 2 });
    const item = (await trove.library.getItem(report.files[0]!.itemId!))!;
    expect(item.status).toBe('ready');
    expect(item.error).toBeUndefined();
    expect((await trove.library.getSegments(item.id)).length).toBe(1);
  });

  it('decodes a photo just taken in from the bytes it was read with, not its stored copy', async () => {
    const trove = await fresh('fresh-bytes');
    trove.queue.pause(); // intake goes on; ingest waits
    const report = await trove.addFiles([
      await fixtureFile('image/rotated-exif.jpg'),
      await fixtureFile('image/red-square.png'),
    ]);
    await trove.queue.whenIdle();
    const [held, letGo] = await Promise.all(report.files.map((f) => trove.library.getItem(f.itemId!)));
    // With the stored copies gone, only the bytes held since intake can give a photo.
    for (const item of [held!, letGo!]) await deleteOriginal(item.source!);
    expect(freshOriginals.take(letGo!.id)).toBeInstanceOf(ArrayBuffer);
    trove.queue.resume();
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ done: 1, failed: 1 });
    const ready = (await trove.library.getItem(held!.id))!;
    expect(ready.status).toBe('ready');
    expect(ready.media).toEqual({ width: 96, height: 128 }); // upright, from EXIF orientation
    expect((await trove.library.getSegments(ready.id)).length).toBe(1);
    expect((await trove.library.getItem(letGo!.id))!.status).toBe('error');
  });

  it('pauses on a quota error while writing results, loses nothing, and finishes after resume', async () => {
    const trove = await fresh('quota-write');
    // Storage cannot be made to fill up on demand here (navigator.storage's quota cannot be shrunk), so
    // the error is injected where storage is written: the one-transaction write of an item's results
    // (one item, or a batch of images).
    const lib = trove.library;
    const write = lib.writeItemResults.bind(lib);
    const writeMany = lib.writeManyItemResults.bind(lib);
    let full = true;
    lib.writeItemResults = (id, results) => (full ? Promise.reject(quota()) : write(id, results));
    lib.writeManyItemResults = (entries) => (full ? Promise.reject(quota()) : writeMany(entries));
    const paused = nextEvent<PauseReason>(trove.queue, 'paused');
    const report = await trove.addFiles(
      await Promise.all(
        ['image/red-square.png', 'image/green-field.jpg', 'text/kite-diary.txt'].map((p) => fixtureFile(p)),
      ),
    );
    const reason = await paused;
    expect(reason.code).toBe('quota');
    expect(reason.message).toMatch(/Storage is full.*Nothing was lost/);
    const stopped = await trove.queue.whenIdle();
    expect(stopped.state).toBe('paused');
    expect(stopped.pause?.code).toBe('quota');
    // Nothing half-written: the files are still pending, their jobs queued (not failed), no segments.
    for (const f of report.files) {
      expect((await lib.getItem(f.itemId!))!.status).toBe('pending');
      expect((await lib.getJob(f.jobId!))!.state).toBe('queued');
      expect(await lib.getSegments(f.itemId!)).toEqual([]);
    }
    expect(stopped.failed).toBe(0);

    full = false;
    trove.queue.resume();
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ state: 'idle', done: 3, failed: 0 });
    for (const f of report.files) expect((await lib.getItem(f.itemId!))!.status).toBe('ready');
  });

  it('pauses on a quota error while taking a file in, keeps no stray copy, and takes it in after resume', async () => {
    const trove = await fresh('quota-intake');
    const lib = trove.library;
    const add = lib.addItemWithJob.bind(lib);
    let full = true;
    lib.addItemWithJob = (item, job) => (full ? Promise.reject(quota()) : add(item, job));
    const file = await fixtureFile('image/green-field.jpg');
    const paused = nextEvent<PauseReason>(trove.queue, 'paused');
    const adding = trove.addFiles([file]);
    expect((await paused).code).toBe('quota');
    expect(await storedCopiesOf(file)).toBe(0);
    expect(trove.queue.snapshot()).toMatchObject({ state: 'paused', total: 1, remaining: 1 });
    full = false;
    trove.queue.resume();
    const report = await adding;
    expect(report.files[0]!.outcome).toBe('queued');
    expect(await trove.queue.whenIdle()).toMatchObject({ done: 1, failed: 0 });
  });

  it('takes the same content offered twice in one add (taken in together) as one item, keeping one copy', async () => {
    const trove = await fresh('same-twice');
    trove.queue.pause();
    const blob = await fixtureFile('image/green-field.jpg');
    const files = [
      new File([blob], 'first.jpg'),
      await fixtureFile('image/red-square.png'),
      new File([blob], 'again.jpg'),
    ];
    const report = await trove.addFiles(files);
    expect(report.files.map((f) => f.outcome)).toEqual(['queued', 'queued', 'duplicate']);
    expect(report.files[2]!.itemId).toBe(report.files[0]!.itemId);
    expect((await trove.library.listItems()).map((i) => i.name).sort()).toEqual([
      'first.jpg',
      'red-square.png',
    ]);
    expect((await trove.library.listJobs()).length).toBe(2);
    expect(await storedCopiesOf(blob)).toBe(1);
    expect(await storedCopiesOf(files[1]!)).toBe(1);
    trove.queue.resume();
    expect(await trove.queue.whenIdle()).toMatchObject({ done: 2, failed: 0 });
  });

  it("forgets a finished batch's job records when the next batch starts, keeping its items", async () => {
    const trove = await fresh('next-batch');
    const first = await trove.addFiles(
      await Promise.all(['image/red-square.png', 'image/green-field.jpg'].map((p) => fixtureFile(p))),
    );
    expect(await trove.queue.whenIdle()).toMatchObject({ done: 2, failed: 0 });
    expect((await trove.library.listJobs()).map((j) => j.state)).toEqual(['done', 'done']);
    const second = await trove.addFiles([await fixtureFile('image/blue-sky.webp')]);
    expect(await trove.queue.whenIdle()).toMatchObject({ total: 1, done: 1 });
    expect((await trove.library.listJobs()).map((j) => j.id)).toEqual([second.files[0]!.jobId]);
    for (const f of first.files) expect((await trove.library.getItem(f.itemId!))!.status).toBe('ready');
  });

  it('deletes an item without a trace: store, vector indexes, thumbnails, jobs and stored copy', async () => {
    const names = freshNames('delete');
    let trove = await openTestTrove(names, { pipeline: { transcribe: false } });
    open.push({ trove, names });
    const [videoFile, imageFile] = await Promise.all(
      ['video/timeline.mp4', 'image/red-square.png'].map((p) => fixtureFile(p)),
    );
    const report = await trove.addFiles([videoFile!, imageFile!]);
    await trove.queue.whenIdle();
    const [videoId, imageId] = report.files.map((f) => f.itemId!) as [string, string];
    expect(await storedCopiesOf(videoFile!)).toBe(1);
    const segments = await trove.library.getSegments(videoId);
    const keys = segments.map((s) => s.key!);
    const vectors = await trove.library.vectorsOfItem(videoId);
    expect(segments.length).toBe(4);
    expect((await trove.library.thumbnailsOfItem(videoId)).length).toBe(3);
    const sizes = async () => ({
      clip: await trove.indexes.clip.size(),
      clap: await trove.indexes.clap.size(),
    });
    const before = await sizes();
    const removedEvent = nextEvent<{ itemId: string; keys: number[] }>(trove, 'item-removed');

    expect(await trove.deleteItem(videoId)).toBe(true);
    const removed = await removedEvent;
    expect(removed.itemId).toBe(videoId);
    expect([...removed.keys].sort()).toEqual([...keys].sort());

    const noTrace = async (t: Trove) => {
      expect(await t.library.getItem(videoId)).toBeUndefined();
      expect(await t.library.getSegments(videoId)).toEqual([]);
      expect(await t.library.vectorsOfItem(videoId)).toEqual([]);
      expect(await t.library.thumbnailsOfItem(videoId)).toEqual([]);
      expect((await t.library.listJobs()).filter((j) => j.itemId === videoId)).toEqual([]);
      for (const k of keys) expect(await t.library.segmentByKey(k)).toBeUndefined();
      expect(await storedCopiesOf(videoFile!)).toBe(0);
      expect(await storedCopiesOf(imageFile!)).toBe(1);
      expect(await t.indexes.clip.size()).toBe(before.clip - 3);
      expect(await t.indexes.clap.size()).toBe(before.clap - 1);
      for (const v of vectors) {
        const hits = await t.indexes[v.space].search(v.vector, 50);
        for (const h of hits) expect(keys).not.toContain(h.id);
      }
      // The other item is untouched.
      expect((await t.library.getItem(imageId))!.status).toBe('ready');
      expect((await t.library.getSegments(imageId)).length).toBe(1);
    };
    await noTrace(trove);

    // Still no trace after a reload: the saved indexes agree with the store and need no rebuild.
    await trove.flush();
    await trove.close();
    trove = await openTestTrove(names, { pipeline: { transcribe: false } });
    open[open.length - 1] = { trove, names };
    expect(trove.opened.rebuilt).toEqual([]);
    await noTrace(trove);
  });
});

describe('batches of images', () => {
  it('while one batch is in the encoder, the next waits for half a batch instead of taking files one by one', async () => {
    const trove = await fresh('image-batches');
    const clip = trove.encoders.clip;
    const embed = clip.embedImages.bind(clip);
    const sizes: number[] = [];
    // The first batch is held in the encoder until the files after it are queued (a spy on the real encoder).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let second!: () => void;
    const secondCall = new Promise<void>((r) => (second = r));
    clip.embedImages = async (images, urgency) => {
      sizes.push(images.length);
      if (sizes.length === 1) await held;
      if (sizes.length === 2) second();
      return embed(images, urgency);
    };
    const inEncoder = nextEvent(trove.queue, 'change', (s: { active: { stage: string }[] }) =>
      s.active.some((a) => a.stage === 'embedding'),
    );
    await trove.addFiles(await distinctPhotos(1, 'photo', 0));
    await inEncoder;
    // Three files arrive while the first is in the encoder: fewer than half a batch (16), so they wait.
    await trove.addFiles(await distinctPhotos(3, 'photo', 1));
    // Five more: eight waiting, half a batch; they go together.
    await trove.addFiles(await distinctPhotos(5, 'photo', 4));
    await secondCall;
    release();
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ done: 9, failed: 0, remaining: 0 });
    expect(sizes).toEqual([1, 8]);
  });
});
