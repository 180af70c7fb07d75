import {
  ClapAudioModelWithProjection,
  ClapTextModelWithProjection,
  cat,
  type Tensor,
} from '@huggingface/transformers';
import { normalisedRows } from '../vectors';
import { twoTowers } from './two-towers';
import { disposeAll, type RoleEncoder, type RoleLoadOptions } from './types';

export function loadClap(o: RoleLoadOptions): RoleEncoder {
  const towers = twoTowers(o, ClapTextModelWithProjection, ClapAudioModelWithProjection);
  const { processor, textModel, mediaModel: audioModel } = towers;

  return {
    embedTexts: towers.embedTexts,
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
