// Makes the real-size model world: random-weight models of the real architecture and size, in the Hub
// repos' layout, for every role of public/models.json (npm run realsize:models). See README.md beside this.
//   --out DIR     where to write (default .cache/realsize-models)
//   --roles a,b   only these roles (default: all configured)
//   --host URL    where the app will fetch the folder from, written into DIR/models.json
//   --tiny        one layer and a small vocabulary per model: the same files, made in about a minute
//   --presets     the presets' candidates (candidates.ts) instead, into .cache/realsize-presets by default;
//                 --roles then picks candidates by role, --models by Hub id (a,b)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateModelsConfig, type AnyRole } from '../../src/models/config.ts';
import type { HubManifestLike } from '../../src/models/required-files.ts';
import hub from '../../src/models/hub-manifest.json' with { type: 'json' };
import { CANDIDATES, DEFAULTS } from './candidates.ts';
import {
  GENERATED_MODELS,
  RealsizePlanError,
  candidatePlan,
  realsizeModelsConfig,
  realsizePlan,
} from './plan.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    roles: { type: 'string' },
    presets: { type: 'boolean', default: false },
    models: { type: 'string' },
    host: { type: 'string', default: 'http://localhost:4180/' },
    tiny: { type: 'boolean', default: false },
  },
});
const out = path.resolve(
  values.out ?? path.join(repo, values.presets ? '.cache/realsize-presets' : '.cache/realsize-models'),
);
const venv = path.join(repo, '.cache/realsize-venv');
const python = path.join(venv, 'bin/python');

const shipped = validateModelsConfig(JSON.parse(readFileSync(path.join(repo, 'public/models.json'), 'utf8')));
const plan = values.presets
  ? candidatePlan(
      // The defaults live in the default world; the candidates' world holds the candidates only.
      CANDIDATES.filter(
        (c) =>
          (!values.roles || values.roles.split(',').includes(c.role)) &&
          (!values.models || values.models.split(',').includes(c.model)) &&
          !DEFAULTS.some((d) => d.model === c.model),
      )
        // MobileCLIP's builder stubs torchvision for timm (python/no_torchvision.py): build it last.
        .sort((a, b) => Number(a.model.includes('mobileclip')) - Number(b.model.includes('mobileclip'))),
      hub as unknown as HubManifestLike,
    )
  : realsizePlan(shipped, hub as unknown as HubManifestLike, values.roles?.split(',') as AnyRole[]);
const skipped = plan.models.filter((m) => !GENERATED_MODELS.includes(m.model));
for (const m of skipped) console.log(`${m.role}: no generator for ${m.model}; left out`);

ensureVenv();
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
const started = Date.now();
const run = spawnSync(
  python,
  [
    path.join(repo, 'scripts/realsize/python/generate.py'),
    path.join(out, 'plan.json'),
    out,
    ...(values.tiny ? ['--tiny'] : []),
  ],
  { stdio: 'inherit', env: { ...process.env, RAYON_NUM_THREADS: process.env.RAYON_NUM_THREADS ?? '2' } },
);
if (run.status !== 0) process.exit(run.status ?? 1);
if (values.presets) {
  console.log(
    `wrote ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s; time it with npm run bench -- presets`,
  );
  process.exit(0);
}
// A run may make only some roles; models.json covers every role whose folder is there, and waits for the rest.
const all = realsizePlan(shipped, hub as unknown as HubManifestLike);
const present = all.models
  .filter((m) => existsSync(path.join(out, m.model, 'config.json')))
  .map((m) => m.role);
try {
  const config = realsizeModelsConfig(shipped, values.host, present);
  writeFileSync(path.join(out, 'models.json'), JSON.stringify(config, null, 2) + '\n');
} catch (e) {
  if (!(e instanceof RealsizePlanError)) throw e;
  console.log(`models.json not written yet: ${e.message}`);
}
console.log(
  `wrote ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s; check it with npm run realsize:verify`,
);

/** A venv under .cache with the generators' packages, made once; pip uses the machine's own package source. */
function ensureVenv(): void {
  const probe = () =>
    existsSync(python) &&
    spawnSync(python, ['-c', 'import torch, transformers, onnx, onnxruntime, tokenizers'], {
      stdio: 'ignore',
    }).status === 0 &&
    spawnSync(
      python,
      ['-c', 'import importlib.util as u; assert u.find_spec("open_clip") and u.find_spec("timm")'],
      {
        stdio: 'ignore',
      },
    ).status === 0;
  if (probe()) return;
  console.log(`setting up ${venv} (torch, transformers, onnx, onnxruntime; once) ...`);
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  const pip = [python, '-m', 'pip', 'install', ...localIndexArgs()];
  execFileSync(pip[0]!, [...pip.slice(1), '-r', path.join(repo, 'scripts/realsize/requirements.txt')], {
    stdio: 'inherit',
  });
  // open_clip only for the CLIP BPE merges file it ships; its own dependencies are not needed.
  execFileSync(pip[0]!, [...pip.slice(1), '--no-deps', 'open-clip-torch'], { stdio: 'inherit' });
  // timm for MobileCLIP's FastViT image towers (the presets' candidates), without torchvision: see
  // python/no_torchvision.py.
  execFileSync(pip[0]!, [...pip.slice(1), '--no-deps', 'timm'], { stdio: 'inherit' });
  if (!probe()) throw new Error(`${venv} still lacks the generators' packages; see the pip output above`);
}

/**
 * When pip is configured with local (file://) indexes only as extras, as on machines with an offline
 * package mirror, make them the only indexes, so pip never waits on an unreachable default index.
 */
function localIndexArgs(): string[] {
  let urls: string[];
  try {
    urls = execFileSync('python3', ['-m', 'pip', 'config', 'get', 'global.extra-index-url'], {
      encoding: 'utf8',
    })
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return [];
  }
  if (urls.length === 0 || !urls.every((u) => u.startsWith('file://'))) return [];
  return ['--index-url', urls[0]!, ...urls.slice(1).flatMap((u) => ['--extra-index-url', u])];
}
