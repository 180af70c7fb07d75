import { pipeline } from '@huggingface/transformers';
import { normalisedRows } from '../vectors';
import { disposeAll, once, pretrainedOptions, type RoleEncoder, type RoleLoadOptions } from './types';

export function loadTextEmbedder(o: RoleLoadOptions): RoleEncoder {
  const extractor = once(() => pipeline('feature-extraction', o.model, pretrainedOptions(o)));
  return {
    async embedTexts(texts) {
      const run = await extractor();
      const out = await run(texts, { pooling: 'mean', normalize: true });
      return normalisedRows(out.data as Float32Array, texts.length, out.dims.at(-1) as number);
    },
    dispose: () => disposeAll([extractor]),
  };
}
