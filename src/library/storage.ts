// The browser's storage for Trove: how much is used and where, whether the browser promised to keep it,
// and asking it to. Settings shows this; the importer checks room before it starts.

export interface StorageReport {
  /** Bytes the origin uses, and the most it may use (both as the browser reports them). */
  usage: number;
  quota: number;
  /** Chromium splits usage by kind: IndexedDB (library, vector index), OPFS (file copies, vector files), caches (models, app). */
  breakdown?: { indexedDB?: number; fileSystem?: number; caches?: number; serviceWorker?: number };
  /** true: the browser will not evict Trove's data under storage pressure. null: it cannot tell. */
  persisted: boolean | null;
}

type StorageManagerLike = Pick<StorageManager, 'estimate'> &
  Partial<Pick<StorageManager, 'persist' | 'persisted'>>;

/** One line for the persist request, shown next to the button that asks. */
export const PERSIST_EXPLANATION =
  'Ask the browser to keep your library: without this it may delete it when the device runs low on space.';

export async function storageReport(
  storage: StorageManagerLike | undefined = navigator.storage,
): Promise<StorageReport | null> {
  if (!storage?.estimate) return null;
  const estimate = (await storage.estimate()) as StorageEstimate & {
    usageDetails?: {
      indexedDB?: number;
      fileSystem?: number;
      caches?: number;
      serviceWorkerRegistrations?: number;
    };
  };
  const details = estimate.usageDetails;
  return {
    usage: estimate.usage ?? 0,
    quota: estimate.quota ?? 0,
    breakdown: details && {
      indexedDB: details.indexedDB,
      fileSystem: details.fileSystem,
      caches: details.caches,
      serviceWorker: details.serviceWorkerRegistrations,
    },
    persisted: storage.persisted ? await storage.persisted() : null,
  };
}

/**
 * Asks the browser to keep Trove's data. Chromium decides without a prompt (it grants installed or much
 * used sites), Firefox asks the user; either way the answer is final for now, so ask from a click.
 */
export async function requestPersistence(
  storage: StorageManagerLike | undefined = navigator.storage,
): Promise<boolean | null> {
  if (!storage?.persist) return null;
  return storage.persist();
}

/**
 * Whether `bytes` more are likely to fit, with a margin (quota is an estimate, and IndexedDB stores records
 * larger than their raw bytes). `null` when the browser does not say.
 */
export async function roomFor(bytes: number, storage: StorageManagerLike | undefined = navigator.storage) {
  const report = await storageReport(storage);
  if (!report || !report.quota) return null;
  const free = Math.max(0, report.quota - report.usage);
  return { fits: bytes * 1.2 <= free, free, needed: bytes };
}
