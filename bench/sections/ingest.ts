// Ingest throughput per media type (issue 4), through the whole pipeline on the fixture models, so the
// figures are the pipeline's own cost: intake (hash + OPFS copy), decoding, worker hops, preprocessing,
// the one-transaction store write and the vector index. `npm run bench -- ingest --images=200`.
import { cpus } from 'node:os';
import { argValue, type BenchSection } from '../lib/harness.ts';
import { cpuTimes, speedProbe, waitForQuietMachine } from '../lib/machine.ts';
import type { IngestRun, StageTimes } from '../pages/ingest-bench.ts';

/**
 * Machine CPU over the timed part of a run (every process: the browser's, and anything else running), from
 * samples taken every 250 ms while the run went on: the share of all cores that was busy, and the busy CPU
 * time per file.
 */
function cpuDuring(samples: ReturnType<typeof cpuTimes>[], run: IngestRun) {
  const from = samples.findLast((s) => s.at <= run.startedAt) ?? samples[0]!;
  const to = samples.find((s) => s.at >= run.endedAt) ?? samples.at(-1)!;
  const busy = to.busy - from.busy;
  return { busyShare: busy / Math.max(1, to.total - from.total), msPerFile: busy / run.files };
}

const section: BenchSection = {
  name: 'ingest',
  title: 'Ingest throughput on the fixture models (issue 4)',
  async run(ctx) {
    const nImages = Number(argValue(ctx.args, 'images') ?? 200);
    const page = await ctx.openPage('/bench/pages/ingest.html');
    // A background tab defers canvas encoding (convertToBlob waits for idle time), which is not what is
    // measured here; see the note on background tabs below.
    await page.bringToFront();
    await page.waitForFunction(() => 'ingestBench' in window);
    await page.exposeFunction('waitForQuietMachine', () => waitForQuietMachine());
    const plan: [
      string,
      IngestRun['kind'],
      number,
      { transcribe?: boolean; size?: number; imageBatch?: number; settle?: boolean },
      string,
      number?,
    ][] = [
      // First: workers started later in the same browser reuse V8's optimized code, so only this run is cold.
      [
        'image-cold',
        'image',
        nImages,
        { size: 640, settle: false },
        '640×480 JPEG, first run, timed as soon as the workers are up',
      ],
      // Repeated, since the machine's speed drifts (see speedProbe); the row is the median run.
      ['image', 'image', nImages, { size: 640 }, '640×480 JPEG', 5],
      ['image-one-by-one', 'image', nImages, { size: 640, imageBatch: 1 }, '640×480 JPEG, no batching'],
      ['image-large', 'image', Math.round(nImages / 4), { size: 2048 }, '2048×1536 JPEG'],
      ['audio', 'audio', 8, { transcribe: false }, '30 s WAV, no transcription'],
      ['audio-speech', 'audio', 2, { transcribe: true }, '30 s WAV, with transcription'],
      ['video', 'video', 8, { transcribe: false }, '6 s 160×120 clip with sound, no transcription'],
      ['video-speech', 'video', 4, { transcribe: true }, '6 s 160×120 clip with sound, with transcription'],
      ['text', 'text', 40, {}, '2000-word .txt'],
    ];
    const only = argValue(ctx.args, 'runs')?.split(',');
    const runs: IngestRun[] = [];
    const labels: string[] = [];
    /** How busy the machine's cores were during each run, and CPU time spent per file (every process). */
    const cpu: { busyShare: number; msPerFile: number }[] = [];
    const probes: number[] = [];
    const repeats: string[] = [];
    for (const [name, kind, n, options, label, times = 1] of plan) {
      if (only && !only.includes(name)) continue;
      const tries: { run: IngestRun; cpu: (typeof cpu)[number]; probe: number }[] = [];
      for (let t = 0; t < times; t++) {
        ctx.log(`${kind}: ${n} × ${label}${times > 1 ? ` (${t + 1}/${times})` : ''}`);
        const probe = speedProbe();
        const samples = [cpuTimes()];
        const sampler = setInterval(() => samples.push(cpuTimes()), 250);
        let run: IngestRun;
        try {
          run = await page.evaluate(([k, n, o]) => window.ingestBench.run(k, n, o), [
            kind,
            n,
            { settle: true, ...options },
          ] as const);
        } finally {
          clearInterval(sampler);
        }
        samples.push(cpuTimes());
        tries.push({ run, cpu: cpuDuring(samples, run), probe });
        ctx.log(
          `  ${run.filesPerSecond.toFixed(2)} files/s in ${run.seconds.toFixed(1)} s, probe ${probe.toFixed(0)} ms`,
        );
      }
      // The median run, whole, so its CPU figures and probe stay with it.
      const chosen = [...tries].sort((a, b) => a.run.filesPerSecond - b.run.filesPerSecond)[
        tries.length >> 1
      ]!;
      runs.push(chosen.run);
      cpu.push(chosen.cpu);
      probes.push(chosen.probe);
      labels.push(label);
      if (times > 1) {
        const each = tries.map(
          (x) =>
            `${x.run.filesPerSecond.toFixed(1)} (${x.cpu.msPerFile.toFixed(1)} ms CPU, probe ${x.probe.toFixed(0)} ms)`,
        );
        repeats.push(
          `${label}, ${times} runs in order, files/s: ${each.join('; ')}. The table shows the median run.`,
        );
      }
    }
    ctx.log('image stages');
    const stages: StageTimes = await page.evaluate((n) => window.ingestBench.imageStages(n), 64);
    const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
    const small = runs.find((r, i) => labels[i] === '640×480 JPEG');
    return [
      '| input | files | wall time | files/s | media/s | segments | failed | cores busy | CPU ms per file | waited for a quiet machine | speed probe |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...runs.map(
        (r, i) =>
          `| ${labels[i]} | ${r.files} | ${r.seconds.toFixed(1)} s | ${f(r.filesPerSecond)} | ${f(r.unitsPerSecond)} ${r.unit}/s | ${r.segments} | ${r.failed} | ${(cpu[i]!.busyShare * 100).toFixed(0)} % | ${f(cpu[i]!.msPerFile)} | ${r.settledAfter ? `${r.settledAfter.toFixed(0)} s` : 'no'} | ${probes[i]!.toFixed(0)} ms |`,
      ),
      '',
      ...repeats.flatMap((r) => [r, '']),
      small
        ? `Goal: ≥ 100 images/s of pipeline overhead. Measured: ${f(small.filesPerSecond)} images/s (640×480, median of the runs) ${small.filesPerSecond >= 100 ? '✅' : '❌'}.`
        : '',
      '',
      `Where one image's time goes (${stages.images} 640×480 JPEGs, one at a time, outside the queue):`,
      '',
      '| step | ms per image |',
      '| --- | --- |',
      `| decode on the page (EXIF orientation, PNG for the encoder, JPEG thumbnail, capture date) | ${stages.decodePage.toFixed(1)} |`,
      `| decode in the image worker (bitmap for the encoder, JPEG thumbnail, capture date); what ingest uses | ${stages.decodeWorker.toFixed(1)} |`,
      `| CLIP image encoder from the PNG, one image per call (transformers.js preprocessing before this change read the same PNG) | ${stages.encodePng.toFixed(1)} |`,
      `| CLIP image encoder from the bitmap, one image per call (what ingest does) | ${stages.encodeBitmap.toFixed(1)} |`,
      `| CLIP image encoder, all ${stages.images} bitmaps in one call | ${stages.encodeBatched.toFixed(1)} |`,
      `| store write (segment, vector, thumbnail, item; one transaction) | ${stages.write.toFixed(1)} |`,
      '',
      'Each run opens a fresh library and warms the workers first (model files cached, as for a returning',
      'user); wall time runs from addFiles to the queue going idle and includes the hash and OPFS copy of',
      'every file. Between the warm-up and the timed part the run waits until the machine is quiet (its cores',
      'under 15 % busy for a second; the wait is in the last column): for tens of seconds after new workers',
      "first run, V8 keeps a core busy optimizing onnxruntime-web's WASM, which is a one-off cost of opening",
      'the app, not of each file. The first row, timed as soon as the workers are up, shows a batch paying it;',
      'later workers in the same browser reuse the optimized code.',
      'Files are taken in (hashed, copied, recorded) eight at a time and worked on two at a time',
      '(one video or recording at most), small images in batches of up to 16. "Cores busy" is the share of',
      `all ${cpus().length} of the machine's cores busy during the timed part (every process, the browser's and any`,
      'other), and "CPU ms per file" that busy time divided by the files: near 100 % busy, files/s is bound by',
      'CPU, and only less work per file raises it. "Speed probe" is the time of a fixed JavaScript workload',
      'run just before the row: this machine shares its host, and the same workload took from about 190 to',
      'about 860 ms within one bench run, which moves every figure here with it. The fixture models',
      'cost almost nothing, so real models add their own time on top: docs/design-notes.md has the real-size CLIP',
      'image encoder at 149–649 ms per image here, about 7 images/s with batching.',
    ].join('\n');
  },
};

export default section;
