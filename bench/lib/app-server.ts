// The app as a self-hoster deploys it, for benches that drive it as a user does: the production build
// (vite build) with a models.json that points at a model folder, served by `vite preview` (isolation
// headers, and the Content-Security-Policy header made from that models.json), and the model folder served
// on a second origin with CORS by scripts/serve-fixture-models.js, as a model host would.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { build, preview } from 'vite';
import wasm from 'vite-plugin-wasm';
import type { ModelsConfig } from '../../src/models/config.ts';

export interface AppServer {
  /** The app's URL, ending in '/'. */
  url: string;
  /** The model host's URL, ending in '/'. */
  modelHost: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForUrl(url: string, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Builds the app into `outDir`, writes `config` (with its host set to the model server) as its models.json,
 * and serves both. `config.host` is replaced: the folder is served wherever a free port is.
 */
export async function serveApp(options: {
  root: string;
  outDir: string;
  modelsDir: string;
  config: ModelsConfig;
  log: (m: string) => void;
  /**
   * Also build the scale bench's bulk writer (bench/fill/) into `bench-fill/`, on the app's origin so it
   * writes the app's stores. Never part of the app: a build of its own, without the app's plugins.
   */
  fillPage?: boolean;
}): Promise<AppServer> {
  const { root, outDir, modelsDir, log } = options;
  const modelPort = await freePort();
  const modelHost = `http://localhost:${modelPort}/`;
  const models: ChildProcess = spawn(
    process.execPath,
    [join(root, 'scripts/serve-fixture-models.js'), String(modelPort), modelsDir],
    { stdio: 'ignore' },
  );
  try {
    log(`building the app into ${outDir}`);
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    if (options.fillPage)
      await build({
        root: join(root, 'bench/fill'),
        configFile: false,
        base: '/bench-fill/',
        logLevel: 'warn',
        plugins: [wasm()],
        worker: { format: 'es', plugins: () => [wasm()] },
        build: { outDir: join(outDir, 'bench-fill'), emptyOutDir: true, target: 'es2022' },
      });
    const config: ModelsConfig = { ...options.config, host: modelHost };
    writeFileSync(join(outDir, 'models.json'), JSON.stringify(config, null, 2));
    const server = await preview({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir },
      preview: { port: await freePort(), strictPort: true },
    });
    const url = server.resolvedUrls?.local[0] ?? '';
    if (!url) throw new Error('vite preview gave no URL');
    await waitForUrl(`${modelHost}models.json`, 10_000);
    return {
      url,
      modelHost,
      async close() {
        await server.close();
        models.kill();
      },
    };
  } catch (err) {
    models.kill();
    throw err;
  }
}
