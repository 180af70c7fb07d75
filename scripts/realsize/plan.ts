// What the real-size model world holds: for each role of a models.json, the files a real download of its
// Hub repo has for the dtypes the app can ask for, in the same folder layout (<root>/<owner>/<name>/…).
// The Python generators write exactly these files and the verifier checks them, so a folder of real
// downloaded models and a generated one are interchangeable (`--models DIR`).
import {
  configuredRoles,
  type AnyRole,
  type Device,
  type Dtype,
  type ModelsConfig,
  type RoleConfig,
} from '../../src/models/config.ts';
import {
  DTYPE_SUFFIX,
  ROLE_LOADING,
  requiredFiles,
  type HubManifestLike,
} from '../../src/models/required-files.ts';

/** A download mirrors the Hub's fp32 / fp16 / q8 variants, whichever dtype models.json picks today. */
export const MIRRORED_DTYPES = ['fp32', 'fp16', 'q8'] as const satisfies readonly Dtype[];

export interface PlannedModel {
  role: AnyRole;
  /** The Hub id, and the folder below the root: e.g. "Xenova/clip-vit-base-patch32". */
  model: string;
  /** ONNX base names under onnx/ (transformers.js's session files for the class the app uses). */
  subModels: string[];
  /** Per sub-model, the dtypes written: the mirrored ones the Hub lists, plus whatever models.json asks. */
  dtypes: Record<string, Dtype[]>;
  /** Every file, relative to the model folder, sorted. */
  files: string[];
}

export interface RealsizePlan {
  models: PlannedModel[];
}

export class RealsizePlanError extends Error {
  override name = 'RealsizePlanError';
}

function askedDtypes(rc: RoleConfig): Dtype[] {
  return Object.values(rc.dtype);
}

/**
 * The plan for `roles` (all configured roles by default). A dtype models.json asks for must be one the
 * Hub lists, or the world would hold a file the real repo lacks; that is refused with the role named.
 */
export function realsizePlan(
  config: ModelsConfig,
  hub: HubManifestLike,
  roles: readonly AnyRole[] = configuredRoles(config),
): RealsizePlan {
  const models = roles.map((role): PlannedModel => {
    const rc = config.roles[role];
    if (!rc) throw new RealsizePlanError(`models.json has no "${role}" role`);
    const loading = ROLE_LOADING[role];
    if (!loading) throw new RealsizePlanError(`no loading recipe for role "${role}"`);
    const listed = hub.models[rc.model]?.dtypes;
    if (!listed) throw new RealsizePlanError(`${role}: ${rc.model} is not in the Hub manifest`);
    const dtypes: Record<string, Dtype[]> = {};
    for (const sub of loading.subModels) {
      const onHub = listed[sub] ?? [];
      for (const d of askedDtypes(rc)) {
        if (!onHub.includes(d))
          throw new RealsizePlanError(
            `${role}: models.json asks for ${sub} in ${d}, which ${rc.model} lacks`,
          );
      }
      const wanted = new Set<Dtype>([...MIRRORED_DTYPES, ...askedDtypes(rc)]);
      dtypes[sub] = [...wanted].filter((d) => onHub.includes(d)).sort();
    }
    const files = new Set<string>();
    // requiredFiles gives the root files (config, tokenizer, processor, generation) for this class.
    for (const device of Object.keys(rc.dtype) as Device[]) {
      for (const f of requiredFiles({ model: rc.model, ...loading, dtype: rc.dtype }, device))
        if (!f.startsWith('onnx/')) files.add(f);
    }
    for (const [sub, list] of Object.entries(dtypes))
      for (const d of list) files.add(`onnx/${sub}${DTYPE_SUFFIX[d]}.onnx`);
    return { role, model: rc.model, subModels: [...loading.subModels], dtypes, files: [...files].sort() };
  });
  return { models };
}

/**
 * models.json for a folder of models in the Hub's layout served at `host` (flat: <host>/<model>/<file>):
 * the same roles, ids, dtypes and dims, so the app loads exactly what it would load from the Hub. Roles
 * not in `present` are left out (only the optional caption role may be).
 */
