import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobLane, MAX_HOLD_MS } from '../../src/encoders/job-lane.ts';
import { QueryGate } from '../../src/encoders/query-gate.ts';

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

  it('starts no ordinary job while a query holds the gate, and goes on once it ends', async () => {
    const queries = new QueryGate();
    const lane = new JobLane(undefined, queries);
    const log: string[] = [];
    const query = gate(log, 'query');
    const querying = queries.during(query.run);
    const ingest = lane.add(async () => log.push('ingest') && 'ingest');
    await Promise.resolve();
    expect(log).toEqual(['start query']);
    query.open();
    await querying;
    expect(await ingest).toBe('ingest');
    expect(log).toEqual(['start query', 'end query', 'ingest']);
  });

  it('lets an ordinary job already running finish, and an urgent one through, while held', async () => {
    const queries = new QueryGate();
    const lane = new JobLane(undefined, queries);
    const log: string[] = [];
    const batch = gate(log, 'batch');
    const running = lane.add(batch.run);
    const queued = lane.add(async () => log.push('next batch') && 'next');
    const query = gate(log, 'query');
    const querying = queries.during(query.run);
    batch.open();
    await running;
    // The lane is parked; a query's own job on this worker (an image query) still runs.
    await expect(lane.add(async () => 'image query', 'urgent')).resolves.toBe('image query');
    expect(log).toEqual(['start batch', 'start query', 'end batch']);
    query.open();
    await querying;
    await expect(queued).resolves.toBe('next');
  });

  it('waits for a query at most MAX_HOLD_MS, then runs one ordinary job', async () => {
    vi.useFakeTimers();
    const queries = new QueryGate();
    const lane = new JobLane(undefined, queries);
    const log: string[] = [];
    const hung = gate(log, 'hung query');
    void queries.during(hung.run);
    const first = lane.add(async () => log.push('ingest-1') && 1);
    const second = lane.add(async () => log.push('ingest-2') && 2);
    await vi.advanceTimersByTimeAsync(MAX_HOLD_MS - 1);
    expect(log).toEqual(['start hung query']);
    await vi.advanceTimersByTimeAsync(1);
    await expect(first).resolves.toBe(1);
    // Still held: the next one waits its own turn.
    expect(log).toEqual(['start hung query', 'ingest-1']);
    await vi.advanceTimersByTimeAsync(MAX_HOLD_MS);
    await expect(second).resolves.toBe(2);
    hung.open();
  });
});
