import { describe, expect, it } from 'vitest';
import { isQuotaError } from '../../src/ingest/quota-error.ts';
import { classifyFailure } from '../../src/ingest/failure.ts';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('isQuotaError', () => {
  it('knows a full disk as the browsers report it', () => {
    expect(isQuotaError(quota())).toBe(true);
    // Chromium, during an OPFS write or an IndexedDB commit, in some versions.
    expect(isQuotaError(new DOMException('Not enough space on disk', 'UnknownError'))).toBe(true);
    expect(isQuotaError(new DOMException('Quota exceeded', 'UnknownError'))).toBe(true);
  });

  it('finds it as the cause of a wrapping error, a few levels down', () => {
    const wrapped = new Error('Writing the copy failed', { cause: new Error('commit', { cause: quota() }) });
    expect(isQuotaError(wrapped)).toBe(true);
    let deep: unknown = quota();
    for (let i = 0; i < 4; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(isQuotaError(deep)).toBe(false);
  });

  it('takes nothing else for it', () => {
    for (const e of [
      new DOMException('Internal error', 'UnknownError'),
      new DOMException('gone', 'NotFoundError'),
      new Error('QuotaExceededError'),
      'QuotaExceededError',
      null,
      undefined,
    ])
      expect(isQuotaError(e)).toBe(false);
  });

  it('pauses the ingest queue rather than failing the file', () => {
    expect(classifyFailure(quota(), 'writing').kind).toBe('quota');
    expect(classifyFailure(new Error('bad file'), 'decoding').kind).toBe('file');
  });
});
