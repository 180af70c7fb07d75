// Opening a file for a copy has been seen to stay pending for good here: Chromium's createSyncAccessHandle,
// about once in 5,000 photos taken in under sustained ingest, which held that file's intake, and so the
// end of its batch, forever. An open that has not settled in time is given up and made again; one that
// settles after all is closed at once, so it holds no lock on the file.

const late = Symbol('late');

/**
 * Runs `open` until one attempt settles within `ms` (at most `tries` attempts). An attempt that opens after
 * its time is passed to `close`. Throws the attempt's own error, or a TimeoutError when none settled.
 */
export async function openInTime<T>(
  open: () => Promise<T>,
  close: (opened: T) => void,
  { ms, tries, what }: { ms: number; tries: number; what: string },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const opening = open();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), ms)));
    const result = await Promise.race([opening, timeUp]).finally(() => clearTimeout(timer));
    if (result !== late) return result;
    void opening.then(
      (opened) => {
        try {
          close(opened);
        } catch {
          // Closed already, or never really open.
        }
      },
      () => undefined,
    );
    if (attempt >= tries)
      throw new DOMException(
        `The browser did not open ${what} (${tries} tries of ${ms / 1000} s each)`,
        'TimeoutError',
      );
  }
}
