// CPU seconds used by the bench's Chromium, by process type and thread name (Linux /proc), so a step can
// say where its time went: the page's main thread, its workers, or the browser process's IndexedDB
// threads (where LevelDB compacts). Empty where /proc is not there.
import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: string;
  ppid: string;
  cmd: string;
}

function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds so far of the browser using `profileDir` and its child processes, by "type/thread". */
export function chromiumCpu(profileDir: string): Record<string, number> {
  const procs: Proc[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return {};
  }
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      procs.push({ pid, ppid: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!, cmd });
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set(
    procs.filter((p) => p.cmd.includes(profileDir) && !p.cmd.includes('--type=')).map((p) => p.pid),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  const out: Record<string, number> = {};
  for (const p of procs) {
    if (!mine.has(p.pid)) continue;
    const type = /--type=([a-z-]+)/.exec(p.cmd)?.[1] ?? 'browser';
    try {
      for (const tid of readdirSync(`/proc/${p.pid}/task`)) {
        const name = readFileSync(`/proc/${p.pid}/task/${tid}/comm`, 'utf8').trim();
        const key = `${type}/${name.replace(/\d+$/, '')}`;
        out[key] = (out[key] ?? 0) + ticksOf(readFileSync(`/proc/${p.pid}/task/${tid}/stat`, 'utf8')) / 100;
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** What was used between two readings, largest first, those of 0.1 s or more. */
export function cpuSince(before: Record<string, number>, after: Record<string, number>): [string, number][] {
  return Object.entries(after)
    .map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 10) / 10] as [string, number])
    .filter(([, v]) => v >= 0.1)
    .sort((a, b) => b[1] - a[1]);
}

/**
 * Waits until the browser's own threads (IndexedDB's LevelDB compactions among them) use under `share` of
 * a core over `windowMs`, or `limitMs` passes. A library written in bulk minutes earlier is still being
 * compacted; a library built over weeks is not. Returns the seconds waited and the browser process's CPU
 * seconds meanwhile.
 */
export async function waitForQuietBrowser(
  profileDir: string,
  { limitMs = 300_000, windowMs = 5_000, share = 0.05 } = {},
): Promise<{ waited: number; cpu: number }> {
  const browserCpu = (r: Record<string, number>) =>
    Object.entries(r)
      .filter(([k]) => k.startsWith('browser/'))
      .reduce((sum, [, v]) => sum + v, 0);
  const start = Date.now();
  const first = browserCpu(chromiumCpu(profileDir));
  let last = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = browserCpu(chromiumCpu(profileDir));
    const used = now - last;
    last = now;
    if (used < (share * windowMs) / 1000 || Date.now() - start >= limitMs)
      return { waited: (Date.now() - start) / 1000, cpu: now - first };
  }
}

/** The `n` largest CPU users of a step and the total, e.g. "31.3: browser/ThreadPoolForeg 12.5, …". */
export function cpuText(cpu: [string, number][], n = 3): string {
  if (!cpu.length) return '?';
  const total = cpu.reduce((a, [, v]) => a + v, 0);
  return `${total.toFixed(1)}: ${cpu
    .slice(0, n)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ')}`;
}
