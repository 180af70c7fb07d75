// Opening a file for a copy has been seen to stay pending for good here: Chromium's createSyncAccessHandle,
// about once in 5,000 photos taken in under sustained ingest, which held that file's intake, and so the
// end of its batch, forever. An open that has not settled in time gets another open beside it, and the
// first of them to open is used; any that open after that are closed at once, so they hold no lock on the
// file. An open that is only slow (a busy machine) still wins when it settles, so the wait can be short.

/**
 * Runs `open`, and again each time `ms` pass without any attempt having opened (at most `tries` attempts),
 * resolving with the first attempt to open; every other attempt that opens is passed to `close`. An
 * attempt's error is thrown when no earlier attempt is still pending (one that is may hold the lock the
 * error is about); when none has opened `ms` after the last attempt, a TimeoutError is thrown.
 */
export function openInTime<T>(
  open: () => Promise<T>,
  close: (opened: T) => void,
  { ms, tries, what }: { ms: number; tries: number; what: string },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let started = 0;
    let pending = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (finish: () => void) => {
      settled = true;
      clearTimeout(timer);
      finish();
    };
    const attempt = () => {
      started++;
      pending++;
      open().then(
        (opened) => {
          pending--;
          if (!settled) return settle(() => resolve(opened));
          try {
            close(opened);
          } catch {
            // Closed already, or never really open.
          }
        },
        (error: unknown) => {
          pending--;
          if (!settled && pending === 0) settle(() => reject(error));
        },
      );
      timer = setTimeout(() => {
        if (settled) return;
        if (started < tries) return attempt();
        settle(() =>
          reject(
            new DOMException(
              `The browser did not open ${what} (${tries} tries, ${(tries * ms) / 1000} s)`,
              'TimeoutError',
            ),
          ),
        );
      }, ms);
    };
    attempt();
  });
}
