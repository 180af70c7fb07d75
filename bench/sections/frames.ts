// Frame extraction from a 720p H.264 clip (issue 4): ffmpeg.wasm in its worker against Debian's native
// ffmpeg running the same filter graph in the same run. The clip is generated with native ffmpeg into
// node_modules/.cache, which the Vite server can serve. `npm run bench -- frames --seconds=60`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, type BenchSection } from '../lib/harness.ts';
import type { FramesRun } from '../pages/frames-bench.ts';
import { frameArgs, frameWindow } from '../../src/ingest/video/ffmpeg-args.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const INTERVAL = 2;
const FPS = 30;

function generateClip(seconds: number): string {
  const dir = join(root, 'node_modules', '.cache', 'trove-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `clip-720p-${seconds}s.mp4`);
  if (!existsSync(file)) {
    // A moving test pattern with a tone: H.264 High, keyframe every 2 s, like a phone or camera clip.
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=1280x720:rate=${FPS}:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      String(FPS * 2),
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '96k',
      '-shortest',
      file,
    ]);
  }
  return file;
}

/** The worker's own command line (src/ingest/video/ffmpeg-args.ts), run by the native binary. */
function nativeExtract(
  file: string,
  seconds: number,
  threads: number | null,
): { ms: number; frames: number } {
  const out = mkdtempSync(join(tmpdir(), 'trove-frames-'));
  // The whole clip as one window: the worker is asked for it in windows of at most its per-request cap.
  const window = {
    ...frameWindow({ intervalS: INTERVAL, frameRate: FPS, endS: seconds }),
    maxFrames: Math.ceil(seconds / INTERVAL),
  };
  const t0 = performance.now();
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    ...(threads ? ['-threads', String(threads), '-filter_complex_threads', '1'] : []),
    ...frameArgs(file, out, window),
  ]);
  const ms = performance.now() - t0;
  const frames = Number(
    execFileSync('sh', ['-c', `ls ${out} | grep -c '^f_'`])
      .toString()
      .trim(),
  );
  rmSync(out, { recursive: true, force: true });
  return { ms, frames };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const section: BenchSection = {
  name: 'frames',
  title: 'Video frame extraction, ffmpeg.wasm vs native (issue 4)',
  async run(ctx) {
    const seconds = Number(argValue(ctx.args, 'seconds') ?? 60);
    const runs = Number(argValue(ctx.args, 'runs') ?? 3);
    const clip = generateClip(seconds);
    const url = '/' + clip.slice(root.length).replace(/^\/+/, '');
    const page = await ctx.openPage('/bench/pages/frames.html');
    await page.waitForFunction(() => 'framesBench' in window);
    const wasm: FramesRun[] = [];
    for (let i = 0; i < runs; i++) {
      ctx.log(`wasm run ${i + 1}/${runs}`);
      wasm.push(await page.evaluate(([u, n]) => window.framesBench.run(u, n), [url, INTERVAL] as const));
    }
    const native1 = Array.from({ length: runs }, () => nativeExtract(clip, seconds, 1));
    const nativeAll = Array.from({ length: runs }, () => nativeExtract(clip, seconds, null));
    const wasmMs = median(wasm.map((r) => r.extractMs));
    const n1 = median(native1.map((r) => r.ms));
    const nAll = median(nativeAll.map((r) => r.ms));
    const ratio = (x: number) => (wasmMs / x).toFixed(2);
    return [
      `Clip: ${seconds} s of 1280×720 H.264 at ${FPS} fps (keyframe every 2 s) with AAC audio; a frame every`,
      `${INTERVAL} s, scaled to 224 px on the short side (BMP for the encoder) plus a 160 px JPEG thumbnail. Median of ${runs} runs.`,
      '',
      '| extractor | frames | time | ffmpeg.wasm ÷ this |',
      '| --- | --- | --- | --- |',
      `| ffmpeg.wasm 0.12 (single-threaded core, its own worker, WORKERFS input) | ${wasm[0]!.frames} | ${(wasmMs / 1000).toFixed(2)} s | 1.00 |`,
      `| native ffmpeg, 1 thread | ${native1[0]!.frames} | ${(n1 / 1000).toFixed(2)} s | ${ratio(n1)} |`,
      `| native ffmpeg, default threads (2 cores) | ${nativeAll[0]!.frames} | ${(nAll / 1000).toFixed(2)} s | ${ratio(nAll)} |`,
      '',
      `The wasm time includes the probe and the transfer of the frames to the page. Loading the core`,
      `(31 MB wasm) took ${wasm[0]!.loadMs.toFixed(0)} ms the first time in this page; the audio track`,
      `(mono f32 PCM at 48 and 16 kHz, one decode) took ${(median(wasm.map((r) => r.audioMs)) / 1000).toFixed(2)} s.`,
      `Goal (issue 4): ffmpeg.wasm within 2× of native.`,
    ].join('\n');
  },
};

export default section;
