// How busy and how fast this machine is while a bench runs: it shares its host, so every figure needs both.
import { cpus } from 'node:os';

/** Busy and total CPU time of the whole machine so far (all cores), in ms, with the time it was read. */
export function cpuTimes(): { at: number; busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { at: Date.now(), busy, total };
}

/**
 * Waits until the machine's cores have been nearly idle for a second (at most `limitMs`), and returns the
 * seconds waited. After the warm-up, V8 goes on optimizing onnxruntime-web's WASM in the background for tens
 * of seconds (one core fully busy); a run timed during that measures the compile, not the pipeline.
 */
export async function waitForQuietMachine(limitMs = 180_000): Promise<number> {
  const start = Date.now();
  let last = cpuTimes();
  let quietSince: number | undefined;
  while (Date.now() - start < limitMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuTimes();
    const share = (now.busy - last.busy) / Math.max(1, now.total - last.total);
    last = now;
    if (share >= 0.15) quietSince = undefined;
    else if ((quietSince ??= now.at) <= now.at - 1000) break;
  }
  return (Date.now() - start) / 1000;
}

/**
 * Milliseconds a fixed single-threaded JavaScript workload takes on the bench's own process. The machine's
 * speed drifts by up to twice from one minute to the next (it shares its host), so each row says how fast
 * the machine was just before it ran: lower is faster.
 */
export function speedProbe(): number {
  const t0 = performance.now();
  const a = new Float64Array(1 << 20);
  let x = 0;
  for (let r = 0; r < 20; r++) {
    for (let i = 0; i < a.length; i++) {
      a[i] = a[(i * 7919) & (a.length - 1)]! * 0.5 + i;
      x += a[i]!;
    }
  }
  if (!Number.isFinite(x)) throw new Error('speed probe overflowed');
  return performance.now() - t0;
}
