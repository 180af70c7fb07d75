// `npm run preview` (vite preview with the app's vite.config.ts) sends the Content-Security-Policy header
// that README "Hosting the build" asks of a host, made from the models.json it serves, on every response.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import { cspHeader } from '../../scripts/vite/csp.ts';
import { validateModelsConfig } from '../../src/models/config.ts';
import { isolationHeaders } from '../../scripts/vite/isolation-headers.ts';
import { MAX_PAGE_LOAD_TIME } from '../support/time-budgets.ts';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));

/** A built site with its own models.json (a mirror host, so the header is seen to come from it). */
function site(models: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'trove-preview-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Trove</title>');
  writeFileSync(join(dir, 'models.json'), JSON.stringify(models));
  return dir;
}

let server: PreviewServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function open(outDir: string, headers?: Record<string, string>): Promise<string> {
  server = await preview({
    configFile: 'vite.config.ts',
    logLevel: 'silent',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', ...(headers ? { headers } : {}) },
  });
  return server.resolvedUrls!.local[0]!;
}

// Each server loads the app's vite.config.ts (Svelte, the PWA plugin, WebLLM's model list): about 5 s cold
// on 2 cores, over Vitest's 5 s default, so these take the budget of a page load.
describe('vite preview', { timeout: MAX_PAGE_LOAD_TIME }, () => {
  it('sends the CSP header made from the served models.json, with the isolation headers', async () => {
    const mirrored = { ...shipped, host: 'https://mirror.example/models/' };
    const base = await open(site(mirrored));
    for (const path of ['', 'models.json', 'no-such-file']) {
      const response = await fetch(new URL(path, base));
      expect(response.headers.get('content-security-policy'), path).toBe(
        cspHeader(validateModelsConfig(mirrored)),
      );
    }
    const page = await fetch(base);
    for (const [name, value] of Object.entries(isolationHeaders)) expect(page.headers.get(name)).toBe(value);
    expect(page.headers.get('content-security-policy')).toContain(
      `https://mirror.example/models/${shipped.roles.clip.model}/`,
    );
  });

  it("keeps a config's own policy (the e2e tier's, for its fixture models.json)", async () => {
    const base = await open(site(shipped), {
      ...isolationHeaders,
      'Content-Security-Policy': "default-src 'none'",
    });
    expect((await fetch(base)).headers.get('content-security-policy')).toBe("default-src 'none'");
  });

  it('refuses to start without a models.json to make the policy from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trove-preview-'));
    await expect(open(dir)).rejects.toThrow(
      /models\.json is missing: the preview's Content-Security-Policy is made from it/,
    );
  });
});
