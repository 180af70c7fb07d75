import { describe, expect, it } from 'vitest';
import { FreshOriginals } from '../../src/library/fresh-originals.ts';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill).buffer;

describe('FreshOriginals', () => {
  it('gives an item its bytes once', () => {
    const held = new FreshOriginals();
    const content = bytes(10, 7);
    held.keep('a', content);
    expect(held.take('a')).toBe(content);
    expect(held.take('a')).toBeUndefined();
    expect(held.take('never-kept')).toBeUndefined();
    expect(held.heldBytes).toBe(0);
  });

  it('keeps the first files within the budget and not the newer ones', () => {
    const held = new FreshOriginals({ budget: 25 });
    held.keep('a', bytes(10));
    held.keep('b', bytes(10));
    held.keep('c', bytes(10)); // would make 30
    expect(held.heldBytes).toBe(20);
    expect(held.take('c')).toBeUndefined();
    expect(held.take('a')?.byteLength).toBe(10);
    // Taking frees room for the next.
    held.keep('d', bytes(10));
    expect(held.take('d')?.byteLength).toBe(10);
    expect(held.take('b')?.byteLength).toBe(10);
  });

  it('lets go of bytes nobody took within the time limit', () => {
    let now = 1000;
    const held = new FreshOriginals({ maxAgeMs: 500, now: () => now });
    held.keep('old', bytes(4));
    now = 1400;
    held.keep('newer', bytes(4));
    now = 1600; // 'old' is 600 ms old, 'newer' 200 ms
    expect(held.take('old')).toBeUndefined();
    expect(held.take('newer')?.byteLength).toBe(4);
    expect(held.heldBytes).toBe(0);
  });

  it('keeps the first bytes given for an item', () => {
    const held = new FreshOriginals();
    const first = bytes(3, 1);
    held.keep('a', first);
    held.keep('a', bytes(5, 2));
    expect(held.heldBytes).toBe(3);
    expect(held.take('a')).toBe(first);
  });
});
