import {
  AutoProcessor,
  AutoTokenizer,
  ClapAudioModelWithProjection,
  ClapTextModelWithProjection,
  cat,
  type Tensor,
} from '@huggingface/transformers';
import { normalisedRows } from '../vectors';
import { disposeAll, once, pretrainedOptions, type RoleEncoder, type RoleLoadOptions } from './types';

export function loadClap(o: RoleLoadOptions): RoleEncoder {
  const opts = pretrainedOptions(o);
  const tokenizer = once(() => AutoTokenizer.from_pretrained(o.model, opts));
  const textModel = once(() => ClapTextModelWithProjection.from_pretrained(o.model, opts));
  const processor = once(() => AutoProcessor.from_pretrained(o.model, opts));
  const audioModel = once(() => ClapAudioModelWithProjection.from_pretrained(o.model, opts));

  return {
    async embedTexts(texts) {
      const [tok, model] = await Promise.all([tokenizer(), textModel()]);
      const { text_embeds } = await model(tok(texts, { padding: true, truncation: true }));
      return normalisedRows(text_embeds.data, texts.length, text_embeds.dims.at(-1));
    },
    async embedAudio(windows) {
      // Windows arrive already cut to <= 10 s at 48 kHz: CLAP's rand_trunc would crop longer ones at random.
      const [proc, model] = await Promise.all([processor(), audioModel()]);
      const features = await Promise.all(windows.map((w) => proc(w)));
      const input_features = cat(
        features.map((f: { input_features: Tensor }) => f.input_features),
        0,
      );
      const { audio_embeds } = await model({ input_features });
      return normalisedRows(audio_embeds.data, windows.length, audio_embeds.dims.at(-1));
    },
    dispose: () => disposeAll([textModel, audioModel]),
  };
}
