import {
  mergeOverride,
  ModelConfigError,
  validateModelsConfig,
  type ModelsConfig,
  type ModelsOverride,
} from './config';

const OVERRIDE_KEY = 'trove.models-override';

/** Reads models.json from the app's origin and applies the local override saved in Settings. */
export async function loadModelsConfig(
  url = new URL('models.json', document.baseURI).href,
): Promise<ModelsConfig> {
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
  return mergeOverride(validateModelsConfig(parsed, url), readModelsOverride());
}

export function readModelsOverride(): ModelsOverride | null {
  try {
    const raw = localStorage.getItem(OVERRIDE_KEY);
    return raw ? (JSON.parse(raw) as ModelsOverride) : null;
  } catch {
    return null;
  }
}

export function saveModelsOverride(override: ModelsOverride | null): void {
  if (override) localStorage.setItem(OVERRIDE_KEY, JSON.stringify(override));
  else localStorage.removeItem(OVERRIDE_KEY);
}
