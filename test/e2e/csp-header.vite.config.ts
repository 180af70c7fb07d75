// Preview config for test/e2e/csp-header.spec.ts: the build served with the Content-Security-Policy sent as
// a header (as README "Hosting the build" advises), which, unlike the <meta>, also governs the workers. Its
// connect-src is made from the fixture models.json the e2e tier serves.
import base from '../../vite.config.ts';
import { isolationHeaders } from '../../scripts/vite/isolation-headers.ts';
import { cspHeader } from '../../scripts/vite/csp.ts';
import { fixtureModelsConfig } from '../support/fixture-models.ts';
import { MODEL_HOST } from './fixture-world.ts';

export default {
  ...base,
  root: new URL('../..', import.meta.url).pathname,
  preview: {
    headers: {
      ...isolationHeaders,
      'Content-Security-Policy': cspHeader({
        ...fixtureModelsConfig(MODEL_HOST),
        llm: { host: `${MODEL_HOST}llm/`, models: ['Qwen2.5-0.5B-Instruct'] },
      }),
    },
  },
};
