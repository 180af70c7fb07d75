// The real WebLLM engine in its worker, in Chromium with WebGPU (SwiftShader). No model can be downloaded
// here, so this is the real-engine test: every model URL points at a localhost port nothing listens on,
// and the engine must fail quickly with an error that names the model and the URL it could not reach,
// fetch nothing from anywhere else (not the Hub, not GitHub), and let the answer fall back to quotes.
import { afterAll, describe, expect, it } from 'vitest';
import { CreateWebWorkerMLCEngine, prebuiltAppConfig } from '@mlc-ai/web-llm';
import { answerQuestion, type AnswerEvent } from '../../src/answer/ask';
import { AnswerEngineError, type LoadProgress } from '../../src/answer/engine';
import { createWebLLMEngine, type WebLLMAnswerEngine } from '../../src/answer/webllm-engine';
import { EXTRACTIVE_LABEL } from '../../src/answer/extractive';
import type { GuardReport } from '../../src/answer/worker-guard';
import type { RetrievedSegment } from '../../src/answer/context';

/** Nothing listens here: the test machine has no model host, and this stands for an unreachable one. */
const DEAD_HOST = 'http://127.0.0.1:47411';
const config = {
  host: `${DEAD_HOST}/llm`,
  libHost: `${DEAD_HOST}/llm/libs`,
  models: ['Qwen2.5-1.5B-Instruct', 'Qwen2.5-0.5B-Instruct'],
};
/** A bound on how long the failure may take; connection refusal on localhost is immediate. */
const BOUND_MS = 30_000;

const engines: WebLLMAnswerEngine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.unload()));
});
function engine(options: Parameters<typeof createWebLLMEngine>[0]) {
  const e = createWebLLMEngine(options);
  engines.push(e);
  return e;
}

const results: RetrievedSegment[] = [
  {
    segmentId: 'podcast#t0',
    itemId: 'podcast',
    itemName: 'podcast-kite.wav',
    modality: 'audio',
    segmentKind: 'transcript',
    t0: 2.02,
    t1: 4.87,
    text: 'The plumber said the valve under the sink is leaking.',
    score: 0.9,
  },
];

