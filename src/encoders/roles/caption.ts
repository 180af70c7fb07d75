// The caption role: a Florence-2 model (Florence2ForConditionalGeneration with its Florence2Processor)
// describes pictures in words, or reads the text in them, following the model card's recipe: the task
// token becomes the model's own prompt, generation runs greedily, the answer is decoded and post-processed
// by the processor. The words are what gets indexed, in the text space.
import {
  AutoProcessor,
  Florence2ForConditionalGeneration,
  RawImage,
  type Florence2Processor,
  type Tensor,
} from '@huggingface/transformers';
import { maxNewTokens } from '../../models/caption-config';
import { disposeAll, once, pretrainedOptions, type RoleEncoder, type RoleLoadOptions } from './types';

export function loadCaptioner(o: RoleLoadOptions): RoleEncoder {
  const opts = pretrainedOptions(o);
  const processor = once(
    async () => (await AutoProcessor.from_pretrained(o.model, opts)) as Florence2Processor,
  );
  const model = once(() => Florence2ForConditionalGeneration.from_pretrained(o.model, opts));

  return {
    async describe(images, task) {
      const [proc, m] = await Promise.all([processor(), model()]);
      const raw = await Promise.all(images.map((b) => RawImage.fromBlob(b)));
      const inputs = await proc(
        raw,
        raw.map(() => task),
      );
      const ids = (await m.generate({ ...inputs, max_new_tokens: maxNewTokens[task] })) as Tensor;
      const eos = (m.generation_config as { eos_token_id?: number | number[] } | null)?.eos_token_id;
      return (ids.tolist() as bigint[][]).map((row, i) => {
        const answer = proc.batch_decode([untilEnd(row, eos)], { skip_special_tokens: false })[0] ?? '';
        const image = raw[i]!;
        const out = proc.post_process_generation(answer, task, [image.height, image.width]);
        return tidy(out[task]);
      });
    },
    dispose: () => disposeAll([model]),
  };
}

/**
 * The answer's tokens: generation starts from </s> (Florence-2's decoder_start_token_id) and a batch keeps
 * running until every row has ended, so a row's answer ends at its first </s> after the start.
 */
function untilEnd(row: bigint[], eos: number | number[] | undefined): number[] {
  // Florence-2's </s> is id 2; the generation config says so, and BART's vocabulary fixes it.
  const ends = new Set(eos === undefined ? [2] : Array.isArray(eos) ? eos : [eos]);
  const ids = row.map(Number);
  const end = ids.findIndex((id, i) => i > 0 && ends.has(id));
  return ids.slice(0, end === -1 ? ids.length : end + 1);
}

function tidy(answer: unknown): string {
  return typeof answer === 'string' ? answer.replace(/\s+/g, ' ').trim() : '';
}
