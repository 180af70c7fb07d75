// Small originals taken in together are appended to one pack file instead of a file each. Creating,
// opening and closing an OPFS file costs about 4–5 ms of CPU on this project's 2-core machine, more than a
// photo's decode; one pack shares that among every file taken in within PACK_OPEN_MS.
// A pack stays open (and locked: another tab cannot open it meanwhile) only briefly: it is closed after
// PACK_IDLE_MS without an append, or once PACK_OPEN_MS have passed since it opened, or when full.
// Deleting one file of a pack overwrites its bytes with zeros; the pack file goes when its last item
// does (Library.removeItem), or with the orphan sweep.

/** Files up to this size are packed; larger ones get a file of their own. */
export const PACK_ENTRY_BYTES = 4 * 1024 * 1024;
const PACK_BYTES = 32 * 1024 * 1024;
const PACK_OPEN_MS = 2_000;
const PACK_IDLE_MS = 300;
/**
 * A pack closed this recently may have appends whose answers have not reached the page yet: not removed
 * yet. After that, the page knows every file in it (see `unrecorded` in originals.ts).
 */
const RECENT_MS = 1_000;

export const PACK_PREFIX = 'pack-';

export function isPackName(name: string): boolean {
  return name.startsWith(PACK_PREFIX);
}

interface Pack {
  name: string;
  access: FileSystemSyncAccessHandle;
  size: number;
  openedAt: number;
  closed: boolean;
  idle?: ReturnType<typeof setTimeout>;
}

export function writeAll(access: FileSystemSyncAccessHandle, bytes: Uint8Array, at: number): void {
  let done = 0;
  while (done < bytes.length) {
    const n = access.write(bytes.subarray(done), { at: at + done });
    if (n <= 0) throw new DOMException('The copy could not be written', 'UnknownError');
    done += n;
  }
}

export class PackWriter {
  private current: Pack | undefined;
  private opening: Promise<Pack> | undefined;
  private readonly recent = new Map<string, number>();

  constructor(
    /** Creates a new, empty file of this name and opens it for writing. */
    private readonly create: (name: string) => Promise<FileSystemSyncAccessHandle>,
    /** Opens an existing file for writing; undefined when there is none. */
    private readonly openExisting: (name: string) => Promise<FileSystemSyncAccessHandle | undefined>,
    /** Removes a closed file. */
    private readonly remove: (name: string) => Promise<void>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Appends `bytes` to the open pack (opening one if needed) and says where they went. */
  async append(bytes: Uint8Array): Promise<{ name: string; at: number }> {
    for (;;) {
      const pack = this.current;
      if (pack && !pack.closed && this.fits(pack, bytes.length)) {
        // Synchronous from here on, so appends taken in at once cannot interleave.
        const at = pack.size;
        try {
          writeAll(pack.access, bytes, at);
        } catch (error) {
          // A full disk mid-write: the pack ends where it did, with nothing of this file in it, and a pack
          // that had nothing else in it goes.
          try {
            pack.access.truncate(at);
          } catch {
            this.close(pack);
          }
          if (at === 0) {
            this.close(pack);
            // The write's error is the one to throw; a pack that could not go either is an orphan, which
            // Library.sweepOrphanOriginals removes later.
            await this.remove(pack.name).catch(() => undefined);
          }
          throw error;
        }
        pack.size = at + bytes.length;
        clearTimeout(pack.idle);
        pack.idle = setTimeout(() => this.close(pack), PACK_IDLE_MS);
        return { name: pack.name, at };
      }
      if (pack) this.close(pack);
      this.opening ??= this.openNew().finally(() => (this.opening = undefined));
      await this.opening;
    }
  }

  /** Overwrites a range of a pack with zeros: the bytes of a deleted or refused file. */
  async erase(name: string, at: number, length: number): Promise<void> {
    const zeros = new Uint8Array(length);
    const pack = this.current;
    if (pack?.name === name && !pack.closed) {
      if (at + length <= pack.size) writeAll(pack.access, zeros, at);
      return;
    }
    const access = await this.openExisting(name);
    if (!access) return;
    try {
      if (at + length <= access.getSize()) writeAll(access, zeros, at);
    } finally {
      access.close();
    }
  }

  /**
   * Whether a pack file may be removed now: not while it is open, nor just after, when files taken into it
   * may still be on their way to being recorded. `force` closes it first (the library is being emptied).
   */
  release(name: string, force: boolean): boolean {
    const pack = this.current;
    if (pack?.name === name && !pack.closed) {
      if (!force) return false;
      this.close(pack);
    }
    const closedAt = this.recent.get(name);
    if (closedAt !== undefined && this.now() - closedAt < RECENT_MS && !force) return false;
    this.recent.delete(name);
    return true;
  }

  private fits(pack: Pack, length: number): boolean {
    return pack.size + length <= PACK_BYTES && this.now() - pack.openedAt < PACK_OPEN_MS;
  }

  private async openNew(): Promise<Pack> {
    const name = `${PACK_PREFIX}${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
    const access = await this.create(name);
    const pack: Pack = { name, access, size: 0, openedAt: this.now(), closed: false };
    this.current = pack;
    return pack;
  }

  private close(pack: Pack): void {
    if (pack.closed) return;
    pack.closed = true;
    clearTimeout(pack.idle);
    if (this.current === pack) this.current = undefined;
    const now = this.now();
    this.recent.set(pack.name, now);
    for (const [name, at] of this.recent) if (now - at >= RECENT_MS) this.recent.delete(name);
    try {
      // close() writes everything to the file (see the originals worker on why not flush()).
      pack.access.close();
    } catch {
      // Already closed.
    }
  }
}
