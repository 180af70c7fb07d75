// Which files transformers.js 4.3.1 will fetch for a model setting, and whether a recorded Hub listing
// has them. The real models cannot be downloaded in tests, so this is how a typo'd dtype or a missing
// ONNX variant is caught before it reaches users. transformers.js itself does not catch it: an unknown
// dtype string silently falls back to the device default (q8 on wasm, fp32 on webgpu), and a missing
// generation_config.json is skipped without an error.

export type Device = 'webgpu' | 'wasm';
export type Need = 'tokenizer' | 'processor' | 'generation';

/** One dtype for every sub-model, or one per sub-model file name (as transformers.js accepts). */
export type DtypeSetting = string | Readonly<Record<string, string>>;

export interface RoleModel {
  model: string;
  /** ONNX base names under onnx/, e.g. ["text_model", "vision_model"]. */
  subModels: readonly string[];
  needs: readonly Need[];
  dtype: Readonly<Record<Device, DtypeSetting>>;
  /**
   * `transformers.js_config.use_external_data_format` from the model's config.json, if it has one:
   * a chunk count, keyed by "<name><suffix>.onnx" or by sub-model name.
   */
  externalData?: Readonly<Record<string, number>>;
}

/**
 * transformers.js 4.3.1's DEFAULT_DTYPE_SUFFIX_MAPPING (dist/transformers.web.js). "auto" is left out on
 * purpose: it resolves from the model's config at load time, so no file can be checked for it.
 */
export const DTYPE_SUFFIX: Readonly<Record<string, string>> = Object.freeze({
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q2: '_q2',
  q1: '_q1',
  q4f16: '_q4f16',
  q2f16: '_q2f16',
  q1f16: '_q1f16',
  bnb4: '_bnb4',
});

/**
 * How each app role loads its model (the folder layout is in docs/design-notes.md); the lead's config
 * supplies model and dtypes.
 */
export const ROLE_LOADING: Readonly<
  Record<string, { subModels: readonly string[]; needs: readonly Need[] }>
> = Object.freeze({
  clip: { subModels: ['text_model', 'vision_model'], needs: ['tokenizer', 'processor'] },
  clap: { subModels: ['text_model', 'audio_model'], needs: ['tokenizer', 'processor'] },
  text: { subModels: ['model'], needs: ['tokenizer'] },
  speech: {
    subModels: ['encoder_model', 'decoder_model_merged'],
    needs: ['tokenizer', 'processor', 'generation'],
  },
  // Florence-2 (Florence2ForConditionalGeneration): an image-text-to-text encoder-decoder.
  caption: {
    subModels: ['embed_tokens', 'vision_encoder', 'encoder_model', 'decoder_model_merged'],
    needs: ['tokenizer', 'processor', 'generation'],
  },
});

// AutoTokenizer probes tokenizer_config.json and then loads it with tokenizer.json; nothing else
// (no special_tokens_map.json, vocab.json or merges.txt). Processors read preprocessor_config.json only.
// Seq2seq models (Whisper) also read generation_config.json, which holds lang_to_id, task_to_id and
// no_timestamps_token_id that return_timestamps needs.
const NEED_FILES: Readonly<Record<Need, readonly string[]>> = {
  tokenizer: ['tokenizer.json', 'tokenizer_config.json'],
  processor: ['preprocessor_config.json'],
  generation: ['generation_config.json'],
};

export class UnknownDtypeError extends Error {
  override name = 'UnknownDtypeError';
}

export function dtypeFor(setting: DtypeSetting, subModel: string): string | undefined {
  return typeof setting === 'string' ? setting : setting[subModel];
}

