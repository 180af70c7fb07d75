// The fixture Florence-2 through transformers.js's real Florence2ForConditionalGeneration and
// Florence2Processor on onnxruntime-node: each fixture picture's caption names its dominant colour (and, in
// the detailed form, its accent colour), the task prompt picks the answer, OCR reads the text of the
// pictures that hold some (in the fixture typeface) and nothing in the others, a batch of pictures gets one
// caption each, and the committed model files are what the generator writes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AutoProcessor,
  BartTokenizer,
  env,
  Florence2ForConditionalGeneration,
  Florence2Processor,
  RawImage,
  type Tensor,
} from '@huggingface/transformers';
import { formatImages, images, placePhotos, textPictures, type Colour } from '../../scripts/fixtures/world';
import { FLORENCE_ID, florenceModel } from '../../scripts/fixtures/models/florence';
import { florenceVocabulary } from '../../scripts/fixtures/models/florence-tokenizer';
import {
  fixtureAnswer,
  taskPrompts,
  vocabularyTexts,
  type AnswerTask,
} from '../../scripts/fixtures/models/florence-script';

const fixtures = new URL('../fixtures/', import.meta.url);
const modelDir = new URL(`models/${FLORENCE_ID}/`, fixtures);
const pictures = [...images, ...formatImages];

let model: Florence2ForConditionalGeneration;
let processor: Florence2Processor;

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = fileURLToPath(new URL('models/', fixtures));
  model = (await Florence2ForConditionalGeneration.from_pretrained(FLORENCE_ID, {
    dtype: 'fp32',
  })) as Florence2ForConditionalGeneration;
  processor = (await AutoProcessor.from_pretrained(FLORENCE_ID)) as Florence2Processor;
}, 60_000);

async function picture(file: string, folder = 'image'): Promise<RawImage> {
  return RawImage.read(fileURLToPath(new URL(`media/${folder}/${file}`, fixtures)));
}

/** Florence-2's own recipe (the transformers.js model card): prompt, generate, decode, post-process. */
async function ask(task: string, raw: RawImage[]): Promise<string[]> {
  const inputs = await processor(
    raw,
    raw.map(() => task),
  );
  const ids = (await model.generate({ ...inputs, max_new_tokens: task === '<OCR>' ? 64 : 40 })) as Tensor;
  const texts = processor.batch_decode(ids, { skip_special_tokens: false }) as string[];
  return texts.map((t, i) => {
    // A finished row keeps generating </s> while the others finish; the answer ends at its first </s>.
    const answer = t.replace(/^<\/s>/, '').split('</s>')[0]!;
    const out = processor.post_process_generation(answer, task, [raw[i]!.height, raw[i]!.width]);
    return String(out[task]).trim();
  });
}

describe('the committed Florence-2 fixture', () => {
  it('is what the generator writes (run `npm run fixtures models` after changing world.ts)', () => {
    const generated = florenceModel();
    for (const [name, json] of Object.entries(generated.json)) {
      expect(JSON.parse(readFileSync(new URL(name, modelDir), 'utf8')), name).toEqual(json);
    }
    for (const [name, bytes] of Object.entries(generated.onnx)) {
      expect(Buffer.compare(readFileSync(new URL(`onnx/${name}`, modelDir)), bytes), name).toBe(0);
    }
  });

  it('tokenizes every prompt and caption word as one token, as BART does, and decodes them back', () => {
    const vocab = florenceVocabulary(vocabularyTexts());
    const tokenizer = new BartTokenizer(vocab.tokenizerJson, vocab.tokenizerConfig);
    for (const text of vocabularyTexts()) {
      const ids = vocab.encode(text);
      expect(ids, text).not.toContain(-1);
      expect(tokenizer.encode(text), text).toEqual([0, ...ids, 2]);
      expect(tokenizer.decode(ids), text).toBe(text);
    }
    // Text outside the vocabulary still encodes (byte by byte) and round-trips.
    expect(tokenizer.decode(tokenizer.encode('Zebra crossing!'), { skip_special_tokens: true })).toBe(
      'Zebra crossing!',
    );
  });
});

describe('fixture Florence-2 on onnxruntime-node', () => {
  it('reads the task prompts from its processor config', () => {
    expect(processor.construct_prompts('<MORE_DETAILED_CAPTION>')).toEqual([
      taskPrompts['<MORE_DETAILED_CAPTION>'],
    ]);
  });

  it.each(pictures.map((p) => [p.file, p.colour, p.accent] as const))(
    '%s: the detailed caption names its colour and its accent',
    async (file, colour, accent) => {
      const [caption] = await ask('<MORE_DETAILED_CAPTION>', [await picture(file)]);
      expect(caption).toContain(colour);
      expect(caption).toBe(fixtureAnswer('detailed', colour as Colour, accent as Colour));
    },
  );

  it('follows the task: a short caption, a detailed one, and no text for OCR', async () => {
    const red = [await picture('red-square.png')];
    const answers: Record<string, AnswerTask> = {
      '<CAPTION>': 'short',
      '<DETAILED_CAPTION>': 'detailed',
      '<OCR>': 'ocr',
    };
    for (const [task, kind] of Object.entries(answers)) {
      expect(await ask(task, red), task).toEqual([fixtureAnswer(kind, 'red', 'white')]);
    }
    expect(await ask('<OCR>', red)).toEqual(['']);
  });

  it('captions a batch of pictures, one caption each, in order', async () => {
    const batch = await Promise.all(images.map((p) => picture(p.file)));
    const captions = await ask('<CAPTION>', batch);
    expect(captions).toEqual(images.map((p) => fixtureAnswer('short', p.colour)));
  });

  it('reads the text of a picture in the fixture typeface, and none in pictures without text', async () => {
    for (const p of textPictures) {
      const expected = p.lines.map((l) => l.text).join(' ');
      expect(await ask('<OCR>', [await picture(p.file, 'ocr')]), p.file).toEqual([expected]);
    }
    // A batch reads each picture on its own: text, nothing, text.
    const [receipt, sign] = textPictures;
    const batch = [
      await picture(receipt.file, 'ocr'),
      await picture('green-field.jpg'),
      await picture(sign.file, 'ocr'),
    ];
    expect(await ask('<OCR>', batch)).toEqual(['INVOICE 2291 TOTAL 86.50', '', 'EXIT 14']);
    for (const p of [...pictures, ...placePhotos]) {
      const folder = placePhotos.some((q) => q.file === p.file) ? 'places' : 'image';
      expect(await ask('<OCR>', [await picture(p.file, folder)]), p.file).toEqual(['']);
    }
  });

  it('says "plain" when a picture has no second colour (a flat video frame)', async () => {
    // At the processor's own size (192): sharp's upscaling in Node darkens the borders of a small flat
    // picture, which the fixture would rightly call an accent.
    const flat = new RawImage(
      new Uint8ClampedArray(192 * 192 * 3).fill(0).map((_, i) => [30, 60, 220][i % 3]!),
      192,
      192,
      3,
    );
    expect(await ask('<MORE_DETAILED_CAPTION>', [flat])).toEqual([fixtureAnswer('detailed', 'blue')]);
  });
});
