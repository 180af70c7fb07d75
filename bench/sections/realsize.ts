// Real-size cost (issue 20): the built app driven through its UI on models of the real architecture and size
// (npm run realsize:models, or real downloads with --models DIR), beside each model run alone in the same
// browser and run. `npm run bench -- realsize [--models=DIR] [--photos=48] [--during=500] [--quick]
// [--photos-only] [--ingest-only]`;
// `--models=fixtures` runs the same steps on the fixture world, to check the harness in a few minutes.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { validateModelsConfig, type ModelsConfig } from '../../src/models/config.ts';
import { INGEST_IDLE_RELEASE_MS } from '../../src/encoders/encoders.ts';
import { fixtureModelsConfig } from '../../test/support/fixture-models.ts';
import {
  addFiles,
  itemCount,
  openApp,
  openSteps,
  percentiles,
  rendererResident,
  timeFileQuery,
  timeTextQuery,
  userAgentMemory,
  waitForItems,
  type QueryTiming,
} from '../lib/app-driver.ts';
import { serveApp } from '../lib/app-server.ts';
import { argValue, type BenchContext, type BenchSection } from '../lib/harness.ts';
import {
  RECORDING_AMPLITUDE,
  recordingTone,
  writePhotos,
  writeRecordings,
  writeVideos,
} from '../lib/media-files.ts';
import { planAudioWindows } from '../../src/ingest/audio/windows.ts';
import { planFrames } from '../../src/ingest/video/extract-video.ts';
import { cpuTimes, waitForQuietMachine } from '../lib/machine.ts';
import { chromiumCpu, cpuSince, cpuText } from '../lib/process-cpu.ts';

import type { ModelOnlyResult, ModelOnlyTask } from '../pages/model-only.worker.ts';
import type { EncodedRun } from '../pages/search-bench.ts';
import type { StageTimes } from '../pages/ingest-bench.ts';

/** The recordings timed, in seconds each. */
const RECORDING_S = 30;
const root = fileURLToPath(new URL('../..', import.meta.url));

const QUERIES = [
  'red kite over the field',
  'what did the plumber say about the valve',
  'birthday cake with candles',
  'a dog running on the beach',
  'receipt from the hardware store',
  'snow on the mountains',
  'the train station at night',
  'notes about the passport renewal',
  'a cat sleeping on the sofa',
  'sunset over the river',
  'the recipe for sourdough bread',
  'a crowded market street',
  'children playing football',
  'the leaking pipe under the sink',
  'fireworks over the harbour',
  'a bicycle against a wall',
  'the meeting about the budget',
  'a hawk feather on the path',
  'rain on the window',
  'the old stone bridge',
];

function busyShare(from: ReturnType<typeof cpuTimes>, to: ReturnType<typeof cpuTimes>): number {
  return (to.busy - from.busy) / Math.max(1, to.total - from.total);
}

