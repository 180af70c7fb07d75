// Whisper's language detection, as openai/whisper and Hugging Face transformers do it (transformers.js 4.3
// does not: without a language it transcribes as English): run the decoder one step from
// <|startoftranscript|> over the encoder's output for the first 30 s, and take the language token with the
// highest logit. The language tokens are the model's own, from generation_config.json's `lang_to_id`.
import { Tensor } from '@huggingface/transformers';

/** What detection needs of transformers.js's Whisper model (WhisperForConditionalGeneration). */
export interface WhisperModel {
  generation_config: unknown;
  (inputs: { input_features: Tensor; decoder_input_ids: Tensor }): Promise<Record<string, Tensor>>;
}

interface LanguageConfig {
  decoder_start_token_id?: number;
  lang_to_id?: Record<string, number> | null;
}

/** The model's language tokens: token id → Whisper's code for it ("<|fr|>" → "fr"). */
export function languageTokens(langToId: Record<string, number> | null | undefined): Map<number, string> {
  const tokens = new Map<number, string>();
  for (const [token, id] of Object.entries(langToId ?? {})) {
    const code = /^<\|([a-z]+)\|>$/.exec(token)?.[1];
    if (code && Number.isInteger(id)) tokens.set(id, code);
  }
  return tokens;
}

/**
 * The most likely language: among the language tokens only, the one with the highest logit in the last row
 * of `logits` ([…, vocabulary]). Undefined when the model has no language tokens or the logits are not
 * numbers (NaN never wins).
 */
export function mostLikelyLanguage(
  logits: ArrayLike<number>,
  vocabulary: number,
  tokens: Map<number, string>,
): string | undefined {
  const row = logits.length - vocabulary;
  if (row < 0) return undefined;
  let best: string | undefined;
  let bestLogit = -Infinity;
  for (const [id, code] of tokens) {
    const logit = id < vocabulary ? logits[row + id]! : NaN;
    if (logit > bestLogit) {
      bestLogit = logit;
      best = code;
    }
  }
  return best;
}

/**
 * The spoken language of a window's log-mel features (one 30 s window, as the pipeline makes them), or
 * undefined for a model without language tokens (an English-only Whisper). One encoder run and one decoder
 * step; the decoder's cache outputs are let go (on WebGPU they are GPU buffers).
 */
export async function detectLanguage(model: WhisperModel, features: Tensor): Promise<string | undefined> {
  const config = (model.generation_config ?? {}) as LanguageConfig;
  const tokens = languageTokens(config.lang_to_id);
  const start = config.decoder_start_token_id;
  if (tokens.size === 0 || start === undefined) return undefined;
  const outputs = await model({
    input_features: features,
    decoder_input_ids: new Tensor('int64', BigInt64Array.of(BigInt(start)), [1, 1]),
  });
  try {
    const logits = outputs.logits!;
    return mostLikelyLanguage(logits.data as Float32Array, logits.dims.at(-1)!, tokens);
  } finally {
    for (const t of Object.values(outputs)) if (t.location === 'gpu-buffer') t.dispose();
  }
}
