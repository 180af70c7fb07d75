// Object URLs for stored blobs (thumbnails, originals), shared by every view that shows the same blob and
// revoked as soon as the last of them lets go, so a long session does not pin every thumbnail it ever
// showed in memory.

export type BlobLoader = (key: string) => Promise<Blob | undefined>;

interface Entry {
  refs: number;
  url: Promise<string | null>;
}

export class ObjectUrls {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly load: BlobLoader) {}

  /**
   * The URL of `key`'s blob (null when there is none), and a release function to call when it is no longer
   * shown. Each acquire needs exactly one release; extra releases are ignored.
   */
  acquire(key: string): { url: Promise<string | null>; release: () => void } {
    let entry = this.entries.get(key);
    if (!entry) {
      const url = this.load(key).then(
        (blob) => (blob ? URL.createObjectURL(blob) : null),
        (error: unknown) => {
          // Shown as no blob (a placeholder); the view has no better way to say it.
          console.warn(`Trove: reading ${key} failed`, error);
          return null;
        },
      );
      entry = { refs: 0, url };
      this.entries.set(key, entry);
    }
    entry.refs++;
    const held = entry;
    let released = false;
    return {
      url: held.url,
      release: () => {
        if (released) return;
        released = true;
        if (--held.refs > 0) return;
        if (this.entries.get(key) === held) this.entries.delete(key);
        void held.url.then((u) => u && URL.revokeObjectURL(u)); // never rejects: see acquire
      },
    };
  }

  /** Forgets a key (its blob changed or was deleted); views holding it keep their URL until they release. */
  invalidate(key: string): void {
    this.entries.delete(key);
  }

  /** Keys with at least one holder. */
  get size(): number {
    return this.entries.size;
  }
}
