import { defineConfig, devices } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/chromium-path.js';

// Ports and the build folder can be moved (TROVE_E2E_PORT, TROVE_MODELS_PORT, TROVE_E2E_DIST), so two runs
// in one checkout do not collide; test/e2e/fixture-world.ts reads the same variables.
const port = Number(process.env.TROVE_E2E_PORT ?? 4173);
/** The fixture model host (scripts/serve-fixture-models.js): a second origin, as a real model host is. */
const fixtureModelsPort = Number(process.env.TROVE_MODELS_PORT ?? 4174);
const outDir = process.env.TROVE_E2E_DIST ? ` --outDir ${process.env.TROVE_E2E_DIST}` : '';

// The e2e tier: the production build, served by `vite preview` (which sends the same isolation headers
// as the dev server), driven in Debian's Chromium, at a desktop size and at a phone size. `npm run test:e2e`
// builds first. Tests point the built app at the fixture models by serving it another models.json.
const launchOptions = { executablePath: chromiumPath() ?? undefined, args: chromiumArgs };

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      // Pixel 7's size, touch and scale, in the Chromium this machine has (not Playwright's download).
      use: { ...devices['Pixel 7'], browserName: 'chromium', launchOptions },
    },
  ],
  webServer: [
    {
      command: `npx vite preview --port ${port} --strictPort${outDir}`,
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
