import { describe, expect, it } from 'vitest';
import {
  latestVersion,
  migrations,
  planMigrations,
  validateMigrations,
  type Migration,
} from '../../src/library/migrations.ts';

const step = (version: number): Migration => ({ version, name: `step ${version}`, up() {} });

describe('library migrations', () => {
  it('the shipped list is valid and starts at version 1', () => {
    expect(() => validateMigrations(migrations)).not.toThrow();
    expect(migrations[0]!.version).toBe(1);
    expect(latestVersion(migrations)).toBe(migrations.length);
  });

  it('plans every migration for a new database, in order', () => {
    const list = [step(1), step(2), step(3)];
    expect(planMigrations(list, 0, 3).map((m) => m.version)).toEqual([1, 2, 3]);
  });

  it('plans only the pending migrations for an existing database', () => {
    const list = [step(1), step(2), step(3), step(4)];
    expect(planMigrations(list, 2, 4).map((m) => m.version)).toEqual([3, 4]);
    expect(planMigrations(list, 4, 4)).toEqual([]);
  });

  it('rejects a list with a gap, a repeat or a wrong start', () => {
    expect(() => validateMigrations([step(1), step(3)])).toThrow(/expected 2/);
    expect(() => validateMigrations([step(1), step(1)])).toThrow(/expected 2/);
    expect(() => validateMigrations([step(2)])).toThrow(/expected 1/);
  });

  it('refuses to downgrade a database written by a newer schema', () => {
    expect(() => planMigrations([step(1), step(2)], 3, 2)).toThrow(/newer Trove/);
  });

  it('refuses a target version no migration reaches', () => {
    expect(() => planMigrations([step(1)], 0, 2)).toThrow(/latest is 1/);
  });
});
