// The presets' cost table (issue 20, part 4): each candidate model (scripts/realsize/candidates.ts) timed alone
// in a worker with the app's onnxruntime-web build and WASM threads (bench/pages/model-only*.ts), beside the
// default of its role, with the published quality figures and licences next to it. Candidates of a role are
// interleaved task by task and round by round, so they see the same machine load.
// `npm run bench -- presets [--models=DIR] [--candidates=DIR] [--rounds=2] [--quick]`: DIR defaults are
// .cache/realsize-models (the defaults) and .cache/realsize-presets (`npm run realsize:models -- --presets`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { validateModelsConfig, type Dtype, type ModelsConfig } from '../../src/models/config.ts';
import { DTYPE_SUFFIX, ROLE_LOADING } from '../../src/models/required-files.ts';
import { CANDIDATES, DEFAULTS, type Candidate } from '../../scripts/realsize/candidates.ts';
import { freePort } from '../lib/app-server.ts';
import { argValue, type BenchSection } from '../lib/harness.ts';
import type { ModelOnlyResult, ModelOnlyTask } from '../pages/model-only.worker.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const QUERIES = [
  'red kite over the field',
  'birthday cake with candles',
  'a dog running on the beach',
  'receipt from the hardware store',
  'snow on the mountains',
  'the train station at night',
  'a cat sleeping on the sofa',
  'sunset over the river',
  'children playing football',
  'the old stone bridge',
];

/** One model under test, with where its files are served from. */
interface Entry {
  c: Candidate;
  dir: string;
  host: string;
}

interface Row {
  model: string;
  task: string;
  round: number;
  load: number;
  result?: ModelOnlyResult;
  error?: string;
}

type TaskMaker = (e: Entry) => ModelOnlyTask | null;

const TASKS: Record<string, TaskMaker> = {
  'images/s, batch 8': (e) =>
    e.c.role === 'clip' ? { kind: 'clip-vision', batch: 8, images: 16, imageSize: e.c.imageSize } : null,
  'images/s, batch 1': (e) =>
    e.c.role === 'clip' ? { kind: 'clip-vision', batch: 1, images: 6, imageSize: e.c.imageSize } : null,
  'query p50 (ms), q8': (e) =>
    e.c.role === 'clip' || e.c.role === 'text'
      ? { kind: 'text-query', role: e.c.role, queries: QUERIES }
      : null,
  'query p50 (ms), fp32': (e) =>
    e.c.role === 'clip' || e.c.role === 'text'
      ? { kind: 'text-query', role: e.c.role, queries: QUERIES, dtype: 'fp32' }
      : null,
  'audio s/s, 30 s': (e) => (e.c.role === 'speech' ? { kind: 'speech', seconds: 30 } : null),
};