export function realsizeModelsConfig(
  config: ModelsConfig,
  host: string,
  present: readonly AnyRole[] = configuredRoles(config),
): ModelsConfig {
  const roles = { ...config.roles };
  for (const role of configuredRoles(config)) {
    const rc = roles[role];
    if (!rc) continue;
    if (!present.includes(role)) {
      if (role !== 'caption')
        throw new RealsizePlanError(`the real-size world lacks the required role "${role}"`);
      delete roles.caption;
      continue;
    }
    // A per-role host would send that role elsewhere; the whole world lives under one host.
    const { host: _host, layout: _layout, ...rest } = rc;
    roles[role] = rest;
  }
  const out: ModelsConfig = { ...config, host, layout: 'flat', roles };
  if (!roles.caption && out.captions) out.captions = { ...out.captions, enabled: false };
  return out;
}

/** The Hub ids scripts/realsize/python/generate.py has a generator for. */
export const GENERATED_MODELS: readonly string[] = [
  'Xenova/clip-vit-base-patch32',
  'Xenova/clap-htsat-unfused',
  'Xenova/multilingual-e5-small',
  'Xenova/whisper-base',
  'onnx-community/Florence-2-base-ft',
];

/** The presets' candidates generate.py has a generator for (candidates.ts; make.ts --presets). */
export const GENERATED_CANDIDATES: readonly string[] = [
  'Xenova/all-MiniLM-L6-v2',
  'Xenova/bge-small-en-v1.5',
  'onnx-community/siglip2-base-patch16-256-ONNX',
  'realsize/siglip2-base-patch32-256',
  'onnx-community/moonshine-base-ONNX',
  'Xenova/mobileclip_s0',
  'Xenova/mobileclip_s2',
];

export interface SizeRow {
  file: string;
  bytes: number;
  /** What the Hub listing recorded in hub-manifest.json shows for the same file, if it lists it. */
  hubShown?: string;
  hubBytes?: number;
}

/** Each planned file's size beside the Hub's, so a generated world can be checked against the real one. */
export function sizeReport(
  entry: PlannedModel,
  hub: HubManifestLike,
  sizeOf: (file: string) => number,
): SizeRow[] {
  const listed = hub.models[entry.model];
  const byPath = new Map(
    [...(listed?.rootFiles ?? []), ...(listed?.onnxFiles ?? [])].map((f) => [f.path, f]),
  );
  return entry.files.map((file) => {
    const h = byPath.get(file);
    return { file, bytes: sizeOf(file), ...(h ? { hubShown: h.shown, hubBytes: h.bytes } : {}) };
  });
}

/**
 * The plan for the presets' candidates (candidates.ts): each in its role's layout, in fp32, fp16 and q8
 * (those of them the recorded Hub listing has, where the manifest records the repo).
 */
export function candidatePlan(
  candidates: readonly { model: string; role: AnyRole }[],
  hub: HubManifestLike,
): RealsizePlan {
  const models = candidates.map(({ model, role }): PlannedModel => {
    const loading = ROLE_LOADING[role];
    if (!loading) throw new RealsizePlanError(`no loading recipe for role "${role}"`);
    const listed = hub.models[model]?.dtypes;
    const dtypes: Record<string, Dtype[]> = {};
    for (const sub of loading.subModels)
      dtypes[sub] = MIRRORED_DTYPES.filter((d) => !listed || (listed[sub] ?? []).includes(d)).sort();
    const files = new Set<string>();
    for (const f of requiredFiles({ model, ...loading, dtype: { webgpu: 'fp32', wasm: 'fp32' } }, 'wasm'))
      if (!f.startsWith('onnx/')) files.add(f);
    for (const [sub, list] of Object.entries(dtypes))
      for (const d of list) files.add(`onnx/${sub}${DTYPE_SUFFIX[d]}.onnx`);
    return { role, model, subModels: [...loading.subModels], dtypes, files: [...files].sort() };
  });
  return { models };
}
