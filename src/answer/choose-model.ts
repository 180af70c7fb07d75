// Which WebLLM build to run, and where its files come from. The configured families (largest first) are
// expanded into WebLLM's prebuilt records, their URLs rewritten to the configured hosts, and one is
// picked for this device: an f16 build only with `shader-f16` (WebLLM's records for these models don't
// declare it, so it is checked here), and a smaller model when the device has little memory.
import type { ModelRecord } from '@mlc-ai/web-llm';
import { hashesByUrl, type FileHashes } from '../models/file-hashes.ts';
import { LIBS_BRANCH, llmFolders, WEBLLM_LIBS_URL, type LlmConfig } from '../models/llm-config.ts';

export interface GpuFacts {
  shaderF16: boolean;
  /** The adapter's maxBufferSize, in bytes. */
  maxBufferSize: number;
  /** navigator.deviceMemory (GB, rounded down and capped at 8 by browsers); absent where not exposed. */
  deviceMemoryGB?: number;
  /** The adapter's vendor and description, for messages. */
  adapter: string;
}

export interface ModelCandidate {
  id: string;
  family: string;
  needsShaderF16: boolean;
  vramMB: number;
  contextWindow: number;
  /** The WebLLM record, with `model` and `model_lib` pointing at the configured hosts and revisions. */
  record: ModelRecord;
  /** The SHA-256 digests models.json gives for this candidate's files, keyed by URL (llm.sha256). */
  sha256: FileHashes;
}

export interface ModelChoice {
  candidate: ModelCandidate;
  reason: string;
}

export const QUANTIZATIONS = ['q4f16_1', 'q4f32_1'] as const;
/** Share of the device's memory the model may take: the GPU often shares it with the system, the browser and the encoders. */
const MEMORY_SHARE = 0.4;
/** WebLLM asks for 1 GiB buffers and falls back to 256 MiB; below 1 GiB only the small model is safe. */
const SMALL_GPU_BUFFER = 1 << 30;

export function resolveCandidates(llm: LlmConfig, prebuilt: ModelRecord[], appUrl: string): ModelCandidate[] {
  const byId = new Map(prebuilt.map((r) => [r.model_id, r]));
  const out: ModelCandidate[] = [];
  for (const name of llm.models) {
    const ids = isFullId(name) ? [name] : QUANTIZATIONS.map((q) => `${name}-${q}-MLC`);
    const found = ids.map((id) => byId.get(id)).filter((r): r is ModelRecord => !!r);
    if (!found.length)
      throw new Error(
        `models.json llm.models: "${name}" is not one of WebLLM's prebuilt models (tried ${ids.join(', ')})`,
      );
    for (const r of found) out.push(candidate(r, isFullId(name) ? familyOf(name) : name, llm, appUrl));
  }
  return out;
}

export function chooseModel(candidates: ModelCandidate[], gpu: GpuFacts, choice?: string): ModelChoice {
  const usable = candidates.filter((c) => gpu.shaderF16 || !c.needsShaderF16);
  const f16Note = gpu.shaderF16 ? '' : 'the GPU lacks shader-f16, so a q4f32 build';
  if (!usable.length)
    throw new Error(
      `None of the configured answer models runs on this GPU (${gpu.adapter}): ${f16Note || 'no candidates'}`,
    );
  const because = (...parts: string[]) => parts.filter(Boolean).join('; ');

  if (choice) {
    // A pinned f16 build on a GPU without shader-f16 becomes the same model's q4f32 build.
    const picked = usable.find((c) => c.id === choice) ?? usable.find((c) => c.family === familyOf(choice));
    if (picked) return { candidate: picked, reason: because('chosen in Settings', f16Note) };
  }
  const smallest = usable.reduce((a, b) => (b.vramMB < a.vramMB ? b : a));
  if (gpu.maxBufferSize < SMALL_GPU_BUFFER)
    return {
      candidate: smallest,
      reason: because(
        `the GPU allows buffers of only ${Math.round(gpu.maxBufferSize / 2 ** 20)} MB`,
        f16Note,
      ),
    };
  if (gpu.deviceMemoryGB !== undefined) {
    const budget = gpu.deviceMemoryGB * 1024 * MEMORY_SHARE;
    const fits = usable.find((c) => c.vramMB <= budget);
    const first = usable[0]!;
    const memory = `this device reports ${gpu.deviceMemoryGB} GB of memory`;
    if (fits === first) return { candidate: first, reason: because(`the default; ${memory}`, f16Note) };
    return {
      candidate: fits ?? smallest,
      reason: because(
        `${memory}, too little for ${first.family} (${gb(first.vramMB)} of GPU memory)`,
        f16Note,
      ),
    };
  }
  return { candidate: usable[0]!, reason: because('the default', f16Note) };
}

