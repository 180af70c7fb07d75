// bench/RESULTS.md holds the latest output of every section between markers, so running one section
// replaces its own part and keeps the others.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const HEAD =
  '# Benchmark results\n\n' +
  'Written by `npm run bench` (`npm run bench -- <section>` reruns one section and keeps the others). ' +
  'Measured on the project machine: 2 cores, headless Chromium, a persistent profile.\n';

export function writeSection(file: string, name: string, title: string, body: string, when: Date): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : HEAD;
  const begin = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  const block = `${begin}\n## ${title}\n\n_Run ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC._\n\n${body.trim()}\n${end}`;
  const start = existing.indexOf(begin);
  const stop = existing.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? existing.slice(0, start) + block + existing.slice(stop + end.length)
      : `${existing.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
