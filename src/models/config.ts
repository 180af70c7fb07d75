// The model configuration: one place that says which model each role uses, where it is hosted, which
// dtype runs on which device, and what dimension its vectors have. The app serves it as models.json so
// a deployment (or a test) can swap models without rebuilding; a local override from Settings wins.
import {
  DEFAULT_LLM_CONFIG,
  llmFolders,
  mergeLlmConfig,
  validateLlmConfig,
  type LlmConfig,
} from './llm-config.ts';
import { mergeCaptionSettings, validateCaptionSettings, type CaptionSettings } from './caption-config.ts';
import { hashesByUrl, validateFileHashes, type FileHashes } from './file-hashes.ts';
import { hostProblem } from './hosts.ts';

/** Roles every configuration has. */
export const roles = ['clip', 'clap', 'text', 'speech'] as const;
export type Role = (typeof roles)[number];
/** Roles a configuration may leave out; the features that use them are off without them. */
export const optionalRoles = ['caption'] as const;
export type OptionalRole = (typeof optionalRoles)[number];
export type AnyRole = Role | OptionalRole;
export const devices = ['webgpu', 'wasm'] as const;
export type Device = (typeof devices)[number];

/** transformers.js dtypes; each maps to an ONNX file suffix. */
export const dtypes = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type Dtype = (typeof dtypes)[number];

/**
 * Where model files live. `hub`: the Hugging Face Hub. Otherwise an absolute URL or a path on the app's
 * origin. `layout: 'hub'` means files sit at `<host>/<model>/resolve/<revision>/<file>` (a Hub mirror);
 * `flat` means `<host>/<model>/<file>` (a plain folder of downloaded model repos).
 */
export interface HostConfig {
  host: string;
  layout?: 'hub' | 'flat';
}

export interface RoleConfig extends Partial<HostConfig> {
  model: string;
  /**
   * The Hub revision files are fetched at (a commit, tag or branch; default "main"). A commit pins the
   * files: a branch can be moved to other bytes, a commit cannot. Used by the "hub" layout only.
   */
  revision?: string;
  /** SHA-256 of files, by path in the model folder (e.g. "onnx/model_quantized.onnx"); see file-hashes.ts. */
  sha256?: FileHashes;
  dtype: Record<Device, Dtype>;
  /** Vector dimension; every embedding is checked against it. Absent for speech and caption. */
  dim?: number;
  /** Text the model was trained to see before queries and passages (e5: "query: " / "passage: "). */
  prefixes?: { query?: string; passage?: string };
}

export interface ModelsConfig extends HostConfig {
  roles: Record<Role, RoleConfig> & Partial<Record<OptionalRole, RoleConfig>>;
  /** Captions (and OCR) of images and video frames at ingest; see caption-config.ts. Absent means off. */
  captions?: CaptionSettings;
  /** The answer model (WebLLM); see llm-config.ts. Absent means its defaults. */
  llm?: LlmConfig;
}

export type ModelsOverride = Partial<HostConfig> & {
  roles?: Partial<Record<AnyRole, Partial<RoleConfig>>>;
  captions?: Partial<CaptionSettings>;
  llm?: Partial<LlmConfig>;
};

export const HUB_URL = 'https://huggingface.co/';

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

/** Where a role's files are fetched from, in the terms transformers.js uses (`env.remoteHost` etc.). */
export interface ResolvedHost {
  remoteHost: string;
  remotePathTemplate: string;
  origin: string;
}

/** The roles this configuration has: every required role, and the optional ones it names. */
export function configuredRoles(config: ModelsConfig): AnyRole[] {
  return [...roles, ...optionalRoles.filter((r) => config.roles[r] !== undefined)];
}

/** Captions run at ingest only when they are turned on and a caption model is configured. */
export function captionsEnabled(config: ModelsConfig): boolean {
  return config.captions?.enabled === true && config.roles.caption !== undefined;
}

