import { openDB, type IDBPDatabase } from 'idb';
import {
  latestVersion,
  migrations as defaultMigrations,
  planMigrations,
  type Migration,
} from './migrations.ts';
import type { LibrarySchema } from './records.ts';

export const LIBRARY_DB_NAME = 'trove-library';

export interface OpenOptions {
  name?: string;
  /** The migration list; tests pass a longer one to exercise an upgrade. */
  migrations?: readonly Migration[];
  /** Another tab wants a newer schema: this connection closes itself, and the app should reload. */
  onVersionChange?: () => void;
}

/** Opens (creating or upgrading) the library database, applying and recording each pending migration. */
export async function openLibraryDb(options: OpenOptions = {}): Promise<IDBPDatabase<LibrarySchema>> {
  const list = options.migrations ?? defaultMigrations;
  const version = latestVersion(list);
  let failure: unknown;
  try {
    const db = await openDB<LibrarySchema>(options.name ?? LIBRARY_DB_NAME, version, {
      upgrade(database, oldVersion, newVersion, transaction) {
        const pending = planMigrations(list, oldVersion, newVersion ?? version);
        const raw = database as unknown as IDBPDatabase<unknown>;
        const tx = transaction as unknown as Parameters<Migration['up']>[1];
        // Migrations may await requests on the upgrade transaction; any await on something else would
        // let it commit early, so they only chain IDB work.
        transaction.done.catch(() => undefined); // an aborted upgrade is reported through openDB's rejection
        let chain: Promise<void> = Promise.resolve();
        for (const m of pending) {
          chain = chain.then(async () => {
            await m.up(raw, tx);
            await tx
              .objectStore('migrations')
              .put({ version: m.version, name: m.name, appliedAt: Date.now() });
          });
        }
        chain.catch((error: unknown) => {
          failure = error;
          transaction.abort();
        });
      },
      blocking(_current, _blocked, event) {
        (event.target as IDBDatabase).close();
        options.onVersionChange?.();
      },
    });
    return db;
  } catch (error) {
    // The AbortError only says the upgrade stopped; the migration's own error says why.
    if (failure instanceof Error) throw failure;
    if (failure !== undefined)
      throw new Error(`Upgrading the library failed: ${String(failure)}`, { cause: error });
    throw error;
  }
}
