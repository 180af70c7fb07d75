// The e2e tier's deployment of the fixture world: the built app is served another models.json, one that
// points at the fixture model host (scripts/serve-fixture-models.js, a second origin with CORS), the way a
// self-hosting deployment points at its own model folder. Nothing is mocked: the app fetches, caches and
// runs those models in its workers as it would real ones.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import type { ModelsConfig } from '../../src/models/config.ts';
import { connectSources, cspHeader } from '../../scripts/vite/csp.ts';
import { coneModelsConfig, fixtureModelsConfig } from '../support/fixture-models.ts';

export const MODEL_HOST = `http://localhost:${process.env.TROVE_MODELS_PORT ?? 4174}/`;
export const modelHostOrigin = new URL(MODEL_HOST).origin;

/** The models.json the e2e tier serves; the preview's Content-Security-Policy is made from it too. */
export function fixtureWorldConfig(): ModelsConfig {
  return {
    ...fixtureModelsConfig(MODEL_HOST),
    // No answer model weights exist on this machine: the answer model's host is the fixture host, where
    // its files are missing, so asking exercises the real engine's load failure and the quoted answer,
    // and never reaches the Hub.
    llm: { host: `${MODEL_HOST}llm/`, models: ['Qwen2.5-0.5B-Instruct'] },
  };
}

/** The second model world (issue 22): other dimensions, a cone, compressed sound scores. */
export function coneWorldConfig(): ModelsConfig {
  return { ...coneModelsConfig(MODEL_HOST), llm: fixtureWorldConfig().llm };
}

export async function serveFixtureModelsConfig(page: Page, config = fixtureWorldConfig()): Promise<void> {
  await page.route('**/models.json', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(config),
    }),
  );
}

/**
 * The preview's Content-Security-Policy header: made from the fixture world's models.json, with the cone
 * world's model folders added to connect-src, since the e2e tier serves either.
 */
export function previewCspHeader(): string {
  const header = cspHeader(fixtureWorldConfig());
  const cone = connectSources(coneWorldConfig());
  return header.replace(/connect-src ([^;]*)/, (_, sources: string) => {
    const own = sources.split(' ');
    // The cone world's folders go after the fixture world's, before blob: and data:.
    const added = cone.filter((s) => !own.includes(s));
    const at = own.indexOf('blob:');
    return `connect-src ${[...own.slice(0, at), ...added, ...own.slice(at)].join(' ')}`;
  });
}

/** Absolute path of a fixture file, e.g. media('image/red-square.png'). */
export function media(path: string): string {
  return fileURLToPath(new URL(`../fixtures/media/${path}`, import.meta.url));
}
