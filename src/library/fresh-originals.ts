// The bytes of images just taken in, held briefly so that ingest decodes them without reading the stored
// copy back from OPFS: the read back costs 2–3 ms of CPU for a 120 KB photo, mostly in the browser's
// process, a tenth of the whole pipeline's cost for a photo. Each is used once. The queue ingests files in
// the order they were taken in, so once the budget is full newer files are not held (they will be read
// from OPFS), rather than older ones dropped.

export interface FreshOriginalsOptions {
  /** Bytes held at most (default 48 MiB). */
  budget?: number;
  /** Bytes not taken within this are let go (default 2 min): their job was cancelled or failed early. */
  maxAgeMs?: number;
  now?: () => number;
}

export class FreshOriginals {
  private readonly held = new Map<string, { content: ArrayBuffer; at: number }>();
  private size = 0;
  private readonly budget: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: FreshOriginalsOptions = {}) {
    this.budget = options.budget ?? 48 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 120_000;
    this.now = options.now ?? Date.now;
  }

  /** Holds `content` for the item `itemId`, if the budget has room for it. */
  keep(itemId: string, content: ArrayBuffer): void {
    this.letGoOfStale();
    if (this.held.has(itemId) || this.size + content.byteLength > this.budget) return;
    this.held.set(itemId, { content, at: this.now() });
    this.size += content.byteLength;
  }

  /** The item's bytes, once; undefined when they were not held (or no longer are). */
  take(itemId: string): ArrayBuffer | undefined {
    this.letGoOfStale();
    const entry = this.held.get(itemId);
    if (!entry) return undefined;
    this.held.delete(itemId);
    this.size -= entry.content.byteLength;
    return entry.content;
  }

  get heldBytes(): number {
    return this.size;
  }

  private letGoOfStale(): void {
    const oldest = this.now() - this.maxAgeMs;
    for (const [id, entry] of this.held) {
      // Insertion order is age order.
      if (entry.at >= oldest) break;
      this.held.delete(id);
      this.size -= entry.content.byteLength;
    }
  }
}

/** The page's one store, filled by addPickedFile and emptied by the image batch. */
export const freshOriginals = new FreshOriginals();
