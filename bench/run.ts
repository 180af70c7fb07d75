// `npm run bench` runs every section in bench/sections/; `npm run bench -- index` runs one. A section is
// one module whose default export is a BenchSection: adding a benchmark means adding a file there.
// Results go to bench/RESULTS.md. Benchmarks never run under `npm test`.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium-path.js';
import type { BenchContext, BenchSection } from './lib/harness.ts';
import { writeSection } from './lib/results-file.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sectionsDir = join(root, 'bench', 'sections');
const resultsFile = join(root, 'bench', 'RESULTS.md');

const argv = process.argv.slice(2);
const wanted = argv.filter((a) => !a.startsWith('--'));
const options = argv.filter((a) => a.startsWith('--'));

const sections: BenchSection[] = [];
for (const file of readdirSync(sectionsDir)
  .filter((f) => /\.ts$/.test(f))
  .sort()) {
  const mod = (await import(pathToFileURL(join(sectionsDir, file)).href)) as { default: BenchSection };
  sections.push(mod.default);
}
const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
if (unknown.length) {
  console.error(
    `unknown section(s): ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = wanted.length ? sections.filter((s) => wanted.includes(s.name)) : sections;

const executablePath = chromiumPath();
if (!executablePath) throw new Error('Chromium not found (set CHROMIUM_PATH)');

const server = await createServer({
  root,
  configFile: join(root, 'vite.config.ts'),
  // No HMR and no watcher: an edit anywhere in the tree must not reload a page mid-measurement.
  server: { port: 0, hmr: false, watch: null },
  logLevel: 'warn',
});
await server.listen();
const base = server.resolvedUrls?.local[0] ?? `http://localhost:${server.config.server.port}/`;
const profile = mkdtempSync(join(tmpdir(), 'trove-bench-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [...chromiumArgs, '--enable-blink-features=ForceEagerMeasureMemory'],
});

let failed = false;
try {
  for (const section of selected) {
    const started = new Date();
    const ctx: BenchContext = {
      args: options,
      browser,
      profileDir: profile,
      log: (m) => console.log(`[${section.name}] ${m}`),
      async openPage(path) {
        const page = await browser.newPage();
        page.on('console', (msg) => console.log(`[${section.name}:page] ${msg.text()}`));
        page.on('pageerror', (err) => console.error(`[${section.name}:page] ${err.message}`));
        await page.goto(new URL(path.replace(/^\//, ''), base).href);
        return page;
      },
    };
    console.log(`— ${section.title}`);
    try {
      const loadBefore = loadavg()[0]!;
      const body = await section.run(ctx);
      // Other work on the machine skews timings on 2 cores; say how busy it was.
      const load = `Machine load (1-min average) at start ${loadBefore.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)}, on ${cpus().length} cores.`;
      writeSection(resultsFile, section.name, section.title, `${load}\n\n${body}`, started);
      console.log(`[${section.name}] written to bench/RESULTS.md`);
    } catch (err) {
      failed = true;
      console.error(`[${section.name}] failed:`, err);
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
