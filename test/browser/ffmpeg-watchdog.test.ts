// The ffmpeg worker's watchdog and Cancel. A worker that hangs on marked files (test/support/
// stalling-ffmpeg.worker.ts) stands in for ffmpeg stuck inside its wasm: the job must fail with a reason
// once its budget has passed, the next job must run on a fresh worker, and Cancel must not wait at all.
import { afterEach, describe, expect, it } from 'vitest';
import { MediaDecodeError } from '../../src/ingest/media-error.ts';
import { FfmpegClient } from '../../src/ingest/video/ffmpeg-client.ts';
import type { Trove } from '../../src/trove.ts';
import { fixtureFile } from '../support/media-files.ts';
import { nextStall, spawnStallingFfmpeg, stallingFixture } from '../support/stalling-ffmpeg.ts';
import { destroyTrove, freshNames, openTestTrove, type TroveNames } from '../support/trove-harness.ts';

let clients: FfmpegClient[] = [];
let troves: { trove: Trove; names: TroveNames }[] = [];
afterEach(async () => {
  for (const c of clients) c.terminate();
  for (const { trove, names } of troves) await destroyTrove(trove, names);
  clients = [];
  troves = [];
});

/** Only the floor counts, so the budget of any job on a small fixture is about `floorMs`. */
function stallingClient(floorMs: number): FfmpegClient {
  const client = new FfmpegClient({
    spawn: spawnStallingFfmpeg,
    watchdog: { floorMs, msPerMB: 0, msPerAudioS: 0, msPerMegapixel: 0, msPerScannedS: 0 },
  });
  clients.push(client);
  return client;
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    return { value: await promise, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

describe('the ffmpeg watchdog', () => {
  it('fails a hung job with a reason after its budget, and the next job runs on a fresh worker', async () => {
    const client = stallingClient(2000);
    await client.load(); // the core loads outside any file's budget
    const hung = stallingFixture('video/timeline.mp4', 'hangs.mp4');
    // Queued together: the second waits for the first, and its own budget starts only when it runs.
    const [stalled, next] = await Promise.all([
      settle(client.probe(await hung)),
      settle(client.probe(await fixtureFile('video/timeline.mp4'))),
    ]);
    expect(stalled.error).toBeInstanceOf(MediaDecodeError);
    expect((stalled.error as MediaDecodeError).code).toBe('timed-out');
    expect((stalled.error as MediaDecodeError).message).toMatch(
      /still reading the file after 2\.0 s.*stopped it/,
    );
    expect(stalled.ms).toBeGreaterThanOrEqual(1990);
    expect(next.error).toBeUndefined();
    expect(next.value?.video?.codec).toBe('h264');
    expect(client.restarts).toBe(1);
  });

  it('Cancel stops a hung job at once, without waiting for the watchdog', async () => {
    const client = stallingClient(60_000);
    await client.load();
    const controller = new AbortController();
    const stalled = nextStall();
    const job = settle(
      client.probe(await stallingFixture('video/timeline.mp4', 'hangs.mp4'), { signal: controller.signal }),
    );
    expect(await stalled).toBe('hangs.mp4'); // the worker is spinning now
    const t0 = performance.now();
    controller.abort(new DOMException('Cancelled', 'AbortError'));
    const { error } = await job;
    expect(performance.now() - t0).toBeLessThan(500);
    expect((error as DOMException).name).toBe('AbortError');
    // A job queued behind it is not cancelled with it, and the fresh worker serves it.
    const probe = await client.probe(await fixtureFile('video/timeline.webm'));
    expect(probe.video?.codec).toBe('vp8');
    expect(client.restarts).toBe(1);
  });
});

describe('the ingest queue with a hung ffmpeg', () => {
  async function troveWithStallingFfmpeg(label: string, floorMs: number): Promise<Trove> {
    const names = freshNames(label);
    const trove = await openTestTrove(names, {
      pipeline: { transcribe: false },
      ffmpeg: {
        spawn: spawnStallingFfmpeg,
        watchdog: { floorMs, msPerMB: 0, msPerAudioS: 0, msPerMegapixel: 0, msPerScannedS: 0 },
      },
    });
    troves.push({ trove, names });
    return trove;
  }

  it('fails the hung file with the watchdog reason and ingests the next one', async () => {
    const trove = await troveWithStallingFfmpeg('watchdog-queue', 3000);
    const report = await trove.addFiles([
      await stallingFixture('video/timeline.mp4', 'hangs.mp4'),
      await fixtureFile('video/timeline.webm'),
    ]);
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({ done: 1, failed: 1 });
    const [hung, good] = await Promise.all(report.files.map((f) => trove.library.getItem(f.itemId!)));
    expect(hung!.status).toBe('error');
    expect(hung!.error).toMatchObject({ code: 'timed-out', stage: 'decoding' });
    expect(hung!.error!.message).toMatch(/after 3\.0 s, the limit for a file of its size/);
    expect(good!.status, good!.error?.message).toBe('ready');
    expect((await trove.library.getSegments(good!.id)).some((s) => s.kind === 'frame')).toBe(true);
  });

  it('Cancel returns at once while ffmpeg hangs, and the next file is ingested', async () => {
    const trove = await troveWithStallingFfmpeg('watchdog-cancel', 60_000);
    const stalled = nextStall();
    const report = await trove.addFiles([await stallingFixture('video/timeline.mov', 'hangs.mov')]);
    await stalled; // ffmpeg hangs on it now
    const t0 = performance.now();
    await trove.queue.cancel(report.files[0]!.jobId!);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await trove.library.getItem(report.files[0]!.itemId!)).toBeUndefined();
    const after = await trove.addFiles([await fixtureFile('video/timeline-silent.mp4')]);
    const end = await trove.queue.whenIdle();
    expect(end.failed).toBe(0);
    expect((await trove.library.getItem(after.files[0]!.itemId!))!.status).toBe('ready');
  });
});
