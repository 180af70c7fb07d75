// A reload in the middle of ingesting. Vitest's browser mode cannot reload the test page itself, so the
// reload is simulated the way a closing tab ends things: Trove.close() aborts the work in flight, terminates
// every worker (encoders, ffmpeg, vector index) and closes the database without letting the queue record
// anything more, so the store keeps a job marked running. A new Trove is then opened from IndexedDB and
// OPFS alone. (An end-to-end test that reloads the real page comes with the UI.)
import { afterAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library/library.ts';
import { listOriginals } from '../../src/library/originals.ts';
import type { JobRecord } from '../../src/library/records.ts';
import type { QueueSnapshot, Trove } from '../../src/trove.ts';
import { destroyTrove, freshNames, openTestTrove } from '../support/trove-harness.ts';
import { fixtureFile } from '../support/media-files.ts';

const names = freshNames('reload');
let trove: Trove | null = null;
afterAll(() => destroyTrove(trove, names));

const paths = [
  'image/red-square.png',
  'image/green-field.jpg',
  'image/blue-sky.webp',
  'text/kite-diary.txt',
  'video/timeline.mp4',
  'image/yellow-sun.png',
  'audio/low-hum.wav',
  'text/plumbing-notes.md',
  'image/two-frames.gif',
  'video/timeline-silent.mp4',
];

describe('a reload in the middle of ingesting', () => {
  // Ten files through the real pipeline, twice over.
  it('resumes from the store and finishes with every item exactly once', async () => {
    const files = await Promise.all(paths.map((p) => fixtureFile(p)));
    trove = await openTestTrove(names, { pipeline: { transcribe: false } });
    const first = trove;
    // Close at the first moment two files are done and another is being worked on. "Worked on" means past its
    // start: a file is active a moment before the store marks its job running, and only progress reported by
    // the pipeline comes after that mark.
    let closing: Promise<void> | undefined;
    const crashed = new Promise<QueueSnapshot>((resolve, reject) => {
      // Checked on every job transition (not the throttled 'change' snapshots), so the moment is not missed.
      const check = () => {
        const s = first.queue.snapshot();
        if (closing) return;
        const started = s.active.some((a) => a.stage !== 'reading' || a.stageFraction > 0);
        if (s.done >= 2 && started) {
          closing = first.close();
          resolve(s);
        } else if (s.remaining === 0 && s.total > 0) {
          reject(new Error('The queue finished before the simulated reload'));
        }
      };
      first.queue.addEventListener('job', check);
      first.queue.addEventListener('change', check);
    });
    const report = await first.addFiles(files);
    expect(report.files.every((f) => f.outcome === 'queued')).toBe(true);
    const atCrash = await crashed;
    // The new page starts once the old one is gone (its workers ended, its library lock released).
    await closing;
    trove = null;
    expect(atCrash.done).toBeLessThan(paths.length);

    // What the closed tab left behind: finished jobs done, the interrupted one still marked running.
    const left = await Library.open({ name: names.libraryDbName });
    const jobs: JobRecord[] = await left.listJobs();
    left.close();
    expect(jobs.length).toBe(paths.length);
    expect(jobs.filter((j) => j.state === 'running').length).toBeGreaterThanOrEqual(1);
    expect(jobs.filter((j) => j.state === 'done').length).toBeGreaterThanOrEqual(2);
    expect(jobs.filter((j) => j.state === 'queued' || j.state === 'running').length).toBeGreaterThan(0);

    trove = await openTestTrove(names, { pipeline: { transcribe: false } });
    const resumed = trove.queue.snapshot();
    expect(resumed.total).toBe(paths.length);
    expect(resumed.remaining).toBeGreaterThan(0);
    const end = await trove.queue.whenIdle();
    expect(end).toMatchObject({
      state: 'idle',
      total: paths.length,
      done: paths.length,
      failed: 0,
      remaining: 0,
    });

    // Every file is one item, ready, with exactly its own segments (nothing written twice).
    const items = await trove.library.listItems();
    expect(items.length).toBe(paths.length);
    expect(new Set(items.map((i) => i.sha256)).size).toBe(paths.length);
    expect(items.every((i) => i.status === 'ready')).toBe(true);
    const expected: Record<string, number> = {
      'timeline.mp4': 4, // 3 frames + 1 audio window (transcription is off here)
      'timeline-silent.mp4': 3,
      'low-hum.wav': 1,
    };
    let segmentTotal = 0;
    for (const item of items) {
      const segs = await trove.library.getSegments(item.id);
      expect(segs.length, item.name).toBe(expected[item.name] ?? 1);
      expect(new Set(segs.map((s) => s.key)).size).toBe(segs.length);
      expect((await trove.library.vectorsOfItem(item.id)).length).toBe(segs.length);
      segmentTotal += segs.length;
    }
    expect((await trove.library.counts()).segments).toBe(segmentTotal);
    const jobsAfter = await trove.library.listJobs();
    expect(jobsAfter.length).toBe(paths.length);
    expect(jobsAfter.every((j) => j.state === 'done')).toBe(true);
    // Each job ran once, except the one(s) the reload interrupted, which ran again from the stored original.
    const interrupted = new Set(jobs.filter((j) => j.state === 'running').map((j) => j.id));
    for (const job of jobsAfter) expect(job.attempts, job.input?.name).toBe(interrupted.has(job.id) ? 2 : 1);

    // The vector indexes match the store (rebuilt on open if the crash left them behind).
    for (const space of ['clip', 'clap', 'text'] as const) {
      expect(await trove.indexes[space].size()).toBe(await trove.library.countVectors(space));
    }
    // One stored copy per item: the interrupted run left no stray copy.
    const copies = await listOriginals();
    for (const item of items) expect(copies).toContain(item.source?.kind === 'opfs' ? item.source.path : '');
  });
});
