// The open that openInTime guards (Chromium's createSyncAccessHandle) stays pending only rarely and cannot
// be made to hang on demand, so these tests stand in for it with promises they settle themselves.
import { describe, expect, it } from 'vitest';
import { openInTime } from '../../src/library/open-in-time.ts';

type Handle = { id: number; closed: boolean };

function opener(plan: ('hang' | 'late' | 'open' | 'fail')[]) {
  const handles: Handle[] = [];
  const settleLate: (() => void)[] = [];
  let calls = 0;
  const open = () => {
    const step = plan[calls] ?? 'open';
    const handle = { id: calls++, closed: false };
    handles.push(handle);
    if (step === 'open') return Promise.resolve(handle);
    if (step === 'fail') return Promise.reject(new DOMException('busy', 'NoModificationAllowedError'));
    return new Promise<Handle>((resolve) => {
      if (step === 'late') settleLate.push(() => resolve(handle));
    });
  };
  return { open, handles, settleLate, calls: () => calls };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const close = (h: Handle) => {
  h.closed = true;
};

describe('openInTime', () => {
  it('returns an open that settles in time, trying once', async () => {
    const o = opener(['open']);
    const h = await openInTime(o.open, close, { ms: 50, tries: 3, what: 'the file' });
    expect(h.id).toBe(0);
    expect(o.calls()).toBe(1);
    expect(h.closed).toBe(false);
  });

  it('opens again after an attempt that hangs, and closes that attempt if it opens later', async () => {
    const o = opener(['late', 'open']);
    const h = await openInTime(o.open, close, { ms: 20, tries: 3, what: 'the file' });
    expect(h.id).toBe(1);
    expect(o.handles[0]!.closed).toBe(false);
    o.settleLate[0]!();
    await wait(0);
    expect(o.handles[0]!.closed).toBe(true);
    expect(h.closed).toBe(false);
  });

  it('uses an attempt that opens late if it opens before the next one, and closes the next if that opens too', async () => {
    const o = opener(['late', 'late']);
    const opening = openInTime(o.open, close, { ms: 20, tries: 3, what: 'the file' });
    await wait(30);
    expect(o.calls()).toBe(2);
    o.settleLate[0]!();
    const h = await opening;
    expect(h.id).toBe(0);
    o.settleLate[1]!();
    await wait(0);
    expect(o.handles[1]!.closed).toBe(true);
    expect(h.closed).toBe(false);
    // No further attempt after the open.
    await wait(40);
    expect(o.calls()).toBe(2);
  });

  it('waits for an earlier attempt still pending when a later one fails (the earlier may hold the lock)', async () => {
    const o = opener(['late', 'fail']);
    const opening = openInTime(o.open, close, { ms: 20, tries: 3, what: 'the file' });
    await wait(30);
    expect(o.calls()).toBe(2);
    o.settleLate[0]!();
    expect((await opening).id).toBe(0);
  });

  it('gives up with a TimeoutError naming what it opened when every attempt hangs', async () => {
    const o = opener(['hang', 'hang', 'hang', 'open']);
    const error = await openInTime(o.open, close, { ms: 10, tries: 3, what: 'the copy' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect((error as DOMException).message).toContain('the copy');
    expect(o.calls()).toBe(3);
  });

  it('passes an attempt’s own error on at once', async () => {
    const o = opener(['fail']);
    await expect(openInTime(o.open, close, { ms: 1000, tries: 3, what: 'x' })).rejects.toMatchObject({
      name: 'NoModificationAllowedError',
    });
    expect(o.calls()).toBe(1);
  });
});