/** The SHA-256 digests of every candidate's files, keyed by URL, for the worker's fetch guard. */
export function llmFileHashes(candidates: ModelCandidate[]): FileHashes {
  return Object.assign({}, ...candidates.map((c) => c.sha256)) as FileHashes;
}

/** Every origin the answer model's files may come from (for the worker's fetch guard and the CSP). */
export function llmOrigins(candidates: ModelCandidate[]): string[] {
  return [
    ...new Set(
      candidates.flatMap((c) => [new URL(c.record.model).origin, new URL(c.record.model_lib).origin]),
    ),
  ];
}

function candidate(r: ModelRecord, family: string, llm: LlmConfig, appUrl: string): ModelCandidate {
  const record: ModelRecord = {
    ...r,
    model: modelUrl(r.model, llm, appUrl),
    model_lib: libUrl(r.model_lib, llm, appUrl),
  };
  const libFile = record.model_lib.slice(record.model_lib.lastIndexOf('/') + 1);
  const weights = Object.fromEntries(
    Object.entries(llm.sha256 ?? {})
      .filter(([key]) => key.startsWith(`${r.model_id}/`))
      .map(([key, digest]) => [key.slice(r.model_id.length + 1), digest]),
  );
  const lib = llm.sha256?.[libFile];
  return {
    sha256: {
      ...hashesByUrl(weights, weightsFolder(record.model)),
      ...(lib ? { [record.model_lib]: lib.toLowerCase() } : {}),
    },
    id: r.model_id,
    family,
    needsShaderF16: (r.required_features ?? []).includes('shader-f16') || /-q\d+f16(_\d+)?-/.test(r.model_id),
    vramMB: r.vram_required_MB ?? Infinity,
    contextWindow: r.overrides?.context_window_size ?? 4096,
    record,
  };
}

/**
 * Hub `https://huggingface.co/mlc-ai/X-MLC` becomes `<host>/mlc-ai/X-MLC`; WebLLM adds `resolve/main/`
 * unless llm.revision names another revision.
 */
function modelUrl(hubUrl: string, llm: LlmConfig, appUrl: string): string {
  const { weights } = llmFolders(llm, appUrl);
  const url = weights ? new URL(new URL(hubUrl).pathname.replace(/^\//, ''), weights).href : hubUrl;
  return llm.revision ? `${url.replace(/\/$/, '')}/resolve/${llm.revision}/` : url;
}

/** The folder WebLLM fetches a model's weights from (its cleanModelUrl). */
function weightsFolder(model: string): string {
  const url = model.endsWith('/') ? model : `${model}/`;
  return /\/resolve\/.+\//.test(url) ? url : `${url}resolve/main/`;
}

/** A self-hosted folder by file name, or WebLLM's GitHub URL at llm.libRevision in place of its branch. */
function libUrl(githubUrl: string, llm: LlmConfig, appUrl: string): string {
  const { libs } = llmFolders(llm, appUrl);
  if (libs) return new URL(githubUrl.slice(githubUrl.lastIndexOf('/') + 1), libs).href;
  if (!llm.libRevision || !githubUrl.startsWith(WEBLLM_LIBS_URL)) return githubUrl;
  return githubUrl.replace(`/${LIBS_BRANCH}/web-llm-models/`, `/${llm.libRevision}/web-llm-models/`);
}

function isFullId(name: string): boolean {
  return name.endsWith('-MLC');
}

function familyOf(id: string): string {
  return id.replace(/-q\d+f\d+(_\d+)?-MLC$/, '');
}

function gb(mb: number): string {
  return `${(mb / 1024).toFixed(1)} GB`;
}
