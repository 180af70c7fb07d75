import { describe, expect, it } from 'vitest';
import { secondsPerFile, timingTable } from '../../scripts/test-timings/table.ts';

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
