// One import runs at a time per origin (a Web Lock): two would share the library's staging stores.
import { BackupError } from './errors.ts';

const LOCK = 'trove-library-import';

/** Runs `work` holding the import lock; refuses at once when another tab (or this one) is importing. */
export async function withImportLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return work();
  return locks.request(LOCK, { ifAvailable: true }, async (lock) => {
    if (!lock)
      throw new BackupError(
        'busy',
        'Another import is running (in this tab or another one). Nothing was changed; wait for it to finish, then try again.',
      );
    return work();
  });
}
