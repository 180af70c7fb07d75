// Real-size cost (issue 20): the built app driven through its UI on models of the real architecture and size
// (npm run realsize:models, or real downloads with --models DIR), beside each model run alone in the same
// browser and run. `npm run bench -- realsize [--models=DIR] [--photos=48] [--during=500] [--quick]`;
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
}

async function timedIngest(
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
  const t0 = Date.now();
  await addFiles(page, paths);
  await waitForItems(page, before + paths.length, limitMs);
  const seconds = (Date.now() - t0) / 1000;
  return { label, files: paths.length, units, unit, seconds, busy: busyShare(cpu0, cpuTimes()), settled };
}

async function modelOnly(ctx: BenchContext, config: ModelsConfig, quick: boolean, clips: string[]) {
  const page = await ctx.openPage('/bench/pages/model-only.html');
  await page.waitForFunction(() => 'modelOnly' in window);
  const tasks: [string, ModelOnlyTask][] = [
    ['CLIP vision, batch 8', { kind: 'clip-vision', batch: 8, images: quick ? 16 : 48 }],
    ['CLIP vision, batch 1', { kind: 'clip-vision', batch: 1, images: quick ? 4 : 16 }],
    ['CLAP audio, batch 4 windows of 10 s', { kind: 'clap-audio', batch: 4, windows: quick ? 4 : 12 }],
    ['CLIP text, one query', { kind: 'text-query', role: 'clip', queries: QUERIES }],
    ['CLAP text, one query', { kind: 'text-query', role: 'clap', queries: QUERIES }],
    ['e5 text, one query', { kind: 'text-query', role: 'text', queries: QUERIES }],
    // The very sounds the app is timed on (the two 30 s recordings), so both generate alike.
    [
      'Whisper, 30 s of audio',
      {
        kind: 'speech',
        seconds: RECORDING_S,
        tones: [0, 1].slice(0, quick ? 1 : 2).map((i) => recordingTone(i)),
        amplitude: RECORDING_AMPLITUDE,
      },
    ],
    // Dtype per role by measurement: a short query may run faster unquantized on WASM.
    ['CLIP text, one query, fp32', { kind: 'text-query', role: 'clip', queries: QUERIES, dtype: 'fp32' }],
    ['CLAP text, one query, fp32', { kind: 'text-query', role: 'clap', queries: QUERIES, dtype: 'fp32' }],
    ['e5 text, one query, fp32', { kind: 'text-query', role: 'text', queries: QUERIES, dtype: 'fp32' }],
    // What the browser's WebGPU adapter gives, when it has one (here SwiftShader, on the CPU).
    ['CLIP vision, batch 8, WebGPU', { kind: 'clip-vision', batch: 8, images: 16, device: 'webgpu' }],
  ];
  const out: { label: string; result: ModelOnlyResult }[] = [];
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
    const label = "Whisper, the clips' soundtracks";
    ctx.log(`model only: ${label}`);
    const videos = clips.map((p) => readFileSync(p).toString('base64'));
    const result = await page.evaluate(([c, v]) => window.modelOnly.speechOnVideos(c, v), [
      config,
      videos,
    ] as const);
    ctx.log(`  ${result.unitsPerSecond.toFixed(2)} audio s/s over ${clips.length} clips`);
    out.push({ label, result });
  }
  await page.close();
  return out;
}

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
      const videos = writeVideos(join(work, 'video'), quick ? 2 : 4, join(media, 'video'));
      const alone = await modelOnly(ctx, localConfig, quick, photosOnly ? [] : videos.slice(1));

      ctx.log('making inputs');
      const warmPhotos = await writePhotos(join(work, 'warm'), 4, 'warm');
      const photos = await writePhotos(join(work, 'photos'), nPhotos);
      const [warmRecording] = writeRecordings(join(work, 'warm'), 1, 10, 100);
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

      ctx.log(`ingest: ${photos.length} photos, ${recordings.length} recordings, ${videos.length - 1} clips`);
      const rates: IngestRate[] = [];
      rates.push(await timedIngest(page, '640×480 JPEG photos', photos, photos.length, 'photos', 900_000));
      if (!photosOnly) {
        rates.push(
          await timedIngest(
            page,
            '30 s recordings (CLAP + Whisper)',
            recordings,
            recordings.length * 30,
            'audio s',
            900_000,
          ),
        );
        const clips = videos.slice(1);
        rates.push(
          await timedIngest(page, '6 s clips with sound', clips, clips.length * 6, 'video s', 900_000),
        );
      }
      for (const r of rates) ctx.log(`  ${r.label}: ${(r.units / r.seconds).toFixed(2)} ${r.unit}/s`);
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

      const vision8 = alone.find((a) => a.label === 'CLIP vision, batch 8')!.result;
      const clapAlone = alone.find((a) => a.label.startsWith('CLAP audio'))!.result;
      const whisperAlone = alone.find((a) => a.label === 'Whisper, 30 s of audio')!.result;
      const whisperClips = alone.find((a) => a.label.startsWith('Whisper, the clips'))?.result;
      const textAlone = alone.filter((a) => a.result.kind === 'text-query' && !a.label.endsWith('fp32'));
      const med = (xs: number[]) => percentiles(xs).p50;
      const photoRate = rates[0]!.units / rates[0]!.seconds;
      const audioRate = rates[1] ? rates[1].units / rates[1].seconds : NaN;
      // A recording costs CLAP the windows the app embeds (10 s every 5 s) and Whisper its seconds, on the same
      // sound: the rate both alone allow.
      const windowsPerRecording = planAudioWindows(RECORDING_S).length;
      const audioAlone =
        RECORDING_S /
        ((windowsPerRecording * clapAlone.msPerUnit) / 1000 + RECORDING_S / whisperAlone.unitsPerSecond);
      // A clip costs CLIP its frames (one every 2 s), CLAP its windows and Whisper its soundtrack (the same one,
      // decoded by the browser): the rate the three alone allow. ffmpeg's decoding is the app's own work.
      const videoRate = rates[2] ? rates[2].units / rates[2].seconds : NaN;
      const clipS = whisperClips
        ? whisperClips.calls.reduce((a, b) => a + b, 0) / whisperClips.msPerUnit / whisperClips.calls.length
        : NaN;
      const clipModelsMs = whisperClips
        ? whisperClips.calls.reduce(
            (sum, whisperMs) =>
              sum +
              planFrames(clipS).count * vision8.msPerUnit +
              planAudioWindows(clipS).length * clapAlone.msPerUnit +
              whisperMs,
            0,
          )
        : NaN;
      const videoAlone = whisperClips ? (clipS * whisperClips.calls.length * 1000) / clipModelsMs : NaN;
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
        target(
          'photos, app ÷ model alone',
          '≥ 85 %',
          `${pct(photoRate / vision8.unitsPerSecond)} (${photoRate.toFixed(2)} ÷ ${vision8.unitsPerSecond.toFixed(2)} photos/s)`,
          photoRate >= 0.85 * vision8.unitsPerSecond,
        ),
        target(
          'audio, app ÷ models alone',
          '≥ 85 %',
          `${pct(audioRate / audioAlone)} (${audioRate.toFixed(2)} ÷ ${audioAlone.toFixed(2)} audio s/s)`,
          !photosOnly && audioRate >= 0.85 * audioAlone,
        ),
        target(
          'video, app ÷ models alone',
          '≥ 85 %',
          `${pct(videoRate / videoAlone)} (${videoRate.toFixed(2)} ÷ ${videoAlone.toFixed(2)} video s/s)`,
          !photosOnly && videoRate >= 0.85 * videoAlone,
        ),
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
        '| input | files | wall time | rate | model alone | app ÷ alone | cores busy | waited for quiet |',
        '|---|---|---|---|---|---|---|---|',
        `| ${rates[0]!.label} | ${rates[0]!.files} | ${rates[0]!.seconds.toFixed(1)} s | ${photoRate.toFixed(2)} photos/s | ${vision8.unitsPerSecond.toFixed(2)} images/s (CLIP vision, batch 8) | ${pct(photoRate / vision8.unitsPerSecond)} | ${pct(rates[0]!.busy)} | ${rates[0]!.settled.toFixed(0)} s |`,
        ...(rates[1]
          ? [
              `| ${rates[1]!.label} | ${rates[1]!.files} | ${rates[1]!.seconds.toFixed(1)} s | ${audioRate.toFixed(2)} audio s/s | ${audioAlone.toFixed(2)} audio s/s (CLAP ${windowsPerRecording} windows of 10 s a recording, ${clapAlone.msPerUnit.toFixed(0)} ms each, with Whisper ${whisperAlone.unitsPerSecond.toFixed(2)} s/s on the same tones) | ${pct(audioRate / audioAlone)} | ${pct(rates[1]!.busy)} | ${rates[1]!.settled.toFixed(0)} s |`,
            ]
          : []),
        ...(rates[2]
          ? [
              `| ${rates[2]!.label} | ${rates[2]!.files} | ${rates[2]!.seconds.toFixed(1)} s | ${videoRate.toFixed(2)} video s/s | ${videoAlone.toFixed(2)} video s/s (a ${clipS.toFixed(1)} s clip: CLIP ${planFrames(clipS).count} frames, CLAP ${planAudioWindows(clipS).length} window, Whisper ${(whisperClips!.calls.reduce((a, b) => a + b, 0) / whisperClips!.calls.length).toFixed(0)} ms on its soundtrack) | ${pct(videoRate / videoAlone)} | ${pct(rates[2]!.busy)} | ${rates[2]!.settled.toFixed(0)} s |`,
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
