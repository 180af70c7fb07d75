import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
} from '@huggingface/transformers';
import { normalisedRows } from '../vectors';
import { disposeAll, once, pretrainedOptions, type RoleEncoder, type RoleLoadOptions } from './types';

export function loadClip(o: RoleLoadOptions): RoleEncoder {
  const opts = pretrainedOptions(o);
  const tokenizer = once(() => AutoTokenizer.from_pretrained(o.model, opts));
  const textModel = once(() => CLIPTextModelWithProjection.from_pretrained(o.model, opts));
  const processor = once(() => AutoProcessor.from_pretrained(o.model, opts));
  const visionModel = once(() => CLIPVisionModelWithProjection.from_pretrained(o.model, opts));

  return {
    async embedTexts(texts) {
      const [tok, model] = await Promise.all([tokenizer(), textModel()]);
      // Pad only to the longest query in the batch: padding to 77 tokens costs 4x on WASM.
      const inputs = tok(texts, { padding: true, truncation: true });
      const { text_embeds } = await model(inputs);
      return normalisedRows(text_embeds.data, texts.length, text_embeds.dims.at(-1));
    },
    async embedImages(images) {
      const [proc, model] = await Promise.all([processor(), visionModel()]);
      const raw = await Promise.all(images.map((b) => RawImage.fromBlob(b)));
      const inputs = await proc(raw);
      const { image_embeds } = await model(inputs);
      return normalisedRows(image_embeds.data, images.length, image_embeds.dims.at(-1));
    },
    dispose: () => disposeAll([textModel, visionModel]),
  };
}
