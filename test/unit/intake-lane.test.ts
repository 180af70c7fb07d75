// The intake lane never reads the size of a file that waits: in Chromium the first read of a picked File's
// size is a synchronous stat, which for a thousand files picked at once held the page.
import { describe, expect, it } from 'vitest';
import { IntakeLane, type IntakeHost } from '../../src/ingest/queue/intake-lane.ts';
import type { IntakeEntry } from '../../src/ingest/queue/queue-types.ts';

/** A host whose queue is stopped: nothing is taken in. */
const stopped: IntakeHost = {
  isClosed: () => false,
  intakeBlocked: () => true,
  taken: () => undefined,
  pause: () => undefined,
  intakeEnded: () => undefined,
};

describe('the intake lane', () => {
  it('counts the files that wait without reading their sizes', async () => {
    let reads = 0;
    const entries: IntakeEntry[] = Array.from({ length: 200 }, (_, i) => {
      const file = new File([new Uint8Array(10)], `p${i}.jpg`);
      Object.defineProperty(file, 'size', { get: () => (reads++, 10) });
      return { kind: 'file', file, folderPath: '' };
    });
    const lane = new IntakeLane(() => Promise.reject(new Error('not taken in here')), stopped, 2);
    void lane.add(entries);
    lane.run();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lane.count).toBe(200);
    expect(reads).toBe(0);
  });
});
