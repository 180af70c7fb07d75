// The answer model's section of models.json ("llm"): which WebLLM models to try, and where their weights
// and compiled model libraries (.wasm) come from. The section is optional; without it the app uses
// DEFAULT_LLM_CONFIG (weights from the Hugging Face Hub, libraries from WebLLM's GitHub repository).
import { validateFileHashes, type FileHashes } from './file-hashes.ts';
import { hostProblem } from './hosts.ts';

export interface LlmConfig {
  /**
   * "hub" (huggingface.co), or a self-hosted folder: an absolute URL or a path on the app's origin, laid out
   * like a Hub mirror, `<host>/<owner>/<repo>/resolve/main/<file>` (WebLLM only reads that layout).
   */
  host: string;
  /**
   * Where the compiled model libraries (.wasm) come from: "github" (WebLLM's binary-mlc-llm-libs), or a
   * folder holding them by file name. Defaults to "github" for a Hub host and to `<host>/libs/` for a
   * self-hosted one, so a self-hosted deployment never reaches GitHub by accident.
   */
  libHost?: string;
  /**
   * Model families in order of preference, largest first (e.g. "Qwen2.5-1.5B-Instruct"); the
   * quantization (q4f16_1 with `shader-f16`, else q4f32_1) and the size are picked per device. A full
   * WebLLM model id ("…-q4f32_1-MLC") names one build.
   */
  models: string[];
  /** The user's choice in Settings (a family or a full id); it skips the size choice, not the f16 check. */
  model?: string;
  /** The revision weights are fetched at (`…/resolve/<revision>/`); WebLLM's default is "main". */
  revision?: string;
  /**
   * The commit or tag of binary-mlc-llm-libs the libraries come from when libHost is "github", in place
   * of the branch WebLLM names (LIBS_BRANCH). A branch can be moved to other bytes; a commit cannot.
   */
  libRevision?: string;
  /**
   * SHA-256 of files: a model library by its file name ("Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm"),
   * a weights file by model id and name ("Qwen2.5-0.5B-Instruct-q4f16_1-MLC/params_shard_0.bin").
   */
  sha256?: FileHashes;
}

export const DEFAULT_LLM_CONFIG: LlmConfig = {
  host: 'hub',
  models: ['Qwen2.5-1.5B-Instruct', 'Qwen2.5-0.5B-Instruct'],
};

const MODEL_NAME = /^[\w.-]+$/;
/** A git commit, tag or branch: letters, digits, "_", "-" and ".", never "..". */
const REVISION = /^(?!.*\.\.)[\w.-]+$/;

/** Checks the "llm" section; `fail` throws with the file's name in front (see validateModelsConfig). */
export function validateLlmConfig(value: unknown, fail: (msg: string) => never): LlmConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('"llm" must be an object');
  const v = value as Record<string, unknown>;
  if (typeof v.host !== 'string' || !v.host) fail('llm.host must be "hub", a URL or a path');
  const hostIssue = hostProblem(v.host as string);
  if (hostIssue) fail(`llm.host ${hostIssue}`);
  if (v.libHost !== undefined && (typeof v.libHost !== 'string' || !v.libHost))
    fail('llm.libHost must be "github", a URL or a path');
  const libIssue = v.libHost === undefined ? undefined : hostProblem(v.libHost as string);
  if (libIssue) fail(`llm.libHost ${libIssue}`);
  for (const key of ['revision', 'libRevision'] as const)
    if (v[key] !== undefined && (typeof v[key] !== 'string' || !REVISION.test(v[key])))
      fail(`llm.${key} must be a commit, tag or branch name`);
  if (v.sha256 !== undefined) validateFileHashes(v.sha256, 'llm.sha256', fail);
  if (!Array.isArray(v.models) || v.models.length === 0) return fail('llm.models must be a non-empty list');
  v.models.forEach((m, i) => {
    if (typeof m !== 'string' || !MODEL_NAME.test(m))
      fail(`llm.models[${i}] must be a WebLLM model name like "Qwen2.5-1.5B-Instruct"`);
  });
  if (v.model !== undefined && (typeof v.model !== 'string' || !MODEL_NAME.test(v.model)))
    fail('llm.model must be a WebLLM model name');
  return value as LlmConfig;
}

export function mergeLlmConfig(base: LlmConfig | undefined, override: Partial<LlmConfig> | undefined) {
  if (!override) return base;
  return { ...(base ?? DEFAULT_LLM_CONFIG), ...override };
}

/** Where WebLLM's own records point: weights on the Hub, model libraries in its GitHub repository. */
export const WEBLLM_WEIGHTS_URL = 'https://huggingface.co/';
/**
 * The branch of binary-mlc-llm-libs that WebLLM 0.2.86's prebuiltAppConfig names (its `modelLibURLPrefix`,
 * with the libraries under `v0_2_86/base/`). It is a branch, not a commit: llm.libRevision pins one.
 */
export const LIBS_BRANCH = 'main';
export const WEBLLM_LIBS_URL = `https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/${LIBS_BRANCH}/web-llm-models/`;

/**
 * The folders the answer model's files come from, as absolute URLs; null where WebLLM's own URLs are
 * kept (weights on the Hub, libraries on GitHub). The one place the libHost default is decided: model
 * choice rewrites WebLLM's records with it, and the CSP can list its origins.
 */
export function llmFolders(llm: LlmConfig, appUrl: string): { weights: string | null; libs: string | null } {
  const weights = llm.host === 'hub' ? null : folderUrl(llm.host, appUrl);
  const libHost = llm.libHost ?? (weights ? `${weights}libs/` : 'github');
  return { weights, libs: libHost === 'github' ? null : folderUrl(libHost, appUrl) };
}

/** The URL a folder setting points at, always absolute and ending in "/" (WebLLM needs absolute URLs). */
export function folderUrl(hostOrPath: string, appUrl: string): string {
  return new URL(hostOrPath.endsWith('/') ? hostOrPath : `${hostOrPath}/`, appUrl).href;
}