/**
 * Text in pictures is read at ingest (OCR, by the caption model) when captions.ocr is on and a caption
 * model is configured, whether or not captions are.
 */
export function ocrEnabled(config: ModelsConfig): boolean {
  return config.captions?.ocr === true && config.roles.caption !== undefined;
}

function roleConfig(config: ModelsConfig, role: AnyRole): RoleConfig {
  const rc = config.roles[role];
  if (!rc) throw new ModelConfigError(`The model configuration has no "${role}" role`);
  return rc;
}

export function resolveHost(config: ModelsConfig, role: AnyRole, appUrl: string): ResolvedHost {
  const rc = roleConfig(config, role);
  const host = rc.host ?? config.host;
  const layout = rc.layout ?? config.layout ?? (host === 'hub' ? 'hub' : 'flat');
  const base = host === 'hub' ? HUB_URL : new URL(host.endsWith('/') ? host : `${host}/`, appUrl).href;
  return {
    remoteHost: base,
    remotePathTemplate: layout === 'hub' ? '{model}/resolve/{revision}/' : '{model}/',
    origin: new URL(base).origin,
  };
}

/** The URL a role's file is fetched from; used for error messages and for the model cache. */
export function modelFileUrl(config: ModelsConfig, role: AnyRole, file: string, appUrl: string): string {
  const { remoteHost, remotePathTemplate } = resolveHost(config, role, appUrl);
  const rc = roleConfig(config, role);
  const revision = rc.revision ?? 'main';
  const path = remotePathTemplate.replaceAll('{model}', rc.model).replaceAll('{revision}', revision);
  return new URL(path + file, remoteHost).href;
}

/** The SHA-256 digests a role's files must have, keyed by the URL each is fetched from. */
export function modelFileHashes(config: ModelsConfig, role: AnyRole, appUrl: string): FileHashes {
  return hashesByUrl(roleConfig(config, role).sha256, modelFileUrl(config, role, '', appUrl));
}

/** Every origin that model files may come from: the CSP and the fetch guard allow these and no others. */
export function modelOrigins(config: ModelsConfig, appUrl: string): string[] {
  return [...new Set(configuredRoles(config).map((r) => resolveHost(config, r, appUrl).origin))];
}

/** Where WebLLM's prebuilt model libraries (.wasm) are fetched from when `llm.libHost` is "github". */
export const WEBLLM_LIB_ORIGIN = 'https://raw.githubusercontent.com';

/**
 * Every origin the app may fetch models from: the encoders' hosts and the answer model's weights and
 * libraries (the same URLs src/answer/choose-model.ts rewrites WebLLM's records to). The build's CSP is
 * made from this, so it follows models.json.
 */
export function allModelOrigins(config: ModelsConfig, appUrl: string): string[] {
  const { weights, libs } = llmFolders(config.llm ?? DEFAULT_LLM_CONFIG, appUrl);
  return [
    ...new Set([
      ...modelOrigins(config, appUrl),
      new URL(weights ?? HUB_URL).origin,
      libs ? new URL(libs).origin : WEBLLM_LIB_ORIGIN,
    ]),
  ];
}

/** The base with the override laid over it, checked: a ModelConfigError names the first field that is wrong. */
export function mergeOverride(base: ModelsConfig, override: ModelsOverride | null | undefined): ModelsConfig {
  if (!override) return base;
  return validateModelsConfig(overlay(base, override));
}

