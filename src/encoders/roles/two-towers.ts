// What CLIP and CLAP share: a text tower and a media tower (images, sounds), each with a projection into one
// embedding space, behind a tokenizer and a processor. Each part loads on first use.
import { AutoProcessor, AutoTokenizer, type PreTrainedModel } from '@huggingface/transformers';
import { normalisedRows } from '../vectors';
import { once, pretrainedOptions, type Lazy, type RoleLoadOptions } from './types';

interface Tower {
  from_pretrained(model: string, options: ReturnType<typeof pretrainedOptions>): Promise<PreTrainedModel>;
}

export function twoTowers(o: RoleLoadOptions, TextTower: Tower, MediaTower: Tower) {
  const opts = pretrainedOptions(o);
  const tokenizer = once(() => AutoTokenizer.from_pretrained(o.model, opts));
  const textModel: Lazy<PreTrainedModel> = once(() => TextTower.from_pretrained(o.model, opts));
  return {
    textModel,
    processor: once(() => AutoProcessor.from_pretrained(o.model, opts)),
    mediaModel: once(() => MediaTower.from_pretrained(o.model, opts)),
    /** A batch is padded only to its longest text: padding CLIP's queries to 77 tokens costs 4x on WASM. */
    async embedTexts(texts: string[]): Promise<Float32Array[]> {
      const [tok, model] = await Promise.all([tokenizer(), textModel()]);
      const { text_embeds } = await model(tok(texts, { padding: true, truncation: true }));
      return normalisedRows(text_embeds.data, texts.length, text_embeds.dims.at(-1));
    },
  };
}
