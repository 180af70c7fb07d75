// The model override saved in this browser (Settings) is checked on its own, part by part, before it is
// laid over models.json: a part that would make the configuration invalid is dropped with a reason, and
// the rest is kept. A broken override therefore never stops the app from starting.
import {
  optionalRoles,
  overlay,
  roles,
  validateModelsConfig,
  type ModelsConfig,
  type ModelsOverride,
} from './config.ts';

export interface AppliedOverride {
  /** models.json with the valid parts of the override applied. */
  config: ModelsConfig;
  /** The parts that were applied (null when none were), to be saved back in place of the stored override. */
  kept: ModelsOverride | null;
  /** Why each dropped part was dropped, for a notice; empty when the whole override was applied. */
  dropped: string[];
}

const SOURCE = 'model settings saved in this browser';

/** The override's parts, in the order they are applied: roles before captions, which may need one. */
type Part = { name: string; override: ModelsOverride };

function partsOf(value: Record<string, unknown>, dropped: string[]): Part[] {
  const parts: Part[] = [];
  for (const key of Object.keys(value)) {
    if (!['host', 'layout', 'roles', 'captions', 'llm'].includes(key))
      dropped.push(`"${key}" is not a model setting`);
  }
  if (value.host !== undefined) parts.push({ name: 'host', override: { host: value.host as string } });
  if (value.layout !== undefined)
    parts.push({ name: 'layout', override: { layout: value.layout as 'hub' | 'flat' } });
  if (value.roles !== undefined) {
    if (!isObject(value.roles)) dropped.push('"roles" must be an object');
    else {
      const known: string[] = [...roles, ...optionalRoles];
      for (const [role, rc] of Object.entries(value.roles)) {
        if (!known.includes(role)) dropped.push(`"roles.${role}" is not a role`);
        else if (!isObject(rc)) dropped.push(`"roles.${role}" must be an object`);
        else parts.push({ name: `roles.${role}`, override: { roles: { [role]: rc } } as ModelsOverride });
      }
    }
  }
  for (const key of ['captions', 'llm'] as const) {
    if (value[key] === undefined) continue;
    if (!isObject(value[key])) dropped.push(`"${key}" must be an object`);
    else parts.push({ name: key, override: { [key]: value[key] } as ModelsOverride });
  }
  return parts;
}

/**
 * Applies what is valid of `override` (parsed JSON of any shape) over `base`, one part at a time: the
 * host, the layout, each role, captions, the answer model. Each part is kept only if the configuration
 * with it is still valid.
 */
export function applyOverride(base: ModelsConfig, override: unknown): AppliedOverride {
  if (override === null || override === undefined) return { config: base, kept: null, dropped: [] };
  if (!isObject(override))
    return { config: base, kept: null, dropped: ['the saved settings are not a JSON object'] };
  const dropped: string[] = [];
  let config = base;
  const kept: ModelsOverride = {};
  for (const part of partsOf(override, dropped)) {
    try {
      config = validateModelsConfig(overlay(config, part.override), SOURCE);
    } catch (err) {
      dropped.push((err as Error).message.replace(`${SOURCE}: `, ''));
      continue;
    }
    const { roles: partRoles, ...rest } = part.override;
    Object.assign(kept, rest);
    if (partRoles) kept.roles = { ...kept.roles, ...partRoles };
  }
  return { config, kept: Object.keys(kept).length ? kept : null, dropped };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
