// Storage is full: the one test for it, shared by ingest (which pauses its queue) and import (which stops
// and says so), because browsers report a full disk in more than one way.

/** Whether `error`, or an error it was caused by, says the origin's storage is full. */
export function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    // Chromium reports a full disk during an OPFS write or IndexedDB commit this way in some versions.
    if (name === 'UnknownError' && /quota|space/i.test(String((e as Error).message))) return true;
  }
  return false;
}
