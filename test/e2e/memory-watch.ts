// Memory of the app's workers while a test runs, in two views:
//  - each worker's own: its JavaScript heap and ArrayBuffers (Runtime.getHeapUsage), read through the
//    DevTools protocol from every dedicated worker and the workers they start. performance
//    .measureUserAgentSpecificMemory() would say as much, but Chromium answers it only at its next garbage
//    collection (a minute here); and Runtime.queryObjects, which could find WebAssembly memories, crashed
//    the renderer when asked of these workers.
//  - the renderer process's peak resident memory (VmHWM, reset at the start), which holds the page and
//    every one of its workers with all they hold: WebAssembly memories (ffmpeg's, onnxruntime's), and what
//    no heap reports, such as images and audio the browser decodes for them.
import { readFileSync, writeFileSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';

export interface WorkerPeak {
  url: string;
  /** The most heap and ArrayBuffer bytes one sample saw. */
  bytes: number;
}

export interface MemoryReport {
  /** Per worker (by URL and order of appearance), the peaks seen. */
  workers: WorkerPeak[];
  /** The largest peak of any one worker. */
  peakWorkerBytes: number;
  peakWorker: string;
  /** The renderer process's resident set at start(), and its peak since (page and all workers). */
  rendererStartBytes: number;
  rendererPeakBytes: number;
  samples: number;
}

interface Attached {
  route: string[];
  url: string;
  peak: WorkerPeak;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: { sessionId: string; message: string; targetInfo: { type: string; url: string } };
  result?: unknown;
  error?: { message: string };
}

const REQUEST_TIMEOUT_MS = 3_000;

/**
 * Watches every dedicated worker of the page through the page's DevTools session, in the protocol's
 * nested (non-flat) mode: a worker's own workers (pdf.js's, onnxruntime's threads) are reached through it.
 */
export class MemoryWatch {
  private workers = new Map<string, Attached>();
  private finished: WorkerPeak[] = [];
  private pending = new Map<number, (m: CdpMessage) => void>();
  private nextId = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sampling: Promise<void> | null = null;
  private samples = 0;
  private rendererPids: number[] = [];
  private rendererStartBytes = 0;

  private constructor(private cdp: CDPSession) {}

  /** Starts sampling every `intervalMs`. */
  static async start(page: Page, renderers: number[], intervalMs = 500): Promise<MemoryWatch> {
    const watch = new MemoryWatch(await page.context().newCDPSession(page));
    watch.rendererPids = renderers;
    // Peak resident set size counts from here: writing 5 to clear_refs resets VmHWM (Linux 4.0+).
    for (const pid of watch.rendererPids) writeFileSync(`/proc/${pid}/clear_refs`, '5');
    watch.rendererStartBytes = Math.max(0, ...renderers.map((pid) => statusBytes(pid, 'VmRSS')));
    watch.cdp.on('Target.attachedToTarget', (e) => watch.attached([], e));
    watch.cdp.on('Target.detachedFromTarget', (e) =>
      watch.detached([(e as { sessionId: string }).sessionId]),
    );
    watch.cdp.on('Target.receivedMessageFromTarget', (e) => {
      const { sessionId, message } = e as { sessionId: string; message: string };
      watch.received([sessionId], message);
    });
    await watch.cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    watch.timer = setInterval(() => {
      watch.sampling ??= watch.sample().finally(() => (watch.sampling = null));
    }, intervalMs);
    return watch;
  }

  async stop(): Promise<MemoryReport> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    const workers = [...this.finished, ...[...this.workers.values()].map((w) => w.peak)];
    const worst = workers.reduce<WorkerPeak | null>((a, w) => (!a || w.bytes > a.bytes ? w : a), null);
    const rendererPeakBytes = Math.max(0, ...this.rendererPids.map((pid) => statusBytes(pid, 'VmHWM')));
    await this.cdp.detach().catch(() => undefined);
    return {
      workers,
      peakWorkerBytes: worst?.bytes ?? 0,
      peakWorker: worst?.url ?? '',
      rendererStartBytes: this.rendererStartBytes,
      rendererPeakBytes,
      samples: this.samples,
    };
  }

  private attached(
    route: string[],
    params: { sessionId: string; targetInfo: { type: string; url: string } },
  ) {
    if (params.targetInfo.type !== 'worker') return;
    const at = [...route, params.sessionId];
    const url = params.targetInfo.url.replace(/-[\w-]{8}\.js$/, '.js');
    this.workers.set(at.join('/'), { route: at, url, peak: { url, bytes: 0 } });
    // The worker's own workers.
    void this.send(at, 'Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    }).catch(() => undefined);
  }

  private detached(route: string[]) {
    const key = route.join('/');
    const worker = this.workers.get(key);
    if (worker) this.finished.push(worker.peak);
    this.workers.delete(key);
  }

  private received(route: string[], raw: string) {
    const message = JSON.parse(raw) as CdpMessage;
    if (message.id !== undefined) {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
      return;
    }
    const params = message.params;
    if (!params) return;
    if (message.method === 'Target.receivedMessageFromTarget')
      this.received([...route, params.sessionId], params.message);
    else if (message.method === 'Target.attachedToTarget') this.attached(route, params);
    else if (message.method === 'Target.detachedFromTarget') this.detached([...route, params.sessionId]);
  }

  /** Sends a command to the worker at `route`, wrapped once per level of nesting. */
  private send<T>(route: string[], method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    let message = JSON.stringify({ id, method, params });
    for (let i = route.length - 1; i >= 1; i--) {
      message = JSON.stringify({
        id: this.nextId++,
        method: 'Target.sendMessageToTarget',
        params: { sessionId: route[i], message },
      });
    }
    return new Promise<T>((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, (m) => {
        clearTimeout(timeout);
        if (m.error) reject(new Error(m.error.message));
        else resolve(m.result as T);
      });
      this.cdp.send('Target.sendMessageToTarget', { sessionId: route[0]!, message }).catch((e: Error) => {
        clearTimeout(timeout);
        this.pending.delete(id);
        reject(e);
      });
    });
  }

  private async sample(): Promise<void> {
    this.samples++;
    await Promise.all(
      [...this.workers.values()].map(async (w) => {
        try {
          const heap = await this.send<{ usedSize: number; backingStorageSize?: number }>(
            w.route,
            'Runtime.getHeapUsage',
          );
          w.peak.bytes = Math.max(w.peak.bytes, heap.usedSize + (heap.backingStorageSize ?? 0));
        } catch {
          // The worker ended between the listing and the request.
        }
      }),
    );
  }
}

/** The renderer processes of the page's browser (usually one: the page's, which runs its workers too). */
export async function rendererPids(page: Page): Promise<number[]> {
  const browser = page.context().browser();
  if (!browser) throw new Error('the memory watch needs a launched browser');
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } finally {
    await session.detach();
  }
}

/**
 * A size from /proc/<pid>/status in bytes: VmRSS (resident now) or VmHWM (the peak resident set since the
 * last reset); 0 once the process has exited.
 */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    )?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}
