// How the page's main thread spent the time of a long task: running, or runnable but waiting for a CPU.
// The Long Tasks API measures wall time, so on a machine with more runnable threads than cores (2 cores
// here, shared with other work, and the app's own workers beside the page) a task of 10 ms of work can
// last a second. The kernel's schedstat for the renderer's main thread (/proc/<pid>/task/<pid>/schedstat:
// ns on a CPU, ns waiting for one), sampled around each task, tells the two apart, so a test can hold the
// page to what it controls: the work it does in one task.
//
// The samples are taken in a thread of their own: the test's event loop is busy with the DevTools traffic
// of the memory watch and would space them out.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

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
/** Room for 20 minutes of samples, three numbers each: epoch ms, ms on a CPU, ms waiting for one. */
const CAPACITY = (20 * 60 * 1000) / INTERVAL_MS;

// Runs in the sampling thread: writes samples after the count in slot 0, then the count.
const sampler = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pid, buffer, capacity, interval } = workerData;
const data = new Float64Array(buffer, 8);
const count = new Int32Array(buffer, 0, 1);
function sample() {
  const n = Atomics.load(count, 0);
  if (n >= capacity) return;
  try {
    const [cpu, wait] = readFileSync('/proc/' + pid + '/task/' + pid + '/schedstat', 'utf8').split(' ').map(Number);
    data.set([performance.timeOrigin + performance.now(), cpu / 1e6, wait / 1e6], n * 3);
    Atomics.store(count, 0, n + 1);
  } catch {
    // The renderer has gone; the test that watches it fails on its own.
  }
}
sample();
setInterval(sample, interval);
`;

export class MainThreadClock {
  private buffer = new SharedArrayBuffer(8 + CAPACITY * 3 * 8);
  private worker: Worker;

  private constructor(pid: number) {
    this.worker = new Worker(sampler, {
      eval: true,
      workerData: { pid, buffer: this.buffer, capacity: CAPACITY, interval: INTERVAL_MS },
    });
  }

  /** Samples the main thread of the renderer that runs the page's workers (the one with the most). */
  static start(rendererPids: number[]): MainThreadClock {
    const workerThreads = (pid: number) => {
      try {
        return readdirSync(`/proc/${pid}/task`).filter((tid) =>
          readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('DedicatedWorker'),
        ).length;
      } catch {
        return -1;
      }
    };
    const pid = [...rendererPids].sort((a, b) => workerThreads(b) - workerThreads(a))[0];
    if (pid === undefined) throw new Error('no renderer process to watch');
    return new MainThreadClock(pid);
  }

  /** Stops sampling, after one more sample so the last task is bracketed. */
  async stop(): Promise<void> {
    const count = this.count();
    const deadline = Date.now() + 1_000;
    while (this.count() === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await this.worker.terminate();
  }

  /** The longest time between two samples: how far a task's span can reach beyond the task. */
  largestGapMs(): number {
    const samples = this.samples();
    let gap = 0;
    for (let i = 1; i < samples.length; i++) gap = Math.max(gap, samples[i]!.at - samples[i - 1]!.at);
    return gap;
  }

  /** The main thread's time around a task that ran over the epoch span [start, end]. */
  during(start: number, end: number): TaskTime {
    const samples = this.samples();
    if (samples.length === 0) throw new Error('the main thread was never sampled');
    const before = samples.findLast((s) => s.at <= start) ?? samples[0]!;
    const after = samples.find((s) => s.at >= end) ?? samples[samples.length - 1]!;
    return {
      spanMs: after.at - before.at,
      cpuMs: Math.min(end - start, after.cpuMs - before.cpuMs),
      waitMs: after.waitMs - before.waitMs,
    };
  }

  private count(): number {
    return Atomics.load(new Int32Array(this.buffer, 0, 1), 0);
  }

  private samples(): { at: number; cpuMs: number; waitMs: number }[] {
    const data = new Float64Array(this.buffer, 8);
    return Array.from({ length: this.count() }, (_, i) => ({
      at: data[i * 3]!,
      cpuMs: data[i * 3 + 1]!,
      waitMs: data[i * 3 + 2]!,
    }));
  }
}
