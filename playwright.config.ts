import { defineConfig, devices } from '@playwright/test';
import { chromiumArgs, chromiumPath, correctnessTierArgs } from './scripts/chromium-path.js';
import { MAX_TEST_EXECUTION_TIME } from './test/support/time-budgets.ts';

// Ports and the build folder can be moved (TROVE_E2E_PORT, TROVE_MODELS_PORT, TROVE_E2E_DIST), so two runs
// in one checkout do not collide; test/e2e/fixture-world.ts reads the same variables.
const port = Number(process.env.TROVE_E2E_PORT ?? 4173);
/** The fixture model host (scripts/serve-fixture-models.js): a second origin, as a real model host is. */
const fixtureModelsPort = Number(process.env.TROVE_MODELS_PORT ?? 4174);
const outDir = process.env.TROVE_E2E_DIST ? ` --outDir ${process.env.TROVE_E2E_DIST}` : '';

// The e2e tier: the production build, served by `vite preview` as a host should serve it (the isolation
// headers, and the Content-Security-Policy as a header made from the fixture models.json the tier serves:
// test/e2e/preview.vite.config.ts), driven in Debian's Chromium. `npm run test:e2e` builds first. Tests point the built app
// at the fixture models by serving it another models.json. Every spec shares the one build, the one static
// server and the one fixture model host below.
const executablePath = chromiumPath() ?? undefined;
const correctness = { executablePath, args: correctnessTierArgs };

/** The smoke spec that keeps V8's default WASM compilers, so a compile stall users would see fails a test. */
const defaultCompilersSpec = 'smoke-default-compilers.spec.ts';
/** Specs about layout and touch, which also run at a phone's size; the rest do not depend on the screen. */
const phoneSpecs = ['library-search.spec.ts'];

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  timeout: MAX_TEST_EXECUTION_TIME,
  expect: { timeout: 15_000 },
  retries: 0,
  fullyParallel: false,
  workers: 1,
  // The JSON report gives per-file times (scripts/test-timings/table.ts, test/README.md).
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-tier.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions: correctness,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'desktop',
      testIgnore: defaultCompilersSpec,
      use: { viewport: { width: 1280, height: 800 } },
    },
    {
      name: 'phone',
      testMatch: phoneSpecs,
      // Pixel 7's size, touch and scale, in the Chromium this machine has (not Playwright's download).
      use: { ...devices['Pixel 7'], browserName: 'chromium', launchOptions: correctness },
    },
    {
      name: 'default-compilers',
      testMatch: defaultCompilersSpec,
      use: { viewport: { width: 1280, height: 800 }, launchOptions: { executablePath, args: chromiumArgs } },
    },
  ],
  webServer: [
    {
      command: `npx vite preview -c test/e2e/preview.vite.config.ts --port ${port} --strictPort${outDir}`,
      url: `http://localhost:${port}`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node scripts/serve-fixture-models.js ${fixtureModelsPort}`,
      url: `http://localhost:${fixtureModelsPort}/trove-fixtures/clip/config.json`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