function modelsConfig(modelsDir: string, fixtures: boolean): ModelsConfig {
  // The fixture world checks the harness in minutes; its figures mean nothing about cost.
  if (fixtures) return { ...fixtureModelsConfig('http://localhost/'), captions: { enabled: false } };
  const own = join(modelsDir, 'models.json');
  const path = existsSync(own) ? own : join(root, 'public/models.json');
  const config = validateModelsConfig(JSON.parse(readFileSync(path, 'utf8')), path);
  // Real downloads sit in a plain folder per model id; the caption model is off by default and not built.
  const { caption: _caption, ...roles } = config.roles;
  return { ...config, layout: 'flat', roles: roles as ModelsConfig['roles'], captions: { enabled: false } };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');

interface IngestRate {
  label: string;
  files: number;
  units: number;
  unit: string;
  seconds: number;
  busy: number;
  /** Seconds waited for the machine to go quiet first (60 at most). */
  settled: number;
  /** CPU seconds of the browser's processes and threads during the row, largest first. */
  cpu: [string, number][];
}

async function timedIngest(
  profileDir: string,
  page: Page,
  label: string,
  paths: string[],
  units: number,
  unit: string,
  limitMs: number,
): Promise<IngestRate> {
  const before = await itemCount(page);
  // V8 optimizes new workers' WASM in the background for a while after first use; time the steady state.
  const settled = await waitForQuietMachine(60_000);
  const cpu0 = cpuTimes();
  const threads0 = chromiumCpu(profileDir);
  const t0 = Date.now();
  await addFiles(page, paths);
  await waitForItems(page, before + paths.length, limitMs);
  const seconds = (Date.now() - t0) / 1000;
  const cpu = cpuSince(threads0, chromiumCpu(profileDir));
  return {
    label,
    files: paths.length,
    units,
    unit,
    seconds,
    busy: busyShare(cpu0, cpuTimes()),
    settled,
    cpu,
  };
}

type Alone = { label: string; result: ModelOnlyResult }[];

const PHOTOS_ALONE = 'CLIP vision, batch 8';
const CLAP_ALONE = 'CLAP audio, batch 4 windows of 10 s';
const WHISPER_ALONE = 'Whisper, 30 s of audio';
const CLIPS_ALONE = "Whisper, the clips' soundtracks";

/** The models an ingest row runs, alone: timed right before and right after the app's row. */
function ingestTasks(kind: 'photos' | 'audio' | 'video', quick: boolean): [string, ModelOnlyTask][] {
  const vision: [string, ModelOnlyTask] = [
    PHOTOS_ALONE,
    { kind: 'clip-vision', batch: 8, images: quick ? 16 : 48 },
  ];
  const clap: [string, ModelOnlyTask] = [
    CLAP_ALONE,
    { kind: 'clap-audio', batch: 4, windows: quick ? 4 : 12 },
  ];
  // The very sounds the app is timed on (the 30 s recordings), so both generate alike.
  const whisper: [string, ModelOnlyTask] = [
    WHISPER_ALONE,
    {
      kind: 'speech',
      seconds: RECORDING_S,
      tones: [0, 1].slice(0, quick ? 1 : 2).map((i) => recordingTone(i)),
      amplitude: RECORDING_AMPLITUDE,
    },
  ];
  if (kind === 'photos') return [vision];
  if (kind === 'audio') return [clap, whisper];
  return [vision, clap];
}

/** The comparisons that no ingest row pairs with: batch 1, the query encoders, other dtypes and devices. */
const comparisonTasks = (quick: boolean): [string, ModelOnlyTask][] => [
  ['CLIP vision, batch 1', { kind: 'clip-vision', batch: 1, images: quick ? 4 : 16 }],
  ['CLIP text, one query', { kind: 'text-query', role: 'clip', queries: QUERIES }],
  ['CLAP text, one query', { kind: 'text-query', role: 'clap', queries: QUERIES }],
  ['e5 text, one query', { kind: 'text-query', role: 'text', queries: QUERIES }],
  // Dtype per role by measurement: a short query may run faster unquantized on WASM.
  ['CLIP text, one query, fp32', { kind: 'text-query', role: 'clip', queries: QUERIES, dtype: 'fp32' }],
  ['CLAP text, one query, fp32', { kind: 'text-query', role: 'clap', queries: QUERIES, dtype: 'fp32' }],
  ['e5 text, one query, fp32', { kind: 'text-query', role: 'text', queries: QUERIES, dtype: 'fp32' }],
  // ORT's threads spin while they wait for work; blocking instead leaves the core to other threads.
  [
    'CLIP vision, batch 8, threads block',
    { kind: 'clip-vision', batch: 8, images: quick ? 16 : 48, noSpin: true },
  ],
  // What the browser's WebGPU adapter gives, when it has one (here SwiftShader, on the CPU).
  ['CLIP vision, batch 8, WebGPU', { kind: 'clip-vision', batch: 8, images: 16, device: 'webgpu' }],
];

/** Runs models alone, each in a worker of a page of their own, and (for video) Whisper on the clips' sound. */
async function modelOnly(
  ctx: BenchContext,
  config: ModelsConfig,
  tasks: [string, ModelOnlyTask][],
  clips: string[] = [],
): Promise<Alone> {
  const page = await ctx.openPage('/bench/pages/model-only.html');
  await page.bringToFront();
  await page.waitForFunction(() => 'modelOnly' in window);
  const out: Alone = [];
  for (const [label, task] of tasks) {
    ctx.log(`model only: ${label}`);
    const result = await page
      .evaluate(([c, t]) => window.modelOnly.run(c, t), [config, task] as const)
      .catch((error: unknown) => {
        // Only the comparisons may fail (a browser without WebGPU); the rows the targets need may not.
        if (!task.device && !task.dtype) throw error;
        ctx.log(`  not measured: ${String(error).split('\n')[0]}`);
        return null;
      });
    if (!result) continue;
    ctx.log(
      `  ${result.unitsPerSecond.toFixed(2)}/s, ${result.msPerUnit.toFixed(1)} ms each, load ${result.loadMs.toFixed(0)} ms`,
    );
    out.push({ label, result });
  }
  if (clips.length) {
    ctx.log(`model only: ${CLIPS_ALONE}`);
    const videos = clips.map((p) => readFileSync(p).toString('base64'));
    const result = await page.evaluate(([c, v]) => window.modelOnly.speechOnVideos(c, v), [
      config,
      videos,
    ] as const);
    ctx.log(`  ${result.unitsPerSecond.toFixed(2)} audio s/s over ${clips.length} clips`);
    out.push({ label: CLIPS_ALONE, result });
  }
  await page.close();
  return out;
}

const found = (alone: Alone, label: string) => alone.find((a) => a.label === label)!.result;

/** Photos/s that CLIP vision alone allows. */
const photosAlone = (alone: Alone) => found(alone, PHOTOS_ALONE).unitsPerSecond;

/**
 * Audio s/s that CLAP and Whisper alone allow on a recording: CLAP embeds the windows the app embeds (10 s
 * every 5 s) and Whisper transcribes its seconds, on the same sound.
 */
function audioAlone(alone: Alone): number {
  const clap = found(alone, CLAP_ALONE);
  const whisper = found(alone, WHISPER_ALONE);
  const windows = planAudioWindows(RECORDING_S).length;
  return RECORDING_S / ((windows * clap.msPerUnit) / 1000 + RECORDING_S / whisper.unitsPerSecond);
}

/**
 * Video s/s that the three models alone allow: a clip costs CLIP its frames (one every 2 s), CLAP its windows
 * and Whisper its soundtrack (the same one, decoded by the browser). ffmpeg's decoding is the app's own work.
 */
function videoAlone(alone: Alone): { rate: number; clipS: number; whisperMs: number } {
  const vision = found(alone, PHOTOS_ALONE);
  const clap = found(alone, CLAP_ALONE);
  const clips = found(alone, CLIPS_ALONE);
  const whisperMs = clips.calls.reduce((a, b) => a + b, 0) / clips.calls.length;
  const clipS = whisperMs / clips.msPerUnit;
  const modelsMs = clips.calls.reduce(
    (sum, ms) =>
      sum + planFrames(clipS).count * vision.msPerUnit + planAudioWindows(clipS).length * clap.msPerUnit + ms,
    0,
  );
  return { rate: (clipS * clips.calls.length * 1000) / modelsMs, clipS, whisperMs };
}

/**
 * Models alone, loaded once in workers that stay, each timed once on loading (its warm-up: V8 compiles
 * the hot WASM functions in the background meanwhile) and then again by `time`.
 */
async function keptAlone(
  ctx: BenchContext,
  config: ModelsConfig,
  tasks: [string, ModelOnlyTask][],
  clips: string[],
) {
  const page = await ctx.openPage('/bench/pages/model-only.html');
  await page.bringToFront();
  await page.waitForFunction(() => 'modelOnly' in window);
  const handles: [string, number][] = [];
  for (const [label, task] of tasks) {
    ctx.log(`model only, loading and warming: ${label}`);
    const { handle } = await page.evaluate(([c, t]) => window.modelOnly.open(c, t), [config, task] as const);
    handles.push([label, handle]);
  }
  if (clips.length) {
    ctx.log(`model only, loading and warming: ${CLIPS_ALONE}`);
    const videos = clips.map((p) => readFileSync(p).toString('base64'));
    const { handle } = await page.evaluate(([c, v]) => window.modelOnly.openSpeechOnVideos(c, v), [
      config,
      videos,
    ] as const);
    handles.push([CLIPS_ALONE, handle]);
  }
  return {
    async time(): Promise<Alone> {
      await page.bringToFront();
      const out: Alone = [];
      for (const [label, handle] of handles) {
        const result = await page.evaluate((h) => window.modelOnly.again(h), handle);
        ctx.log(
          `  model only, ${label}: ${result.unitsPerSecond.toFixed(2)}/s, ${result.msPerUnit.toFixed(1)} ms each`,
        );
        out.push({ label, result });
      }
      return out;
    },
    async close() {
      for (const [, handle] of handles) await page.evaluate((h) => window.modelOnly.close(h), handle);
      await page.close();
    },
  };
}

interface PairedRate {
  app: IngestRate;
  /** The app's rate. */
  rate: number;
  /** What the models alone allowed right before and right after the app's row. */
  before: number;
  after: number;
  /** The models alone, the second time. */
  alone: Alone;
}

/**
 * An app ingest row between two timings of its models alone, in the same minutes: the machine's speed
 * drifts (up to 1.4× here), so the app is compared with its models around it, not at the section's start.
 * Both sides are warm: the models alone in workers kept from a first timing, the app's by a file of the
 * row's kind taken in just before (its ingest models are let go after a minute without work). Each
 * timing starts once the machine is quiet (V8's background compiles done).
 */
async function pairedIngest(
  ctx: BenchContext,
  page: Page,
  config: ModelsConfig,
  row: { label: string; paths: string[]; units: number; unit: string; warm: string[] },
  tasks: [string, ModelOnlyTask][],
  clips: string[],
  rateOf: (alone: Alone) => number,
): Promise<PairedRate> {
  const models = await keptAlone(ctx, config, tasks, clips);
  try {
    await waitForQuietMachine(60_000);
    const first = await models.time();
    await page.bringToFront();
    const warmed = await itemCount(page);
    await addFiles(page, row.warm);
    await waitForItems(page, warmed + row.warm.length, 900_000);
    const app = await timedIngest(ctx.profileDir, page, row.label, row.paths, row.units, row.unit, 900_000);
    await waitForQuietMachine(60_000);
    const second = await models.time();
    const rate = app.units / app.seconds;
    const paired = { app, rate, before: rateOf(first), after: rateOf(second), alone: second };
    ctx.log(
      `  ${row.label}: app ${rate.toFixed(2)} ${row.unit}/s; alone ${paired.before.toFixed(2)} before, ${paired.after.toFixed(2)} after; CPU s ${cpuText(app.cpu, 5)}`,
    );
    return paired;
  } finally {
    await models.close();
    await page.bringToFront();
  }
}

/** The app's rate over the mean of what the models alone allowed around it. */
const shareOf = (p: PairedRate) => p.rate / ((p.before + p.after) / 2);

const section: BenchSection = {
  name: 'realsize',
  title: 'Real-size models through the real app (issue 20)',
  async run(ctx) {
    const asked = argValue(ctx.args, 'models');
    const fixtures = asked === 'fixtures';
    const modelsDir = fixtures
      ? join(root, 'test/fixtures/models')
      : (asked ?? join(root, '.cache/realsize-models'));
    if (!existsSync(modelsDir))
      throw new Error(
        `${modelsDir} is missing: make it with \`npm run realsize:models\` (scripts/realsize/README.md)`,
      );
    const quick = ctx.args.includes('--quick');
    // Photos and queries only: sound and video (CLAP audio, Whisper, ffmpeg) take the longest to run.
    const photosOnly = ctx.args.includes('--photos-only');
    const nPhotos = Number(argValue(ctx.args, 'photos') ?? (quick ? 16 : 48));
    const nDuring = Number(argValue(ctx.args, 'during') ?? 500);
    const config = modelsConfig(modelsDir, fixtures);
    const work = mkdtempSync(join(tmpdir(), 'trove-realsize-'));
    const app = await serveApp({ root, outDir: join(work, 'dist'), modelsDir, config, log: ctx.log });
    const localConfig: ModelsConfig = { ...config, host: app.modelHost };
    const load0 = loadavg()[0]!;
    try {
      const media = join(root, 'test/fixtures/media');
      // The first for the first visit, the last to warm the app before the clips row, the others timed.
      const videos = writeVideos(join(work, 'video'), quick ? 3 : 5, join(media, 'video'));
      const comparisons = await modelOnly(ctx, localConfig, comparisonTasks(quick));

      ctx.log('making inputs');
      const warmPhotos = await writePhotos(join(work, 'warm'), 4, 'warm');
      const photos = await writePhotos(join(work, 'photos'), nPhotos);
      const [warmRecording, rowWarmRecording] = writeRecordings(join(work, 'warm'), 2, 10, 100);
      const rowWarmPhotos = await writePhotos(join(work, 'warm-row'), 2, 'warm-row');
      const recordings = writeRecordings(join(work, 'audio'), quick ? 1 : 2, RECORDING_S);
      const during = await writePhotos(join(work, 'during'), nDuring, 'during');

      const page = await ctx.browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
        if (m.type() === 'error' || m.type() === 'warning') ctx.log(`app ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.bringToFront();
      const memory = async (label: string) => ({
        label,
        ua: await userAgentMemory(page),
        rss: rendererResident(ctx.profileDir),
      });

      ctx.log('first visit');
      const firstOpen = await openApp(page, app.url);
      const t = Date.now();
      const warm = photosOnly ? warmPhotos : [...warmPhotos, warmRecording!, videos[0]!];
      await addFiles(page, warm);
      await waitForItems(page, warm.length, 900_000);
      const firstIngest = (Date.now() - t) / 1000;
      const firstQuery = await timeTextQuery(page, 'the very first query');
      ctx.log(
        `  opened in ${firstOpen} ms, first ${warm.length} files in ${firstIngest.toFixed(0)} s, first query ${firstQuery.ms.toFixed(0)} ms`,
      );

      ctx.log(`ingest: ${photos.length} photos, ${recordings.length} recordings, ${videos.length - 2} clips`);
      const photoRow = await pairedIngest(
        ctx,
        page,
        localConfig,
        {
          label: '640×480 JPEG photos',
          paths: photos,
          units: photos.length,
          unit: 'photos',
          warm: rowWarmPhotos,
        },
        ingestTasks('photos', quick),
        [],
        photosAlone,
      );
      const clips = videos.slice(1, -1);
      const audioRow = photosOnly
        ? undefined
        : await pairedIngest(
            ctx,
            page,
            localConfig,
            {
              label: '30 s recordings (CLAP + Whisper)',
              paths: recordings,
              units: recordings.length * RECORDING_S,
              unit: 'audio s',
              warm: [rowWarmRecording!],
            },
            ingestTasks('audio', quick),
            [],
            audioAlone,
          );
      const videoRow = photosOnly
        ? undefined
        : await pairedIngest(
            ctx,
            page,
            localConfig,
            {
              label: '6 s clips with sound',
              paths: clips,
              units: clips.length * 6,
              unit: 'video s',
              warm: [videos[videos.length - 1]!],
            },
            ingestTasks('video', quick),
            clips,
            (a) => videoAlone(a).rate,
          );
      if (ctx.args.includes('--ingest-only')) {
        const share = (r: PairedRate) => `${(shareOf(r) * 100).toFixed(0)} %`;
        return [
          'The ingest rows alone (`--ingest-only`), each between two timings of its models alone:',
          '',
          '| input | rate | models alone, before / after | app ÷ alone | CPU s by thread |',
          '|---|---|---|---|---|',
          ...[photoRow, audioRow, videoRow].flatMap((r) =>
            r
              ? [
                  `| ${r.app.label} | ${r.rate.toFixed(2)} ${r.app.unit}/s | ${r.before.toFixed(2)} / ${r.after.toFixed(2)} | ${share(r)} | ${cpuText(r.app.cpu, 5)} |`,
                ]
              : [],
          ),
        ].join('\n');
      }
      const afterIngest = await memory('after ingest');

      ctx.log('queries');
      const text: QueryTiming[] = [];
      for (const q of QUERIES) text.push(await timeTextQuery(page, q));
      // A failure from here on is reported with what was measured, not instead of it.
      const failures: string[] = [];
      const image: QueryTiming[] = [];
      const sound: QueryTiming[] = [];
      try {
        for (const p of warmPhotos.slice(0, 3)) image.push(await timeFileQuery(page, 'image', p));
        // An audio query transcribes the clip too: with random Whisper weights that runs to the token limit.
        for (let i = 0; i < 3; i++)
          sound.push(await timeFileQuery(page, 'audio', join(media, 'audio/speech-plumber.wav')));
      } catch (error) {
        failures.push(`image/audio queries: ${String(error).split('\n')[0]}`);
        await page.reload();
        await page
          .getByText(/^\d+ items?$/)
          .first()
          .waitFor({ timeout: 120_000 });
      }
      const afterQueries = await memory('after queries');
      // The state the memory target is about: the query encoders loaded, ingest's models let go.
      ctx.log('waiting until the ingest models are let go');
      const idleWait = INGEST_IDLE_RELEASE_MS + 5_000;
      await page.waitForTimeout(idleWait);
      const afterRelease = await memory(
        `${idleWait / 1000} s after the last ingest work (ingest models let go, query encoders loaded)`,
      );
      const libraryItems = await itemCount(page);

      ctx.log('reloads');
      const reloadOpen = await openApp(page, app.url);
      const afterReload = await timeTextQuery(page, 'first query after a reload');
      await openApp(page, app.url);
      await page.waitForTimeout(10_000);
      const afterIdle = await timeTextQuery(page, 'first query after ten idle seconds');

      ctx.log(`queries during an ingest of ${during.length} photos`);
      const busy: QueryTiming[] = [];
      const before = await itemCount(page);
      await addFiles(page, during);
      await page.getByRole('button', { name: 'Cancel all' }).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(5_000);
      for (const q of QUERIES.slice(0, 5)) {
        busy.push(await timeTextQuery(page, q));
        await page.waitForTimeout(2_000);
      }
      const addedDuring = (await itemCount(page)) - before;
      // What is left of the ingest is not measured; a small one may have finished already.
      const cancel = page.getByRole('button', { name: 'Cancel all' });
      // Its row moves while files finish, so the click goes to the button itself.
      if (await cancel.isVisible()) await cancel.dispatchEvent('click');
      await cancel.waitFor({ state: 'hidden', timeout: 120_000 });

      ctx.log('reload after the long session');
      const longReload = await openApp(page, app.url);
      const steps = await openSteps(page);
      const final = await memory('after the session, reloaded');
      await page.close();

      // The last two steps open other pages; a failure there must not lose what was measured above.
      const sizes = quick ? [10_000] : [10_000, 100_000];
      const scaled: { n: number; run: EncodedRun }[] = [];
      try {
        ctx.log('queries at 10k and 100k segments (search bench library, the encoders in their workers)');
        const bench = await ctx.openPage('/bench/pages/search.html');
        await bench.waitForFunction(() => 'searchBench' in window);
        const dims = {
          clip: config.roles.clip.dim!,
          clap: config.roles.clap.dim!,
          text: config.roles.text.dim!,
        };
        for (const n of sizes) {
          await bench.evaluate(([n, d]) => window.searchBench.prepare(n, d), [n, dims] as const);
          const run = await bench.evaluate(([c, q]) => window.searchBench.runEncoded(c, q), [
            localConfig,
            QUERIES,
          ] as const);
          scaled.push({ n, run });
          ctx.log(`  ${n}: p50 ${run.p50.toFixed(0)} ms`);
        }
        await bench.evaluate(() => window.searchBench.release());
        await bench.close();
      } catch (error) {
        failures.push(`queries at 10k/100k segments: ${String(error).split('\n')[0]}`);
      }

      let stages: StageTimes | undefined;
      try {
        ctx.log('one photo, stage by stage');
        const stagePage = await ctx.openPage('/bench/pages/ingest.html');
        await stagePage.waitForFunction(() => 'ingestBench' in window);
        stages = await stagePage.evaluate((c) => window.ingestBench.imageStages(8, 640, c), localConfig);
        await stagePage.close();
      } catch (error) {
        failures.push(`one photo stage by stage: ${String(error).split('\n')[0]}`);
      }

      // Every model-alone run, the paired ones last (the figures nearest the app's rows).
      const alone: Alone = [
        ...comparisons,
        ...photoRow.alone,
        ...(audioRow?.alone ?? []),
        ...(videoRow?.alone.filter((x) => x.label === CLIPS_ALONE) ?? []),
      ];
      const vision8 = found(photoRow.alone, PHOTOS_ALONE);
      const textAlone = alone.filter((a) => a.result.kind === 'text-query' && !a.label.endsWith('fp32'));
      const med = (xs: number[]) => percentiles(xs).p50;
      const windowsPerRecording = planAudioWindows(RECORDING_S).length;
      const video = videoRow ? videoAlone(videoRow.alone) : undefined;
      const textP = percentiles(text.map((q) => q.ms));
      const encodersAlone = textAlone.reduce((sum, a) => sum + med(a.result.calls), 0);
      const q = (x: QueryTiming) => `${ms(x.ms)} ms (encode ${ms(x.stages.encode)})`;
      const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
      const verdict = (ok: boolean) => (ok ? '✅' : '❌');
      const memRow = (m: Awaited<ReturnType<typeof memory>>) =>
        `| ${m.label} | ${mb(m.rss.app)} (all ${m.rss.each.length} renderers: ${m.rss.each.map(mb).join(' + ')}) | ${mb(m.ua.pageBytes)} | ${mb(m.ua.workerBytes)} (${m.ua.workers} workers) |`;
      const target = (label: string, goal: string, value: string, ok: boolean) =>
        `| ${label} | ${goal} | ${value} | ${verdict(ok)} |`;
      const settledRss = afterRelease.rss.app;
      const scaled100 = scaled.find((s) => s.n === 100_000)?.run;
      const ingestTarget = (label: string, row: PairedRate) =>
        target(
          label,
          '≥ 85 %',
          `${pct(shareOf(row))} (${row.rate.toFixed(2)} ÷ ${((row.before + row.after) / 2).toFixed(2)} ${row.app.unit}/s)`,
          shareOf(row) >= 0.85,
        );
      const ingestRow = (row: PairedRate, models: string) =>
        `| ${row.app.label} | ${row.app.files} | ${row.app.seconds.toFixed(1)} s | ${row.rate.toFixed(2)} ${row.app.unit}/s | ${row.before.toFixed(2)} / ${row.after.toFixed(2)} ${row.app.unit}/s (${models}) | ${pct(shareOf(row))} | ${pct(row.app.busy)} | ${row.app.settled.toFixed(0)} s | ${cpuText(row.app.cpu, 5)} |`;

      return [
        `Models: \`${modelsDir}\` (${Object.entries(config.roles)
          .map(([role, rc]) => `${role} ${rc.model} ${rc.dtype?.wasm ?? 'q8'}`)
          .join(
            ', ',
          )}), served from a second origin; WASM with ${vision8.threads} threads per worker, V8's default`,
        `compilers. The app is the production build served by \`vite preview\` and driven through its UI. Load average`,
        `over the section: ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end. ${errors.length} console errors${errors.length ? `: ${errors.slice(0, 3).join(' | ')}` : ''}.`,
        '',
        '**Targets**',
        '',
        '| what | goal | measured | |',
        '|---|---|---|---|',
        ingestTarget('photos, app ÷ model alone', photoRow),
        ...(audioRow ? [ingestTarget('audio, app ÷ models alone', audioRow)] : []),
        ...(videoRow ? [ingestTarget('video, app ÷ models alone', videoRow)] : []),
        target(
          'text query p50 at 100k segments',
          '≤ 150 ms',
          scaled100 ? `${ms(scaled100.p50)} ms` : 'not run (--quick)',
          !!scaled100 && scaled100.p50 <= 150,
        ),
        target(
          'text query p50 in the app (small library)',
          '≤ 150 ms',
          `${ms(textP.p50)} ms`,
          textP.p50 <= 150,
        ),
        target('first query after 10 s idle', '≤ 1.5 s', `${ms(afterIdle.ms)} ms`, afterIdle.ms <= 1500),
        target(
          'first query right after a reload',
          '≤ 5 s',
          `${ms(afterReload.ms)} ms`,
          afterReload.ms <= 5000,
        ),
        target(
          'query while ingest runs (worst)',
          '≤ 1 s',
          `${ms(Math.max(...busy.map((b) => b.ms)))} ms`,
          Math.max(...busy.map((b) => b.ms)) <= 1000,
        ),
        target(
          'reload after a long session, until the library shows',
          '≤ 2 s',
          `${ms(longReload)} ms`,
          longReload <= 2000,
        ),
        target(
          "memory, the app's renderer (page + workers), query encoders loaded and ingest models let go",
          '≤ 1 GB',
          mb(settledRss),
          settledRss <= 2 ** 30,
        ),
        '',
        '**Ingest** (models warm)',
        '',
        'Each row ran between two timings of its models alone (before / after), in workers kept loaded and warm, so',
        "the app and the models meet the machine at the same speed; the share is the app's rate over their mean.",
        'The app was warmed for each row by one file of its kind just before (2 photos, a 10 s recording, a clip).',
        '',
        '| input | files | wall time | rate | models alone, before / after | app ÷ alone | cores busy | waited for quiet | CPU s by thread |',
        '|---|---|---|---|---|---|---|---|---|',
        ingestRow(photoRow, 'CLIP vision, batch 8'),
        ...(audioRow
          ? [
              ingestRow(
                audioRow,
                `CLAP ${windowsPerRecording} windows of 10 s a recording, ${found(audioRow.alone, CLAP_ALONE).msPerUnit.toFixed(0)} ms each, with Whisper ${found(audioRow.alone, WHISPER_ALONE).unitsPerSecond.toFixed(2)} s/s on the same tones`,
              ),
            ]
          : []),
        ...(videoRow && video
          ? [
              ingestRow(
                videoRow,
                `a ${video.clipS.toFixed(1)} s clip: CLIP ${planFrames(video.clipS).count} frames, CLAP ${planAudioWindows(video.clipS).length} window, Whisper ${video.whisperMs.toFixed(0)} ms on its soundtrack`,
              ),
            ]
          : []),
        '',
        `First visit: the app opened in ${ms(firstOpen)} ms; the first ${warm.length} files (4 photos${photosOnly ? '' : ', a recording, a clip'}), which downloaded and loaded the`,
        `ingest models, took ${firstIngest.toFixed(1)} s; the first query (downloading and loading the three text encoders) took ${ms(firstQuery.ms)} ms.`,
        '',
        "**Queries** (Enter → results in the page; the app's own `trove:search` measure)",
        '',
        '| query | n | p50 | p95 | encode p50 |',
        '|---|---|---|---|---|',
        `| text, app, ${libraryItems} items | ${textP.n} | ${ms(textP.p50)} | ${ms(textP.p95)} | ${ms(med(text.map((x) => x.stages.encode)))} |`,
        ...scaled.map(
          (s) =>
            `| text, search bench library of ${(s.n / 1000).toFixed(0)}k segments (no UI) | ${s.run.queries} | ${ms(s.run.p50)} | ${ms(s.run.p95)} | ${ms(s.run.encodeP50)} |`,
        ),
        `| image (a photo as the query) | ${image.length} | ${ms(med(image.map((x) => x.ms)))} | ${ms(percentiles(image.map((x) => x.ms)).p95)} | ${ms(med(image.map((x) => x.stages.encode)))} |`,
        `| audio (a 5 s clip as the query) | ${sound.length} | ${ms(med(sound.map((x) => x.ms)))} | ${ms(percentiles(sound.map((x) => x.ms)).p95)} | ${ms(med(sound.map((x) => x.stages.encode)))} |`,
        `| text while ${nDuring} photos are being added | ${busy.length} | ${ms(med(busy.map((x) => x.ms)))} | ${ms(percentiles(busy.map((x) => x.ms)).p95)} | ${ms(med(busy.map((x) => x.stages.encode)))} |`,
        '',
        `The three text encoders alone, one short query each (p50): ${textAlone.map((a) => `${a.label.split(',')[0]} ${ms(med(a.result.calls))} ms`).join(', ')}; together ${ms(encodersAlone)} ms if run one after another.`,
        `First query right after a reload: ${q(afterReload)}; after 10 s idle: ${q(afterIdle)}. During the ingest ${addedDuring} photos became ready while the queries ran.`,
        '',
        '**Loading and memory**',
        '',
        `Reload after the session (${libraryItems} items, then an ingest of ${nDuring} photos cancelled part way): the library showed after ${ms(longReload)} ms; reload before that: ${ms(reloadOpen)} ms.`,
        `Where that reload went (ms after navigation): ${Object.entries(steps)
          .sort((a, b) => a[1] - b[1])
          .map(([k, v]) => `${k} ${ms(v)}`)
          .join(', ')}.`,
        `Model load from Cache Storage, model alone: ${alone.map((a) => `${a.label.split(',')[0]} ${ms(a.result.loadMs)} ms`).join(', ')}.`,
        '',
        "| when | the app's renderer, resident (page + workers, WASM included) | page JS + DOM | workers JS |",
        '|---|---|---|---|',
        memRow(afterIngest),
        memRow(afterQueries),
        memRow(afterRelease),
        memRow(final),
        '',
        '**Where the time goes**',
        '',
        `One query (app, p50 of ${text.length}): encode ${ms(med(text.map((x) => x.stages.encode)))} ms, search ${ms(med(text.map((x) => x.stages.search)))} ms, fuse ${ms(med(text.map((x) => x.stages.fuse)))} ms, total in the searcher ${ms(med(text.map((x) => x.stages.total)))} ms, Enter → results ${ms(textP.p50)} ms.`,
        '',
        stages
          ? `One photo (${stages.images} 640×480 JPEGs, one at a time, outside the queue, ms per photo): decode in the image worker ${ms(stages.decodeWorker)}, CLIP vision one per call ${ms(stages.encodeBitmap)}, in one batch ${ms(stages.encodeBatched)}, store write ${ms(stages.write)}; model alone ${ms(vision8.msPerUnit)} (batch 8) and ${ms(alone.find((a) => a.label === 'CLIP vision, batch 1')!.result.msPerUnit)} (batch 1).`
          : 'One photo, stage by stage: not measured (below).',
        ...(failures.length ? ['', `Not measured: ${failures.join('; ')}.`] : []),
        '',
        '**Models alone** (one worker each, inputs made up front, after one warm-up call)',
        '',
        '| model | dtype | threads | load | per unit | units/s |',
        '|---|---|---|---|---|---|',
        ...alone.map(
          ({ label, result: r }) =>
            `| ${label} | ${r.dtype} | ${r.threads} | ${ms(r.loadMs)} ms | ${ms(r.msPerUnit)} ms | ${r.unitsPerSecond.toFixed(2)} |`,
        ),
      ].join('\n');
    } finally {
      await app.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default section;
