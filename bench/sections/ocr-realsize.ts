// What reading text in pictures adds per photo at real size (issue 23): the same runs as the `ocr` section
// (photos without text and photos of a receipt, ingested with captions.ocr off and on), on the real-size
// world (`npm run realsize:models`, Florence-2-base included) or real downloads in the same layout, plus
// Florence-2's <OCR> run alone in a worker as the app's caption worker runs it.
// `npm run bench -- ocr-realsize [--models=DIR] [--photos=8] [--text-photos=3] [--repeats=2]`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxNewTokens } from '../../src/models/caption-config.ts';
import { validateModelsConfig, type ModelsConfig } from '../../src/models/config.ts';
import { freePort } from '../lib/app-server.ts';
import { argValue, type BenchContext, type BenchSection } from '../lib/harness.ts';
import { speedProbe } from '../lib/machine.ts';
import type { OcrRun, PhotoKind } from '../pages/ocr-bench.ts';
import type { ModelOnlyResult, ModelOnlyTask } from '../pages/model-only.worker.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
/** "median (fastest–slowest)" of a few runs. */
const spread = (xs: number[], f: (x: number) => string) =>
  xs.length > 1 ? `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : f(xs[0] ?? NaN);

/** The world's models.json on `host`; it must have the caption role (Florence-2). */
function worldConfig(dir: string, host: string): ModelsConfig {
  const path = join(dir, 'models.json');
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: make the world with \`npm run realsize:models\` (scripts/realsize/README.md)`,
    );
  const config = validateModelsConfig(JSON.parse(readFileSync(path, 'utf8')), path);
  const caption = config.roles.caption;
  if (!caption || !existsSync(join(dir, caption.model, 'config.json')))
    throw new Error(
      `${dir} has no caption model: make it with \`npm run realsize:models -- --roles caption\``,
    );
  return { ...config, host, layout: 'flat' };
}

function serveFolder(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, [join(root, 'scripts/serve-fixture-models.js'), String(port), dir], {
    stdio: 'ignore',
  });
}

