import { describe, expect, it } from 'vitest';
import type { JobState, OriginalSource } from '../../src/library/records.ts';
import { fileFraction } from '../../src/ingest/stage-weights.ts';
import { entryOf, newJobId, queuedJobFor } from '../../src/ingest/queue/job-entry.ts';
import {
  BatchClock,
  remainingFiles,
  summarize,
  type ActiveFile,
  type BatchState,
} from '../../src/ingest/queue/progress.ts';
import { itemRecord } from '../support/factories.ts';

type Kind = 'image' | 'video' | 'audio' | 'text' | 'unknown';

function entry(id: string, state: JobState, kind: Kind = 'image', size = 1000) {
  return { id, state, kind, size };
}

function active(jobId: string, kind: Kind, stage: ActiveFile['stage'], stageFraction: number): ActiveFile {
  return { jobId, name: `${jobId}.file`, kind, stage, stageFraction };
}

function batch(over: Partial<BatchState>): BatchState {
  return { entries: [], active: [], intakeCount: 0, pause: undefined, running: true, ...over };
}

const at = (now: number) => ({ concurrency: 2, now });

describe('queue snapshot', () => {
  it('counts the batch: finished files by outcome, and queued, running and intake as remaining', () => {
    const entries = [
      entry('a', 'done'),
      entry('b', 'failed'),
      entry('c', 'cancelled'),
      entry('d', 'queued'),
      entry('e', 'running'),
    ];
    const s = summarize(batch({ entries, intakeCount: 2 }), new BatchClock(), at(0));
    expect([s.total, s.done, s.failed, s.cancelled, s.remaining]).toEqual([7, 1, 1, 1, 4]);
    expect(s.state).toBe('running');
    expect(remainingFiles(entries, 2)).toBe(4);
  });

  it('is idle before start() and when nothing is left, and paused whenever a pause reason is set', () => {
    const clock = new BatchClock();
    const waiting = [entry('a', 'queued')];
    expect(summarize(batch({ entries: waiting, running: false }), clock, at(0)).state).toBe('idle');
    expect(summarize(batch({ entries: [entry('a', 'done')] }), clock, at(0)).state).toBe('idle');
    const pause = { code: 'quota', message: 'full' } as const;
    const paused = summarize(batch({ entries: [entry('a', 'done')], pause }), clock, at(0));
    expect(paused.state).toBe('paused');
    expect(paused.pause).toEqual(pause);
  });

  it('counts finished files whole and active files by their weighted stage', () => {
    const entries = [entry('a', 'done'), entry('b', 'running'), entry('c', 'queued'), entry('d', 'failed')];
    const s = summarize(
      batch({ entries, active: [active('b', 'image', 'embedding', 0.5)] }),
      new BatchClock(),
      at(0),
    );
    const b = fileFraction('image', 'embedding', 0.5);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(1);
    expect(s.active).toEqual([{ ...active('b', 'image', 'embedding', 0.5), fraction: b }]);
    expect(s.fraction).toBeCloseTo((2 + b) / 4, 10);
  });

  it('reports an empty batch as complete, with nothing left to wait for', () => {
    const s = summarize(batch({}), new BatchClock(), at(0));
    expect([s.total, s.remaining, s.fraction, s.etaS]).toEqual([0, 0, 1, 0]);
  });
});

describe('queue ETA', () => {
  it('is unknown until a file of the batch has finished', () => {
    const s = summarize(batch({ entries: [entry('a', 'queued')] }), new BatchClock(), at(0));
    expect(s.etaS).toBeNull();
  });

  it('divides the work left by how many files really ran at once (busy time over wall time)', () => {
    const clock = new BatchClock();
    clock.start(0);
    clock.finished('image', 1000, 2);
    clock.finished('image', 1000, 2);
    const entries = [entry('a', 'done'), entry('b', 'done'), entry('c', 'running'), entry('d', 'queued')];
    const state = batch({ entries, active: [active('c', 'image', 'writing', 0)] });
    const c = fileFraction('image', 'writing', 0);
    // 4 s of work in 2 s of wall time: two at once. Left: 2 s of d and (1 - c)·2 s of c.
    expect(summarize(state, clock, at(2000)).etaS).toBeCloseTo((2 + (1 - c) * 2) / 2, 6);
    // The same work over 4 s of wall time ran one at a time; never more than `concurrency` at once.
    expect(summarize(state, clock, at(4000)).etaS).toBeCloseTo(2 + (1 - c) * 2, 6);
    expect(summarize(state, clock, { concurrency: 1, now: 2000 }).etaS).toBeCloseTo(2 + (1 - c) * 2, 6);
  });

  it('stops the wall clock while nothing runs, and forgets everything for a new batch', () => {
    const clock = new BatchClock();
    clock.start(0);
    clock.finished('image', 1000, 2);
    clock.finished('image', 1000, 2);
    clock.stop(2000);
    const state = batch({ entries: [entry('d', 'queued')] });
    // Stopped at 2 s: an hour later it still ran two at once.
    expect(summarize(state, clock, at(3_600_000)).etaS).toBeCloseTo(1, 6);
    clock.reset();
    expect(summarize(state, clock, at(3_600_000)).etaS).toBeNull();
  });

  it('counts files waiting for intake as files of unknown kind, at the mean time per file', () => {
    const clock = new BatchClock();
    clock.finished('video', 1_000_000, 6);
    clock.finished('image', 1000, 2);
    expect(summarize(batch({ intakeCount: 1 }), clock, at(0)).etaS).toBeCloseTo(4, 6);
  });
});

describe('job records', () => {
  it('makes job ids that sort in the order they were made', () => {
    const ids = Array.from({ length: 50 }, () => newJobId());
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });

  it('makes one queued job for an item, from its stored original', () => {
    const source: OriginalSource = { kind: 'opfs', path: 'originals/x' };
    const item = itemRecord('item-1', {
      name: 'clip.mp4',
      folderId: 'folder-1',
      folderPath: 'trips',
      kind: 'video',
      mime: 'video/mp4',
      size: 1234,
      status: 'error',
    });
    const job = queuedJobFor(item, source);
    expect(job).toMatchObject({
      itemId: 'item-1',
      state: 'queued',
      attempts: 0,
      kind: 'video',
      size: 1234,
      input: { name: 'clip.mp4', folderPath: 'trips', folderId: 'folder-1', source },
    });
    expect(job.createdAt).toBe(job.updatedAt);
    const row = entryOf(job);
    expect([row.name, row.kind, row.size, row.retryable]).toEqual(['clip.mp4', 'video', 1234, true]);
  });

  it('shows a refused file (no stored original) by its name, and as not retryable', () => {
    const row = entryOf({
      id: 'j',
      itemId: 'i',
      name: 'broken.bin',
      state: 'failed',
      attempts: 0,
      createdAt: 0,
      updatedAt: 0,
    });
    expect([row.name, row.kind, row.size, row.retryable]).toEqual(['broken.bin', 'unknown', 0, false]);
  });
});
