// The encoder benchmark (issue 3): items per second for each role and device, and the time from starting
// a worker to its first result, on the fixture models (so it isolates the pipeline's own cost).
import type { BenchSection } from '../lib/harness.ts';
import type { EncoderRun } from '../pages/encoders-bench.ts';

const tasks = ['clip-text', 'clip-image', 'clap-audio', 'text-passage', 'speech'] as const;
const devices = ['wasm', 'webgpu'] as const;

const section: BenchSection = {
  name: 'encoders',
  title: 'Encoders on the fixture models (issue 3)',
  async run(ctx) {
    const page = await ctx.openPage('/bench/pages/encoders.html');
    await page.waitForFunction(() => 'encoderBench' in window);
    const rows: EncoderRun[] = [];
    for (const device of devices) {
      for (const task of tasks) {
        ctx.log(`${task} on ${device}`);
        rows.push(await page.evaluate(([t, d]) => window.encoderBench.run(t, d), [task, device] as const));
      }
    }
    const lines = [
      '| role / input | device | ran on | worker start → first result | throughput |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.task} | ${r.device} | ${r.ranOn} | ${r.firstResultMs.toFixed(0)} ms | ${r.perSecond.toFixed(1)} ${r.unit}/s (${r.items} ${r.unit}) |`,
      ),
      '',
      'Fixture models are a few KB, so these figures are the pipeline around the model: image decoding and',
      'resizing, log-mel features, tokenising, worker messages and ORT session overhead. WebGPU here is',
      'SwiftShader (a CPU emulation of a GPU), so its numbers say nothing about a real GPU. "First result"',
      'starts a new worker with the model files already cached, as for a returning user. docs/design-notes.md gives the',
      'real-size CLIP image encoder at 149–649 ms per image on this machine: the pipeline must cost far less.',
    ];
    return lines.join('\n');
  },
};

export default section;
