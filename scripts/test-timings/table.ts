// Per-file test times, before and after, for test/README.md. Reads Playwright's JSON report
// (test-results/e2e-tier.json) or the output of a Vitest run (its default reporter's line per file, which
// counts the file's hooks; Vitest's JSON report counts only the tests, so a model load in beforeAll is
// missing from it), and prints one markdown table: file, seconds before, seconds after.
// Usage: tsx scripts/test-timings/table.ts <before> <after>
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface VitestReport {
  testResults: { name: string; startTime: number; endTime: number }[];
}
interface PlaywrightSuite {
  file: string;
  specs: { tests: { projectName: string; results: { duration: number }[] }[] }[];
  suites?: PlaywrightSuite[];
}
interface PlaywrightReport {
  suites: PlaywrightSuite[];
}

/** Seconds per file (Playwright: per file and project, e.g. "library-search.spec.ts [phone]"). */
export function secondsPerFile(report: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const add = (key: string, ms: number) => out.set(key, (out.get(key) ?? 0) + ms / 1000);
  if (report && typeof report === 'object' && 'testResults' in report) {
    for (const r of (report as VitestReport).testResults) add(basename(r.name), r.endTime - r.startTime);
    return out;
  }
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs)
      for (const t of spec.tests)
        for (const r of t.results) add(`${basename(suite.file)} [${t.projectName}]`, r.duration);
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of (report as PlaywrightReport).suites) walk(s);
  return out;
}

/** Seconds per file from a Vitest run's output: "✓ browser (chromium) test/browser/a.test.ts (3 tests) 4409ms". */
export function secondsFromVitestOutput(text: string): Map<string, number> {
  const out = new Map<string, number>();
  // eslint-disable-next-line no-control-regex -- the colours of a terminal's output
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  for (const line of plain.split('\n')) {
    const m = /\s(\S+\.test\.ts) \(\d+ tests?[^)]*\) (\d+(?:\.\d+)?)(ms|s)\s*$/.exec(line);
    if (m) out.set(basename(m[1]!), Number(m[2]) / (m[3] === 'ms' ? 1000 : 1));
  }
  return out;
}

export function timingTable(before: Map<string, number>, after: Map<string, number>): string {
  const files = [...new Set([...before.keys(), ...after.keys()])].sort();
  const cell = (s: number | undefined) => (s === undefined ? '–' : s.toFixed(1));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const rows = files.map((f) => `| ${f} | ${cell(before.get(f))} | ${cell(after.get(f))} |`);
  return [
    '| file | before (s) | after (s) |',
    '| --- | ---: | ---: |',
    ...rows,
    `| **total** | **${cell(sum(before))}** | **${cell(sum(after))}** |`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (!beforePath || !afterPath) throw new Error('usage: table.ts <before.json> <after.json>');
  const read = (p: string) => {
    const text = readFileSync(p, 'utf8');
    return p.endsWith('.json') ? secondsPerFile(JSON.parse(text)) : secondsFromVitestOutput(text);
  };
  console.log(timingTable(read(beforePath), read(afterPath)));
}
