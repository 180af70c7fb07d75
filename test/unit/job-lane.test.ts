import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobLane } from '../../src/encoders/job-lane.ts';

/** A job that finishes when the test says so, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return {
    open,
    run: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return name;
    },
  };
}

afterEach(() => vi.useRealTimers());

describe('JobLane', () => {
  it('runs one job at a time, urgent jobs before queued ordinary ones', async () => {
    const lane = new JobLane();
    const log: string[] = [];
    const a = gate(log, 'ingest-1');
    const b = gate(log, 'ingest-2');
    const q = gate(log, 'query');
    const done = [lane.add(a.run), lane.add(b.run), lane.add(q.run, 'urgent')];
    await Promise.resolve();
    expect(log).toEqual(['start ingest-1']);
    expect(lane.size).toBe(3);
    a.open();
    q.open();
    b.open();
    expect(await Promise.all(done)).toEqual(['ingest-1', 'ingest-2', 'query']);
    // The query, queued last, went ahead of the ingest job that was waiting.
    expect(log).toEqual([
      'start ingest-1',
      'end ingest-1',
      'start query',
      'end query',
      'start ingest-2',
      'end ingest-2',
    ]);
    expect(lane.size).toBe(0);
  });

  it('passes a failure to its caller and goes on with the next job', async () => {
    const lane = new JobLane();
    const failing = lane.add(() => Promise.reject(new Error('model failed')));
    const next = lane.add(async () => 'next');
    await expect(failing).rejects.toThrow('model failed');
    await expect(next).resolves.toBe('next');
  });

  it('calls onIdle after the idle time without jobs, and not while jobs keep coming', async () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const lane = new JobLane({ ms: 60_000, onIdle });
    await lane.add(async () => 1);
    await vi.advanceTimersByTimeAsync(59_000);
    await lane.add(async () => 2);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('never calls onIdle while a long job runs', async () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const lane = new JobLane({ ms: 1_000, onIdle });
    const log: string[] = [];
    const long = gate(log, 'long');
    const running = lane.add(long.run);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(onIdle).not.toHaveBeenCalled();
    long.open();
    await running;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});
