import { ModelConfigError, validateModelsConfig, type ModelsConfig, type ModelsOverride } from './config';
import { applyOverride } from './override';

const OVERRIDE_KEY = 'trove.models-override';

export interface LoadedModelsConfig {
  config: ModelsConfig;
  /** Set when parts of the saved override were invalid and removed: what was removed, and why. */
  notice?: string;
}

/**
 * Reads models.json from the app's origin and applies the local override saved in Settings. The override
 * is checked on its own: its invalid parts are removed from storage and named in `notice`, so a broken
 * override never stops the app.
 */
export async function loadModelsConfig(
  url = new URL('models.json', document.baseURI).href,
): Promise<LoadedModelsConfig> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-cache' });
  } catch (err) {
    throw new ModelConfigError(
      `Could not fetch the model configuration at ${url}: ${(err as Error).message}`,
    );
  }
  if (!response.ok)
    throw new ModelConfigError(`The model configuration at ${url} answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html'))
    throw new ModelConfigError(
      `The model configuration at ${url} is an HTML page, not JSON: is models.json deployed?`,
    );
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw new ModelConfigError(`The model configuration at ${url} is not valid JSON`);
  }
  return applyStoredOverride(validateModelsConfig(parsed, url));
}

/** Lays the stored override over `base`, removing from storage whatever of it is invalid. */
export function applyStoredOverride(base: ModelsConfig): LoadedModelsConfig {
  const stored = readStoredOverride();
  const applied = applyOverride(base, stored.value);
  const dropped = stored.unreadable ? ['they are not valid JSON'] : applied.dropped;
  if (!dropped.length) return { config: applied.config };
  saveModelsOverride(applied.kept);
  const what = applied.kept
    ? 'Some model settings saved in this browser were invalid and were removed'
    : 'The model settings saved in this browser were invalid and were reset';
  return { config: applied.config, notice: `${what}: ${dropped.join('; ')}.` };
}

function readStoredOverride(): { value: unknown; unreadable: boolean } {
  let raw: string | null;
  try {
    raw = localStorage.getItem(OVERRIDE_KEY);
  } catch {
    return { value: null, unreadable: false }; // storage is off (a privacy mode): no override
  }
  if (raw === null) return { value: null, unreadable: false };
  try {
    return { value: JSON.parse(raw), unreadable: false };
  } catch {
    return { value: null, unreadable: true };
  }
}

/** The stored override as the Settings page edits it; null when there is none or it cannot be read. */
export function readModelsOverride(): ModelsOverride | null {
  const { value } = readStoredOverride();
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as ModelsOverride)
    : null;
}

/** Whether an override is stored at all (valid or not), so "Reset model settings" has something to do. */
export function hasModelsOverride(): boolean {
  try {
    return localStorage.getItem(OVERRIDE_KEY) !== null;
  } catch {
    return false;
  }
}

export function saveModelsOverride(override: ModelsOverride | null): void {
  if (override) localStorage.setItem(OVERRIDE_KEY, JSON.stringify(override));
  else localStorage.removeItem(OVERRIDE_KEY);
}