async function waitUp(url: string): Promise<void> {
  for (const until = Date.now() + 10_000; Date.now() < until;) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer`);
}

/** Florence-2 alone: <OCR> with one new token (picture, encoder, one step), then with the app's cap. */
async function modelAlone(ctx: BenchContext, config: ModelsConfig) {
  const page = await ctx.openPage('/bench/pages/model-only.html');
  await page.waitForFunction(() => 'modelOnly' in window);
  const run = async (task: ModelOnlyTask): Promise<ModelOnlyResult | null> => {
    ctx.log(`model alone: <OCR>, ${(task as { newTokens: number }).newTokens} new tokens`);
    const r = await page
      .evaluate(([c, t]) => window.modelOnly.run(c, t), [config, task] as const)
      .catch((error: unknown) => {
        ctx.log(`  not measured: ${String(error).split('\n')[0]}`);
        return null;
      });
    if (r)
      ctx.log(
        `  ${r.msPerUnit.toFixed(0)} ms a run, load ${r.loadMs.toFixed(0)} ms (${r.dtype}, ${r.threads} threads)`,
      );
    return r;
  };
  const cap = maxNewTokens['<OCR>'];
  const one = await run({ kind: 'florence-ocr', newTokens: 1, runs: 3 });
  const capped = await run({ kind: 'florence-ocr', newTokens: cap, runs: 2 });
  await page.close();
  return { one, capped, cap };
}

const section: BenchSection = {
  name: 'ocr-realsize',
  title: 'Text in pictures: added cost per photo at real size, Florence-2-base (issue 23)',
  async run(ctx) {
    const dir = resolve(argValue(ctx.args, 'models') ?? join(root, '.cache/realsize-models'));
    const nPlain = Number(argValue(ctx.args, 'photos') ?? 8);
    const nText = Number(argValue(ctx.args, 'text-photos') ?? 3);
    const repeats = Number(argValue(ctx.args, 'repeats') ?? 2);
    const port = await freePort();
    const host = `http://localhost:${port}/`;
    const config = worldConfig(dir, host);
    const server = serveFolder(dir, port);
    try {
      await waitUp(host);
      const page = await ctx.openPage('/bench/pages/ocr.html');
      await page.bringToFront();
      await page.waitForFunction(() => 'ocrBench' in window);
      const rows: { kind: PhotoKind; off: OcrRun[]; on: OcrRun[] }[] = [];
      const probes: number[] = [];
      let readMs = NaN;
      for (const [kind, n] of [
        ['plain', nPlain],
        ['text', nText],
      ] as const) {
        const tries: Record<'off' | 'on', OcrRun[]> = { off: [], on: [] };
        for (let t = 0; t < repeats; t++)
          for (const ocr of [false, true]) {
            const probe = speedProbe();
            probes.push(probe);
            // The last run with text and OCR on also times one picture read again by the caption worker.
            const timeRead = kind === 'text' && ocr && t === repeats - 1;
            const r = await page.evaluate(([k, n, o, c, tr]) => window.ocrBench.run(k, n, o, c, tr), [
              kind,
              n,
              ocr,
              config,
              timeRead,
            ] as const);
            ctx.log(
              `${kind}, OCR ${ocr ? 'on' : 'off'}: ${r.msPerFile.toFixed(0)} ms/photo, ${r.read} read, ${r.failed} failed` +
                (r.readMs === undefined ? '' : `; read again alone ${r.readMs.toFixed(0)} ms`) +
                ` (speed probe ${probe.toFixed(0)} ms)`,
            );
            if (r.readMs !== undefined) readMs = r.readMs;
            if (r.failed) throw new Error(`${r.failed} of ${r.files} photos failed to ingest`);
            tries[ocr ? 'on' : 'off'].push(r);
          }
        rows.push({ kind, ...tries });
      }
      await page.close();
      const alone = await modelAlone(ctx, config);

      const f = (x: number) => (!Number.isFinite(x) ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
      const perPhoto = (runs: OcrRun[]) => runs.map((r) => r.msPerFile);
      const label = {
        plain: '640×480 JPEG without text',
        text: '384×384 receipt (passes the text test)',
      };
      const { one, capped, cap } = alone;
      const fixed = one ? Math.min(...one.calls) : NaN;
      const full = capped ? Math.min(...capped.calls) : NaN;
      const perToken = (full - fixed) / (cap - 1);
      const text = rows.find((r) => r.kind === 'text')!;
      const added = median(perPhoto(text.on)) - median(perPhoto(text.off));
      const models = Object.entries(config.roles)
        .map(([role, rc]) => `${role} ${rc.model} (${rc.dtype.wasm})`)
        .join(', ');
      return [
        `Models: \`${dir.startsWith(root) ? relative(root, dir) : dir}\`: ${models}; WASM. Random weights of the real size: Florence-2 never says`,
        `end-of-text, so every <OCR> run generates the app's cap of ${cap} new tokens (src/models/caption-config.ts):`,
        'the cost of the longest answer the app allows. A real receipt or sign gives fewer tokens; the model-alone',
        'rows below split the run into its fixed part and its cost per token, to scale it.',
        '',
        `${nPlain} photos without text and ${nText} receipts per run, ingested through the whole pipeline (Trove,`,
        'image workers, encoder workers, store, vector index), captions off; reading text (captions.ocr) off,',
        `then on; ${repeats} runs each, off and on alternating, each on a fresh library with warm models (the first`,
        'picture with text of each run is read during the warm-up). Median, and the fastest–slowest run in brackets:',
        `the machine is shared, and its speed moved ${f(Math.max(...probes) / Math.min(...probes))}× between runs (speed probe`,
        `${Math.min(...probes).toFixed(0)}–${Math.max(...probes).toFixed(0)} ms, see Ingest).`,
        '',
        '| photos | OCR off (ms/photo) | OCR on (ms/photo) | added (ms/photo, medians) | shown to Florence-2, OCR on | OCR segments |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows.map(
          (r) =>
            `| ${label[r.kind]} | ${spread(perPhoto(r.off), f)} | ${spread(perPhoto(r.on), f)} | ${f(median(perPhoto(r.on)) - median(perPhoto(r.off)))} | ${r.on[0]!.read} of ${r.on[0]!.files} | ${r.on[0]!.ocrSegments} |`,
        ),
        '',
        `Florence-2-base alone (${one?.dtype ?? capped?.dtype ?? '–'}, ${one?.threads ?? capped?.threads ?? '–'} threads, in a worker on the app's onnxruntime-web build, a`,
        '640×480 picture prepared before the clock; bench/pages/model-only.worker.ts); the fastest run is the',
        "model's cost with the least interference, the others show the machine:",
        '',
        '| <OCR> run | ms: fastest (all runs) |',
        '| --- | --- |',
        `| load (4 graphs, from the browser's cache after the runs above) | ${one ? f(one.loadMs) : '–'} |`,
        `| 1 new token: vision encoder (768×768), encoder (577 + 10 tokens), one decoder step | ${f(fixed)} (${one?.calls.map(f).join(', ') ?? '–'}) |`,
        `| ${cap} new tokens (the app's cap) | ${f(full)} (${capped?.calls.map(f).join(', ') ?? '–'}) |`,
        `| each further token (decoder step with cache, logits processors, sampling), from the fastest runs | ${f(perToken)} |`,
        '',
        `In the app, after the last run with OCR on: one receipt read again through the caption worker's readText`,
        `(the call the pipeline makes; ${cap} tokens), ${f(readMs)} ms. A receipt's added cost in the table is`,
        `${f(added / full)}× the model's fastest capped run alone; this section does not break down the rest (the`,
        'machine, the text embedding of the answer, the pipeline around it).',
      ].join('\n');
    } finally {
      server.kill();
    }
  },
};

export default section;
