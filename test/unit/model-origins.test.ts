// allModelOrigins (which the CSP is built from) must cover every URL the answer engine really fetches:
// checked against WebLLM's own prebuilt records, rewritten by choose-model.ts exactly as the app does.
import { readFileSync } from 'node:fs';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { llmOrigins, resolveCandidates } from '../../src/answer/choose-model.ts';
import {
  allModelOrigins,
  mergeOverride,
  modelOrigins,
  validateModelsConfig,
} from '../../src/models/config.ts';
import { DEFAULT_LLM_CONFIG, type LlmConfig } from '../../src/models/llm-config.ts';

const shipped = validateModelsConfig(JSON.parse(readFileSync('public/models.json', 'utf8')));
const app = 'https://trove.example/app/';

const llmConfigs: [string, LlmConfig][] = [
  ['the default (Hub weights, GitHub libraries)', DEFAULT_LLM_CONFIG],
  ['self-hosted on the app origin', { host: '/llm/', models: ['Qwen2.5-0.5B-Instruct'] }],
  [
    'weights on a mirror, libraries left on GitHub',
    { host: 'https://w.example/m', libHost: 'github', models: ['Qwen2.5-1.5B-Instruct'] },
  ],
  [
    'weights on the Hub, libraries self-hosted',
    { host: 'hub', libHost: 'https://libs.example/x/', models: ['Qwen2.5-0.5B-Instruct'] },
  ],
];

describe('allModelOrigins', () => {
  it.each(llmConfigs)('covers the answer model URLs: %s', (_name, llm) => {
    const config = mergeOverride(shipped, { llm });
    const fetched = llmOrigins(resolveCandidates(llm, prebuiltAppConfig.model_list, app));
    const allowed = allModelOrigins(config, app);
    for (const origin of fetched) expect(allowed).toContain(origin);
    // Nothing beyond the encoders' hosts and what the answer engine fetches.
    expect(new Set(allowed)).toEqual(new Set([...modelOrigins(config, app), ...fetched]));
  });
});
