import { describe, expect, it } from 'vitest';
import { secondsFromVitestOutput, secondsPerFile, timingTable } from '../../scripts/test-timings/table.ts';

describe('per-file test timings', () => {
  it('sums Vitest files by their duration', () => {
    const m = secondsPerFile({
      testResults: [
        { name: '/x/test/browser/a.test.ts', startTime: 1000, endTime: 4500 },
        { name: '/x/test/browser/b.test.ts', startTime: 0, endTime: 250 },
      ],
    });
    expect([...m]).toEqual([
      ['a.test.ts', 3.5],
      ['b.test.ts', 0.25],
    ]);
  });

  it('sums Playwright results per file and project, nested suites included', () => {
    const m = secondsPerFile({
      suites: [
        {
          file: 'a.spec.ts',
          specs: [
            {
              tests: [
                { projectName: 'desktop', results: [{ duration: 2000 }] },
                { projectName: 'phone', results: [{ duration: 1000 }] },
              ],
            },
          ],
          suites: [
            {
              file: 'a.spec.ts',
              specs: [{ tests: [{ projectName: 'desktop', results: [{ duration: 500 }] }] }],
            },
          ],
        },
      ],
    });
    expect(m.get('a.spec.ts [desktop]')).toBe(2.5);
    expect(m.get('a.spec.ts [phone]')).toBe(1);
  });

  it("reads each file's time, hooks included, from a Vitest run's output", () => {
    const m = secondsFromVitestOutput(
      [
        ' \x1b[32m✓\x1b[39m  browser (chromium)  test/browser/ingest-captions.test.ts (4 tests) 453384ms',
        ' ❯  browser (chromium)  test/browser/caption.test.ts (13 tests | 1 failed | 1 skipped) 382088ms',
        '     ✓ a test line inside a file 2696ms',
      ].join('\n'),
    );
    expect([...m]).toEqual([
      ['ingest-captions.test.ts', 453.384],
      ['caption.test.ts', 382.088],
    ]);
  });

  it('tables both runs with a dash where a file ran in only one, and totals', () => {
    const table = timingTable(
      new Map([
        ['a', 10],
        ['gone', 5],
      ]),
      new Map([
        ['a', 2],
        ['new', 1],
      ]),
    );
    expect(table.split('\n').slice(2)).toEqual([
      '| a | 10.0 | 2.0 |',
      '| gone | 5.0 | – |',
      '| new | – | 1.0 |',
      '| **total** | **15.0** | **3.0** |',
    ]);
  });
});
