// The library as its store holds it, read from the page's IndexedDB: each item with what was derived from
// it (segments, vectors, thumbnails), so a test can tell that adding files changed nothing already there.
import type { Page } from '@playwright/test';

export interface ItemSnapshot {
  id: string;
  name: string;
  status: string;
  kind: string;
  sha256?: string;
  updatedAt: number;
  media?: unknown;
  notice?: string;
  segments: number;
  vectors: number;
  thumbnails: number;
}

export async function librarySnapshot(page: Page): Promise<ItemSnapshot[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('trove-library');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      const tx = db.transaction(['items', 'segments', 'vectors', 'thumbnails'], 'readonly');
      const ask = <T>(request: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const items = await ask(tx.objectStore('items').getAll());
      const count = (store: string, id: string) => ask(tx.objectStore(store).index('itemId').count(id));
      const out = [];
      for (const item of items as Record<string, unknown>[]) {
        const id = item.id as string;
        out.push({
          id,
          name: item.name as string,
          status: item.status as string,
          kind: item.kind as string,
          sha256: item.sha256 as string | undefined,
          updatedAt: item.updatedAt as number,
          media: item.media,
          notice: item.notice as string | undefined,
          segments: await count('segments', id),
          vectors: await count('vectors', id),
          thumbnails: await count('thumbnails', id),
        });
      }
      return out.sort((a, b) => a.id.localeCompare(b.id));
    } finally {
      db.close();
    }
  });
}