/** The shipped configuration with `role` pointed at this entry's model, on its host, in WASM's q8. */
function configFor(base: ModelsConfig, e: Entry): ModelsConfig {
  const rc = base.roles[e.c.role];
  return {
    ...base,
    roles: {
      ...base.roles,
      [e.c.role]: {
        model: e.c.model,
        host: e.host,
        layout: 'flat',
        dtype: { webgpu: 'fp16', wasm: 'q8' },
        ...(rc.dim ? { dim: rc.dim } : {}),
        ...(e.c.queryPrefix !== undefined ? { prefixes: { query: e.c.queryPrefix } } : {}),
      },
    },
  };
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

/** Bytes a WASM user downloads for the role's files in `dtype`: root files plus each sub-model's file. */
function downloadBytes(e: Entry, dtype: Dtype): number | undefined {
  const folder = join(e.dir, e.c.model);
  const loading = ROLE_LOADING[e.c.role]!;
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
  if (loading.needs.includes('processor')) files.push('preprocessor_config.json');
  if (loading.needs.includes('generation')) files.push('generation_config.json');
  files.push(...loading.subModels.map((s) => `onnx/${s}${DTYPE_SUFFIX[dtype]}.onnx`));
  let sum = 0;
  for (const f of files) {
    const p = join(folder, f);
    if (!existsSync(p)) return undefined;
    sum += statSync(p).size;
  }
  return sum;
}

async function runOne(page: Page, config: ModelsConfig, task: ModelOnlyTask): Promise<ModelOnlyResult> {
  return page.evaluate(([c, t]) => window.modelOnly.run(c, t), [config, task] as const);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const fmt = (x: number | undefined, digits = 1) =>
  x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(digits);
const mb = (b?: number) => (b === undefined ? '–' : (b / 1e6).toFixed(0));

const section: BenchSection = {
  name: 'presets',
  title: 'Presets: candidate models against the defaults (issue 20, part 4)',
  async run(ctx) {
    const defaultsDir = argValue(ctx.args, 'models') ?? join(root, '.cache/realsize-models');
    const candidatesDir = argValue(ctx.args, 'candidates') ?? join(root, '.cache/realsize-presets');
    const rounds = Number(argValue(ctx.args, 'rounds') ?? (ctx.args.includes('--quick') ? 1 : 2));
    for (const d of [defaultsDir, candidatesDir])
      if (!existsSync(d))
        throw new Error(`${d} is missing: make it with npm run realsize:models [-- --presets]`);
    const base = validateModelsConfig(JSON.parse(readFileSync(join(root, 'public/models.json'), 'utf8')));
    const [p1, p2] = [await freePort(), await freePort()];
    const servers = [serveFolder(defaultsDir, p1), serveFolder(candidatesDir, p2)];
    try {
      const hosts = [`http://localhost:${p1}/`, `http://localhost:${p2}/`] as const;
      await Promise.all(hosts.map(waitUp));
      const entries: Entry[] = [
        ...DEFAULTS.map((c) => ({ c, dir: defaultsDir, host: hosts[0] })),
        ...CANDIDATES.map((c) => ({ c, dir: candidatesDir, host: hosts[1] })),
      ].filter((e) => {
        const there = existsSync(join(e.dir, e.c.model, 'config.json'));
        if (!there) ctx.log(`${e.c.model}: not in ${e.dir}; left out`);
        return there;
      });
      const page = await ctx.openPage('/bench/pages/model-only.html');
      await page.waitForFunction(() => 'modelOnly' in window);
      const rows: Row[] = [];
      // Interleaved: every round runs each task on every model of the role before the next task.
      for (let round = 0; round < rounds; round++) {
        for (const [task, make] of Object.entries(TASKS)) {
          for (const e of entries) {
            const t = make(e);
            if (!t) continue;
            const load = loadavg()[0]!;
            ctx.log(`round ${round + 1}: ${e.c.label}, ${task} (load ${load.toFixed(1)})`);
            try {
              const result = await runOne(page, configFor(base, e), t);
              ctx.log(`  ${result.unitsPerSecond.toFixed(2)}/s, load ${result.loadMs.toFixed(0)} ms`);
              rows.push({ model: e.c.model, task, round, load, result });
            } catch (error) {
              const message = String(error).split('\n')[0]!;
              ctx.log(`  failed: ${message}`);
              rows.push({ model: e.c.model, task, round, load, error: message });
            }
          }
        }
      }
      await page.close();
      mkdirSync(join(root, 'bench/results'), { recursive: true });
      writeFileSync(join(root, 'bench/results/presets.json'), JSON.stringify(rows, null, 1) + '\n');
      return report(entries, rows, rounds);
    } finally {
      for (const s of servers) s.kill();
    }
  },
};

function cell(rows: Row[], model: string, task: string): string {
  const mine = rows.filter((r) => r.model === model && r.task === task);
  if (!mine.length) return '';
  const ok = mine.filter((r) => r.result).map((r) => r.result!);
  if (!ok.length) return `failed: ${mine[0]!.error?.replace(/\|/g, '\\|').slice(0, 80)}`;
  // Per round: throughput, or the median query; then the median over rounds.
  const perRound = task.startsWith('query')
    ? ok.map((r) => median(r.calls))
    : ok.map((r) => r.unitsPerSecond);
  return fmt(median(perRound), task.startsWith('query') ? 1 : 2);
}

function loadMs(rows: Row[], model: string): string {
  const q8 = rows.filter(
    (r) => r.model === model && r.result && !r.task.endsWith('fp32') && r.task !== 'images/s, batch 1',
  );
  const byTask = new Map<string, number[]>();
  for (const r of q8) byTask.set(r.task, [...(byTask.get(r.task) ?? []), r.result!.loadMs]);
  return [...byTask]
    .map(([t, xs]) => `${t.split(',')[0]!.replace('images/s', 'image')} ${fmt(median(xs), 0)}`)
    .join('; ');
}

function report(entries: Entry[], rows: Row[], rounds: number): string {
  const loads = rows.map((r) => r.load);
  const threads = rows.find((r) => r.result)?.result?.threads;
  const lines = [
    'Each model alone in a worker of the bench page, on the same onnxruntime-web build and WASM threads as the',
    `app (${threads ?? '?'} threads), with the random-weight copies of the real architecture and size that`,
    '`npm run realsize:models` (defaults) and `npm run realsize:models -- --presets` (candidates) write. The weights',
    'are untrained, so only cost is real; quality is what the authors published. Candidates of a role ran',
    `interleaved, task by task, in ${rounds} round(s); each figure is the median over rounds (a query: the median of`,
    `${QUERIES.length} single-query calls, after a warm-up). **The machine is shared with other engineers' jobs**: 1-minute load`,
    `average when each task started: ${fmt(Math.min(...loads))} to ${fmt(Math.max(...loads))}, mean ${fmt(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length))}, on 2 cores.`,
    '',
    '| role | model | images/s, batch 8 (q8) | images/s, batch 1 (q8) | one query p50, q8 (ms) | one query p50, fp32 (ms) | audio s/s, 30 s (q8) | load, q8 (ms) | download q8 / fp16 / fp32 (MB) | published quality | licence | product use | loads in transformers.js 4.3.1 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const e of entries) {
    const q = e.c.quality.length
      ? e.c.quality.map((f) => `${f.metric}: ${f.value} ([source](${f.source.split(' ')[0]}))`).join('<br>')
      : 'no figure found in the sources searched';
    lines.push(
      `| ${e.c.role} | ${e.c.label}${e.c.caveat ? ' ¹' : ''} | ${cell(rows, e.c.model, 'images/s, batch 8')} | ${cell(rows, e.c.model, 'images/s, batch 1')} | ${cell(rows, e.c.model, 'query p50 (ms), q8')} | ${cell(rows, e.c.model, 'query p50 (ms), fp32')} | ${cell(rows, e.c.model, 'audio s/s, 30 s')} | ${loadMs(rows, e.c.model)} | ${(['q8', 'fp16', 'fp32'] as Dtype[]).map((d) => mb(downloadBytes(e, d))).join(' / ')} | ${q} | [${e.c.licence.name}](${e.c.licence.source.split(' ')[0]}) | ${e.c.licence.product ? 'yes' : '**no**'} | ${e.c.loads.replace(/\|/g, '\\|')} |`,
    );
  }
  const caveats = entries.filter((e) => e.c.caveat);
  if (caveats.length) {
    lines.push('', ...caveats.map((e) => `¹ ${e.c.label}: ${e.c.caveat}.`));
  }
  lines.push(
    '',
    'Download sizes are the generated files a WASM user fetches for the role (root files and every sub-model in',
    "that dtype); they match the Hub's within a few percent where the Hub's sizes are known",
    '(scripts/realsize/README.md). Raw rows: bench/results/presets.json.',
  );
  return lines.join('\n');
}

export default section;