/** The relative paths transformers.js will request for `role` on `device`, sorted. */
export function requiredFiles(role: RoleModel, device: Device): string[] {
  const files = new Set<string>(['config.json']);
  for (const need of role.needs) for (const f of NEED_FILES[need]) files.add(f);
  for (const sub of role.subModels) {
    const dtype = dtypeFor(role.dtype[device], sub);
    const suffix = dtype === undefined ? undefined : DTYPE_SUFFIX[dtype];
    if (suffix === undefined) {
      throw new UnknownDtypeError(
        `${role.model}: dtype ${JSON.stringify(dtype)} for ${sub} on ${device} is not a transformers.js 4.3.1 dtype ` +
          `(one of ${Object.keys(DTYPE_SUFFIX).join(', ')})`,
      );
    }
    const name = `${sub}${suffix}.onnx`;
    files.add(`onnx/${name}`);
    const chunks = role.externalData?.[name] ?? role.externalData?.[sub] ?? 0;
    for (let i = 0; i < chunks; i++) files.add(`onnx/${name}_data${i === 0 ? '' : `_${i}`}`);
  }
  return [...files].sort();
}

export interface HubFile {
  path: string;
  /** The size the Hub page showed, e.g. "64.5 MB". */
  shown: string;
  /** `shown` in bytes; approximate unless the page said "Bytes". */
  bytes: number;
}

export interface HubModelEntry {
  /** null when no root listing was found; every root file then counts as unverified. */
  rootFiles: HubFile[] | null;
  onnxFiles: HubFile[];
  dtypes: Record<string, string[]>;
}

export interface HubManifestLike {
  models: Record<string, HubModelEntry>;
}

/**
 * Problems with `role` against the recorded listings, for every device: a missing relative path, or a
 * sentence naming a dtype that maps to no file or a model absent from the manifest. Empty when all is well.
 */
export function missingFiles(role: RoleModel, manifest: HubManifestLike): string[] {
  const entry = manifest.models[role.model];
  if (!entry) return [`${role.model}: not in the hub manifest`];
  const listed = new Set([...(entry.rootFiles ?? []), ...entry.onnxFiles].map((f) => f.path));
  const problems = new Set<string>();
  for (const device of Object.keys(role.dtype) as Device[]) {
    let files: string[];
    try {
      files = requiredFiles(role, device);
    } catch (e) {
      if (e instanceof UnknownDtypeError) {
        problems.add(e.message);
        continue;
      }
      throw e;
    }
    for (const f of files) {
      if (listed.has(f)) continue;
      problems.add(
        entry.rootFiles === null && !f.startsWith('onnx/') ? `${f} (root listing not recorded)` : f,
      );
    }
  }
  return [...problems];
}

/** Bytes a device downloads for `role`, from the recorded (approximate) sizes; unlisted files count 0. */
export function downloadBytes(role: RoleModel, device: Device, manifest: HubManifestLike): number {
  const entry = manifest.models[role.model];
  if (!entry) return 0;
  const size = new Map([...(entry.rootFiles ?? []), ...entry.onnxFiles].map((f) => [f.path, f.bytes]));
  return requiredFiles(role, device).reduce((sum, f) => sum + (size.get(f) ?? 0), 0);
}

/** The dtypes a listing offers per sub-model, derived from its ONNX file names. */
export function dtypesInListing(onnxFiles: readonly HubFile[]): Record<string, string[]> {
  // Longest suffix first, so "text_model_q4f16" is read as q4f16 and never as fp32 of "text_model_q4f16".
  const bySuffix = Object.entries(DTYPE_SUFFIX).sort((a, b) => b[1].length - a[1].length);
  const out: Record<string, string[]> = {};
  for (const { path } of onnxFiles) {
    const m = /^onnx\/(.+)\.onnx$/.exec(path);
    if (!m?.[1]) continue;
    const stem = m[1];
    const [dtype, suffix] = bySuffix.find(([, s]) => s !== '' && stem.endsWith(s)) ?? ['fp32', ''];
    const sub = stem.slice(0, stem.length - suffix.length);
    (out[sub] ??= []).push(dtype);
  }
  for (const sub of Object.keys(out)) out[sub]?.sort();
  return out;
}

/** "64.5 MB" → 64500000 (the Hub shows decimal units). */
export function shownToBytes(shown: string): number {
  const m = /^([\d.]+)\s*(Bytes|kB|MB|GB)$/.exec(shown.trim());
  if (!m?.[1] || !m[2]) throw new Error(`unreadable size ${JSON.stringify(shown)}`);
  const unit = { Bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'Bytes' | 'kB' | 'MB' | 'GB'];
  return Math.round(Number(m[1]) * unit);
}
