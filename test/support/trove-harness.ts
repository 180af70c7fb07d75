// Opens a Trove on the fixture models with its own databases, and removes every trace of it afterwards
// (library and vector databases, stored copies, the vector index's OPFS files).
import { deleteDB } from 'idb';
import { openTrove, type Trove, type TroveOptions } from '../../src/trove.ts';
import { OPFS_DIRECTORY } from '../../src/vector-index/opfs-vector-file.ts';
import { fixtureModelsConfig } from './fixture-models.ts';

export interface TroveNames {
  libraryDbName: string;
  vectorDbName: string;
}

let counter = 0;

export function freshNames(label: string): TroveNames {
  const stamp = `${label}-${Date.now()}-${counter++}`;
  return { libraryDbName: `trove-test-${stamp}`, vectorDbName: `trove-test-vectors-${stamp}` };
}

export function openTestTrove(names: TroveNames, options: Partial<TroveOptions> = {}): Promise<Trove> {
  return openTrove({
    config: fixtureModelsConfig('/test/fixtures/models/'),
    prefer: 'wasm',
    ...names,
    ...options,
  });
}

/** Deletes a test Trove's data; `trove` must be open (its items' stored copies are removed through it). */
export async function destroyTrove(trove: Trove | null, names: TroveNames): Promise<void> {
  if (trove) {
    await trove.clearLibrary().catch(() => undefined);
    await trove.close();
  }
  await deleteDB(names.libraryDbName);
  await deleteDB(names.vectorDbName);
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OPFS_DIRECTORY, { create: true });
  for (const space of ['clip', 'clap', 'text']) {
    await dir.removeEntry(`${names.vectorDbName}-${space}.i8`).catch(() => undefined);
  }
}

/** Resolves with the first event of `type` whose detail passes `test`. */
export function nextEvent<T>(
  target: EventTarget,
  type: string,
  test: (detail: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (e: Event) => {
      const detail = (e as CustomEvent<T>).detail;
      if (!test(detail)) return;
      target.removeEventListener(type, listener);
      resolve(detail);
    };
    target.addEventListener(type, listener);
  });
}