describe('WebLLM engine with no reachable model host', () => {
  it('picks the q4f32 build on an adapter without shader-f16, before downloading anything', async () => {
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter, 'a WebGPU adapter (SwiftShader)').not.toBeNull();
    const e = engine({ config });
    const info = await e.info();
    const f16 = adapter!.features.has('shader-f16');
    expect(info.model).toMatch(f16 ? /-q4f16_1-MLC$/ : /-q4f32_1-MLC$/);
    expect(info.contextWindow).toBe(4096);
    expect(e.requestedUrls).toEqual([]);
  });

  it('fails within a bounded time with an error naming the model and the URL it could not reach', async () => {
    const e = engine({ config, stallMs: BOUND_MS });
    const { model } = await e.info();
    const progress: LoadProgress[] = [];
    const started = performance.now();
    const error = await e
      .load((p) => progress.push(p))
      .then(
        () => null,
        (err: unknown) => err,
      );
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(AnswerEngineError);
    expect((error as AnswerEngineError).code).toBe('load-failed');
    const message = (error as Error).message;
    expect(message).toContain(
      `Could not load the answer model ${model}: could not reach ${DEAD_HOST}/llm/mlc-ai/${model}/resolve/main/mlc-chat-config.json`,
    );
    expect(elapsed).toBeLessThan(BOUND_MS);
    expect(progress[0]).toEqual({ fraction: 0, text: `Starting ${model}` });
    expect(progress.some((p) => p.text === 'Fetching mlc-chat-config.json')).toBe(true);
    // Everything the worker asked for was on the configured host.
    expect(e.requestedUrls.length).toBeGreaterThan(0);
    expect(e.requestedUrls.filter((u) => new URL(u).origin !== DEAD_HOST)).toEqual([]);
    // A second attempt starts again (a fresh worker) and fails the same way, rather than hanging.
    await expect(e.load()).rejects.toThrow(/could not reach/);
    console.info(`WebLLM load failure reported after ${Math.round(elapsed)} ms`);
  });

  it('falls back to the extractive answer, with the error as a notice', async () => {
    const e = engine({ config, stallMs: BOUND_MS });
    const events: AnswerEvent[] = [];
    for await (const ev of answerQuestion({
      engine: e,
      question: { text: 'What about the valve?' },
      results,
    }))
      events.push(ev);
    const notice = events.find((ev) => ev.type === 'notice');
    expect(notice).toMatchObject({
      code: 'load-failed',
      message: expect.stringMatching(/could not reach http:\/\/127\.0\.0\.1:47411\//),
    });
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    const result = (done as Extract<AnswerEvent, { type: 'done' }>).result;
    expect(result.kind).toBe('extractive');
    expect(result.label).toBe(EXTRACTIVE_LABEL);
    expect(result.text).toBe(
      'podcast-kite.wav [0:02–0:04], transcript: “The plumber said the valve under the sink is leaking.” [1]',
    );
  });

  it('says plainly when there is no WebGPU, without starting a worker', async () => {
    const e = engine({ config, gpu: null });
    await expect(e.info()).rejects.toMatchObject({
      code: 'no-webgpu',
      message: expect.stringMatching(/no WebGPU/),
    });
    await expect(e.load()).rejects.toMatchObject({ code: 'no-webgpu' });
    expect(e.requestedUrls).toEqual([]);
  });

  it('stop and unload are safe before, during and after a failed load', async () => {
    const e = engine({ config, stallMs: BOUND_MS });
    e.interrupt();
    await e.unload();
    const loading = e.load().catch((err: Error) => err);
    e.interrupt();
    await e.unload();
    expect(await loading).toBeInstanceOf(Error);
    await e.unload();
  });

  it('fails as "stalled" when the load goes silent, abandons a load on unload, and names a crashed worker', async () => {
    const blobWorker = (code: string) => () =>
      new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    const silent = engine({ config, stallMs: 2000, createWorker: blobWorker('self.onmessage = () => {};') });
    const started = performance.now();
    await expect(silent.load()).rejects.toMatchObject({
      code: 'stalled',
      message: expect.stringMatching(
        /^Could not load the answer model \S+: the model host sent nothing for 2 s$/,
      ),
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);

    // unload() during a load abandons it at once, rather than waiting for a download to end.
    const slow = engine({
      config,
      stallMs: BOUND_MS,
      createWorker: blobWorker('self.onmessage = () => {};'),
    });
    const loading = slow.load().catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 300));
    const unloadStarted = performance.now();
    await slow.unload();
    expect(await loading).toMatchObject({
      code: 'load-failed',
      message: expect.stringMatching(/the load was cancelled$/),
    });
    expect(performance.now() - unloadStarted).toBeLessThan(2000);

    const crashing = engine({
      config,
      createWorker: blobWorker('self.onmessage = () => { throw new Error("simulated crash"); };'),
    });
    await expect(crashing.load()).rejects.toMatchObject({
      code: 'load-failed',
      message: expect.stringMatching(/the answer worker crashed \(.*simulated crash\)/),
    });
  });

  it('fails as "integrity" when the worker reports a file that failed its SHA-256 check', async () => {
    // The worker's guard reports it (test/browser/model-integrity.test.ts covers the guard); whatever ends
    // the load afterwards (here the stall timer), the error is the integrity failure, with the guard's reason.
    const blobWorker = (code: string) => () =>
      new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    const reason =
      'http://x.example/lib.wasm failed its integrity check: its SHA-256 is 1…, models.json expects 0…';
    const tampered = engine({
      config,
      stallMs: 1000,
      createWorker: blobWorker(
        `self.onmessage = (e) => { if (e.data.kind === 'trove:init') postMessage(${JSON.stringify({ kind: 'trove:problem', reason, integrity: true })}); };`,
      ),
    });
    const failure = (await tampered.load().catch((err: unknown) => err)) as AnswerEngineError;
    expect(failure.code).toBe('integrity');
    expect(failure.message).toMatch(/^Could not load the answer model \S+: /);
    expect(failure.message.endsWith(`: ${reason}`)).toBe(true);
  });

  it('the page fetched nothing from the Hub or GitHub', () => {
    const foreign = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .map((r) => r.name)
      .filter((u) => /huggingface\.co|githubusercontent\.com|github\.com/.test(u));
    expect(foreign).toEqual([]);
  });
});

describe('the answer worker fetch guard', () => {
  it("refuses WebLLM's default hosts when they are not configured, so nothing leaves for huggingface.co", async () => {
    const worker = new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module' });
    const reports: GuardReport[] = [];
    const port = {
      onmessage: null as ((e: MessageEvent) => void) | null,
      postMessage: (m: unknown) => worker.postMessage(m),
    };
    worker.onmessage = (e: MessageEvent) => {
      const kind = (e.data as { kind?: string }).kind;
      if (kind === 'trove:fetch' || kind === 'trove:problem') reports.push(e.data as GuardReport);
      else port.onmessage?.(e);
    };
    worker.postMessage({ kind: 'trove:init', allowedOrigins: [DEAD_HOST] });
    // WebLLM's own record, unchanged: weights on huggingface.co, library on raw.githubusercontent.com.
    const record = prebuiltAppConfig.model_list.find(
      (r) => r.model_id === 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    )!;
    try {
      const error = await CreateWebWorkerMLCEngine(port, record.model_id, {
        appConfig: { model_list: [record] },
      }).then(
        () => null,
        (err: unknown) => String(err),
      );
      const refused = `${record.model}/resolve/main/mlc-chat-config.json is not on the app's origin or a configured model host, so it was not fetched`;
      expect(error).toContain(refused);
      expect(reports).toContainEqual({ kind: 'trove:problem', reason: refused, integrity: false });
    } finally {
      worker.terminate();
    }
  });
});
