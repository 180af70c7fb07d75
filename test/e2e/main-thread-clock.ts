// How the page's main thread spent the time of a long task: running, or runnable but waiting for a CPU.
// The Long Tasks API measures wall time, so on a machine with more runnable threads than cores (2 cores
// here, shared with other work, and the app's own workers beside the page) a task of 10 ms of work can
// last a second. The kernel's schedstat for the renderer's main thread (/proc/<pid>/task/<pid>/schedstat:
// ns on a CPU, ns waiting for one), sampled around each task, tells the two apart, so a test can hold the
// page to what it controls: the work it does in one task.
//
// Which renderer runs the page is found by asking it to work: the browser may run other renderers (a
// sandboxed frame, a spare process) with as many threads, and watching the wrong one would see no work
// at all. So every renderer is sampled, and the one whose main thread ran during a busy task of the page
// is the one read.
//
// The samples are taken in a thread of their own: the test's event loop is busy with the DevTools traffic
// of the memory watch and would space them out.
import { Worker } from 'node:worker_threads';
import type { Page } from '@playwright/test';
import { rendererPids } from './memory-watch.ts';

/**
 * The main thread's time from the last sample before a task to the first after it: at least the task's
 * own, so cpuMs is an upper bound of the task's work (capped at its wall time).
 */
export interface TaskTime {
  spanMs: number;
  /** On a CPU. */
  cpuMs: number;
  /** Runnable, waiting for a CPU. */
  waitMs: number;
}

const INTERVAL_MS = 10;
/** Room for 20 minutes of samples. */
const CAPACITY = (20 * 60 * 1000) / INTERVAL_MS;
/** The busy task that finds the page's renderer: long enough to stand out on a loaded machine. */
const PROBE_MS = 150;

// Runs in the sampling thread: a sample is the epoch ms, then ms on a CPU and ms waiting for one for each
// pid (NaN once it has gone); samples go after the count in slot 0, then the count is raised.
const sampler = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pids, buffer, capacity, interval } = workerData;
const width = 1 + 2 * pids.length;
const data = new Float64Array(buffer, 8);
const count = new Int32Array(buffer, 0, 1);
function sample() {
  const n = Atomics.load(count, 0);
  if (n >= capacity) return;
  const row = [performance.timeOrigin + performance.now()];
  for (const pid of pids) {
    try {
      const [cpu, wait] = readFileSync('/proc/' + pid + '/task/' + pid + '/schedstat', 'utf8').split(' ').map(Number);
      row.push(cpu / 1e6, wait / 1e6);
    } catch {
      row.push(NaN, NaN);
    }
  }
  data.set(row, n * width);
  Atomics.store(count, 0, n + 1);
}
sample();
setInterval(sample, interval);
`;

interface Sample {
  at: number;
  cpuMs: number;
  waitMs: number;
}

export class MainThreadClock {
  private buffer: SharedArrayBuffer;
  private worker: Worker;
  /** The index in `pids` of the page's renderer, once found. */
  private page = -1;

  private constructor(private pids: number[]) {
    this.buffer = new SharedArrayBuffer(8 + CAPACITY * 8 * (1 + 2 * pids.length));
    this.worker = new Worker(sampler, {
      eval: true,
      workerData: { pids, buffer: this.buffer, capacity: CAPACITY, interval: INTERVAL_MS },
    });
  }

  /** Starts sampling the main thread of the renderer that runs `page`, after finding which one it is. */
  static async start(page: Page): Promise<MainThreadClock> {
    const pids = await rendererPids(page);
    if (pids.length === 0) throw new Error('no renderer process to watch');
    const clock = new MainThreadClock(pids);
    await clock.nextSample();
    const from = Date.now();
    // In a task of the page's own, as the tasks the clock will be asked about.
    await page.evaluate(
      (ms) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            const end = performance.now() + ms;
            while (performance.now() < end);
            resolve();
          }),
        ),
      PROBE_MS,
    );
    const to = Date.now();
    await clock.nextSample();
    const ran = pids.map((_, i) => {
      const t = clock.during(from, to, i);
      return Number.isNaN(t.cpuMs) ? 0 : t.cpuMs;
    });
    const best = ran.indexOf(Math.max(...ran));
    const others = ran.filter((_, i) => i !== best);
    // On a loaded machine the probe may get a fraction of a CPU, but its renderer still stands out.
    if (ran[best]! < 10 || others.some((ms) => ms > ran[best]! / 2)) {
      await clock.worker.terminate();
      throw new Error(
        `no renderer's main thread stood out while the page was busy for ${PROBE_MS} ms: ` +
          pids.map((pid, i) => `${pid} ran ${ran[i]!.toFixed(0)} ms`).join(', '),
      );
    }
    clock.page = best;
    return clock;
  }

  /** Stops sampling, after one more sample so the last task is bracketed. */
  async stop(): Promise<void> {
    await this.nextSample();
    await this.worker.terminate();
  }

  /** The longest time between two samples: how far a task's span can reach beyond the task. */
  largestGapMs(): number {
    const samples = this.samples(this.page);
    let gap = 0;
    for (let i = 1; i < samples.length; i++) gap = Math.max(gap, samples[i]!.at - samples[i - 1]!.at);
    return gap;
  }

  /** The page's main thread's time around a task that ran over the epoch span [start, end]. */
  during(start: number, end: number, which = this.page): TaskTime {
    const samples = this.samples(which);
    if (samples.length === 0) throw new Error('the main thread was never sampled');
    const before = samples.findLast((s) => s.at <= start) ?? samples[0]!;
    const after = samples.find((s) => s.at >= end) ?? samples[samples.length - 1]!;
    return {
      spanMs: after.at - before.at,
      cpuMs: Math.min(end - start, after.cpuMs - before.cpuMs),
      waitMs: after.waitMs - before.waitMs,
    };
  }

  private async nextSample(): Promise<void> {
    const count = this.count();
    const deadline = Date.now() + 1_000;
    while (this.count() === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }

  private count(): number {
    return Atomics.load(new Int32Array(this.buffer, 0, 1), 0);
  }

  private samples(which: number): Sample[] {
    if (which < 0) throw new Error('the page’s renderer was not found');
    const width = 1 + 2 * this.pids.length;
    const data = new Float64Array(this.buffer, 8);
    return Array.from({ length: this.count() }, (_, i) => ({
      at: data[i * width]!,
      cpuMs: data[i * width + 1 + 2 * which]!,
      waitMs: data[i * width + 2 + 2 * which]!,
    }));
  }
}
