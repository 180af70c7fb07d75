// The caption role in its worker on the fixture Florence-2, through the real transformers.js
// (Florence2ForConditionalGeneration, Florence2Processor), ORT, Workers, WASM and WebGPU (SwiftShader):
// each fixture picture's caption says its colour, the configured task decides the caption's form, OCR
// finds no text in pictures that hold none, and a configuration without captions has no caption worker.
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoders, type Encoders } from '../../src/encoders/encoders';
import type { Device } from '../../src/models/config';
import type { CaptionSettings } from '../../src/models/caption-config';
import { fixtureModelsConfig } from '../support/fixture-models';
import { fetchBlob } from '../support/browser-media';
import { formatImages, images } from '../../scripts/fixtures/world';
import { fixtureAnswer } from '../../scripts/fixtures/models/florence-script';

const pictures = [...images, ...formatImages];
const captions: Record<string, Partial<Record<Device, string[]>>> = {};

const opened: Encoders[] = [];
afterAll(() => opened.forEach((e) => e.terminate()));
function encoders(prefer: Device, settings: CaptionSettings) {
  const e = createEncoders(fixtureModelsConfig('/test/fixtures/models/', settings), { prefer });
  opened.push(e);
  return e;
}
const blobs = () => Promise.all(pictures.map((p) => fetchBlob(`image/${p.file}`)));

describe.each(['wasm', 'webgpu'] as const)('caption role on %s', (device) => {
  const enc = encoders(device, { enabled: true });

  it('runs on the requested device with the configured dtype', async () => {
    expect(await enc.caption!.start()).toMatchObject({
      role: 'caption',
      model: 'trove-fixtures/florence',
      device,
      dtype: 'fp32',
    });
  });

  it("says each picture's colour: red for the red picture, blue for the blue one", async () => {
    const said = await enc.caption!.caption(await blobs());
    expect(said).toHaveLength(pictures.length);
    pictures.forEach((p, i) => {
      expect(said[i], p.file).toContain(p.colour);
      // The default task (<MORE_DETAILED_CAPTION>) also names the accent shape's colour.
      expect(said[i], p.file).toBe(fixtureAnswer('detailed', p.colour, p.accent));
    });
    const red = pictures.findIndex((p) => p.file === 'red-square.png');
    const blue = pictures.findIndex((p) => p.file === 'blue-sky.webp');
    expect(said[red]).toMatch(/\bred\b/);
    expect(said[red]).not.toMatch(/\bblue\b/);
    expect(said[blue]).toMatch(/\bblue\b/);
    expect(said[blue]).not.toMatch(/\bred\b/);
    captions.detailed = { ...captions.detailed, [device]: said };
  });

  it('reads no text in pictures that hold none', async () => {
    expect(await enc.caption!.readText(await blobs())).toEqual(pictures.map(() => ''));
  });

  // The task only changes the prompt the model sees; WASM shows it as well as SwiftShader, in far less time.
  it.runIf(device === 'wasm')('follows captions.task: <CAPTION> gives the short form', async () => {
    const short = encoders(device, { enabled: true, task: '<CAPTION>' });
    const said = await short.caption!.caption(await blobs());
    expect(said).toEqual(pictures.map((p) => fixtureAnswer('short', p.colour)));
  });

  it('answers an empty batch without starting work', async () => {
    expect(await enc.caption!.caption([])).toEqual([]);
  });
});

describe('both devices', () => {
  it('say the same captions', () => {
    expect(captions.detailed?.wasm).toBeDefined();
    expect(captions.detailed?.webgpu).toEqual(captions.detailed?.wasm);
  });
});

describe('the captions setting', () => {
  it('off (the default): no caption worker is created', () => {
    expect(encoders('wasm', { enabled: false }).caption).toBeUndefined();
  });

  it('a broken caption model names the model and the file URL', async () => {
    const config = fixtureModelsConfig('/test/fixtures/models/', { enabled: true });
    config.roles.caption!.dtype.wasm = 'q4';
    const enc = createEncoders(config, { prefer: 'wasm' });
    opened.push(enc);
    await expect(enc.caption!.caption([await fetchBlob('image/red-square.png')])).rejects.toThrow(
      /caption model "trove-fixtures\/florence".*florence\/onnx\/\w+_q4\.onnx/,
    );
  });
});
