// What reading text in pictures adds per photo (issue 23), on the fixture models: photos without text and
// photos of a receipt, ingested with captions.ocr off and on, and the cheap text test on its own.
// `npm run bench -- ocr --photos=40`.
import { argValue, type BenchSection } from '../lib/harness.ts';
import { speedProbe } from '../lib/machine.ts';
import type { OcrRun, PhotoKind } from '../pages/ocr-bench.ts';

const section: BenchSection = {
  name: 'ocr',
  title: 'Text in pictures: added cost per photo on the fixture models (issue 23)',
  async run(ctx) {
    const n = Number(argValue(ctx.args, 'photos') ?? 40);
    const repeats = Number(argValue(ctx.args, 'repeats') ?? 3);
    const page = await ctx.openPage('/bench/pages/ocr.html');
    await page.bringToFront();
    await page.waitForFunction(() => 'ocrBench' in window);
    const median = (xs: OcrRun[]) => [...xs].sort((a, b) => a.msPerFile - b.msPerFile)[xs.length >> 1]!;
    const rows: { kind: PhotoKind; off: OcrRun; on: OcrRun }[] = [];
    const probes: number[] = [];
    for (const kind of ['plain', 'text'] as const) {
      const tries: Record<'off' | 'on', OcrRun[]> = { off: [], on: [] };
      // Off and on alternate, so a drift in the machine's speed falls on both.
      for (let t = 0; t < repeats; t++)
        for (const ocr of [false, true]) {
          probes.push(speedProbe());
          const r = await page.evaluate(([k, n, o]) => window.ocrBench.run(k, n, o), [kind, n, ocr] as const);
          ctx.log(`${kind}, OCR ${ocr ? 'on' : 'off'}: ${r.msPerFile.toFixed(1)} ms/photo, ${r.read} read`);
          tries[ocr ? 'on' : 'off'].push(r);
        }
      rows.push({ kind, off: median(tries.off), on: median(tries.on) });
    }
    const test = await page.evaluate(() => window.ocrBench.textTest(400));
    const f = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
    const label = {
      plain: '640×480 JPEG without text',
      text: '384×384 receipt ("INVOICE 2291 TOTAL 86.50")',
    };
    return [
      `${n} photos per run, ingested through the whole pipeline (Trove, image workers, encoder workers on the`,
      'fixture models, store, vector index), captions off; reading text (captions.ocr) off, then on. Median of',
      `${repeats} runs each, off and on alternating. Speed probe ${Math.min(...probes).toFixed(0)}–${Math.max(...probes).toFixed(0)} ms (see Ingest).`,
      '',
      '| photos | OCR off (ms/photo) | OCR on (ms/photo) | added (ms/photo) | shown to the model, OCR on | OCR segments |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${label[r.kind]} | ${f(r.off.msPerFile)} | ${f(r.on.msPerFile)} | ${f(r.on.msPerFile - r.off.msPerFile)} | ${r.on.read} of ${r.on.files} | ${r.on.ocrSegments} |`,
      ),
      '',
      `The text test alone (getImageData and the crossing count on a 299×224 encoder copy): ${test.msPerPicture.toFixed(2)} ms a picture, median of 400.`,
      '',
      'A photo without text pays only the text test (in the image worker, beside decoding); the difference in',
      'the first row is that and noise. A photo with text pays one Florence-2 <OCR> run, and the first one',
      'in a session starts the caption worker, whose WASM V8 then compiles in the background for tens of',
      'seconds of a core: on this 2-core machine, shared with other work, that moves the second row a lot',
      'from run to run. The fixture',
      "Florence-2 is a few hand-set ONNX nodes, so the second row is the pipeline's cost around the model",
      '(the caption worker round trip, PNG for the model, generation loop, text embedding), not a real',
      "model's. Florence-2-base (230 M parameters, 768 px input) at real size: the next section",
      '(`npm run bench -- ocr-realsize`, on the world `npm run realsize:models` makes).',
    ].join('\n');
  },
};

export default section;