/** The override laid over the base, field by field, not yet checked. */
export function overlay(base: ModelsConfig, override: ModelsOverride): ModelsConfig {
  const merged: ModelsConfig = { ...base, ...pick(override, ['host', 'layout']), roles: { ...base.roles } };
  for (const role of [...roles, ...optionalRoles]) {
    const o = override.roles?.[role];
    const b = base.roles[role];
    if (!o) continue;
    // An optional role the base lacks must come whole from the override; validation says if not.
    const next = { ...b, ...o, dtype: { ...b?.dtype, ...o.dtype } } as RoleConfig;
    // A revision and file digests belong to one model: another model does not inherit them.
    if (b && o.model !== undefined && o.model !== b.model) {
      if (o.revision === undefined) delete next.revision;
      if (o.sha256 === undefined) delete next.sha256;
    }
    merged.roles[role] = next;
  }
  const llm = mergeLlmConfig(base.llm, override.llm);
  if (llm) merged.llm = llm;
  const captions = mergeCaptionSettings(base.captions, override.captions);
  if (captions) merged.captions = captions;
  return merged;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/** Checks a parsed models.json, with a message that names the field that is wrong. */
export function validateModelsConfig(value: unknown, source = 'models.json'): ModelsConfig {
  const fail = (msg: string): never => {
    throw new ModelConfigError(`${source}: ${msg}`);
  };
  if (!isObject(value)) return fail('expected a JSON object');
  if (typeof value.host !== 'string' || !value.host) fail('"host" must be "hub", a URL or a path');
  checkHost(value.host as string, '"host"', fail);
  if (value.layout !== undefined && value.layout !== 'hub' && value.layout !== 'flat')
    fail('"layout" must be "hub" or "flat"');
  if (!isObject(value.roles)) return fail('"roles" must be an object');
  for (const role of roles) validateRole(value.roles[role], `roles.${role}`, role !== 'speech', fail);
  for (const role of optionalRoles)
    if (value.roles[role] !== undefined) validateRole(value.roles[role], `roles.${role}`, false, fail);
  if (value.captions !== undefined) {
    validateCaptionSettings(value.captions, fail);
    if ((value.captions as CaptionSettings).enabled && value.roles.caption === undefined)
      fail('captions.enabled needs a model in roles.caption');
  }
  if (value.llm !== undefined) validateLlmConfig(value.llm, fail);
  return value as unknown as ModelsConfig;
}

function validateRole(rc: unknown, at: string, needsDim: boolean, fail: (msg: string) => never): void {
  if (!isObject(rc)) return fail(`${at} is missing`);
  if (typeof rc.model !== 'string' || !/^[\w.-]+(\/[\w.-]+)?$/.test(rc.model))
    fail(`${at}.model must be a model id like "owner/name"`);
  if (rc.host !== undefined && (typeof rc.host !== 'string' || !rc.host)) fail(`${at}.host must be a string`);
  if (rc.host !== undefined) checkHost(rc.host as string, `${at}.host`, fail);
  if (rc.revision !== undefined && (typeof rc.revision !== 'string' || !REVISION.test(rc.revision)))
    fail(`${at}.revision must be a commit, tag or branch name`);
  if (rc.sha256 !== undefined) validateFileHashes(rc.sha256, `${at}.sha256`, fail);
  if (rc.layout !== undefined && rc.layout !== 'hub' && rc.layout !== 'flat')
    fail(`${at}.layout must be "hub" or "flat"`);
  if (!isObject(rc.dtype)) return fail(`${at}.dtype must map each device to a dtype`);
  for (const device of devices) {
    if (!dtypes.includes(rc.dtype[device] as Dtype))
      fail(
        `${at}.dtype.${device} must be one of ${dtypes.join(', ')} (got ${JSON.stringify(rc.dtype[device])})`,
      );
  }
  if (rc.prefixes !== undefined && !isObject(rc.prefixes)) fail(`${at}.prefixes must be an object`);
  if (needsDim && !(Number.isInteger(rc.dim) && (rc.dim as number) > 0))
    fail(`${at}.dim must be a positive integer`);
}

/** A Hub commit, tag or branch: letters, digits, "_", "-" and ".", never "..". */
const REVISION = /^(?!.*\.\.)[\w.-]+$/;

/** Fails for a host the app must not fetch models from (see hosts.ts). */
export function checkHost(host: string, at: string, fail: (msg: string) => never): void {
  const problem = hostProblem(host);
  if (problem) fail(`${at} ${problem}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
