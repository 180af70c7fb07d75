import { describe, expect, it } from 'vitest';
import { defaultCut } from '../../src/search/calibrate.ts';
import {
  DEFAULT_LEVEL,
  LEVELS,
  cutFor,
  saveStrictness,
  savedStrictness,
} from '../../src/ui/search/strictness.ts';

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

describe('search strictness', () => {
  it('balanced searches at the default cut; the levels move it in order, loosest lowest', () => {
    expect(cutFor(DEFAULT_LEVEL)).toBe(defaultCut('query-bank'));
    const cuts = LEVELS.map((l) => cutFor(l.id));
    expect([...cuts].sort((a, b) => a - b)).toEqual(cuts);
    expect(new Set(cuts).size).toBe(LEVELS.length);
    expect(cuts[0]).toBeGreaterThan(0);
  });

  it('is saved in the browser, and falls back to balanced for nothing saved or a value it does not know', () => {
    const storage = new MemoryStorage();
    expect(savedStrictness(storage)).toBe('balanced');
    saveStrictness('strictest', storage);
    expect(savedStrictness(storage)).toBe('strictest');
    saveStrictness('balanced', storage);
    expect(storage.map.size).toBe(0);
    storage.setItem('trove.search.strictness', 'reckless');
    expect(savedStrictness(storage)).toBe('balanced');
    expect(savedStrictness(undefined)).toBe('balanced');
  });

  it('a storage that throws keeps the level for the session without failing', () => {
    const full = {
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(() => saveStrictness('looser', full)).not.toThrow();
  });
});
