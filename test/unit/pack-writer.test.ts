// PackWriter's bookkeeping (where each file goes, when a pack is closed, what may be removed) against an
// in-memory stand-in for OPFS sync access handles, which exist only in a browser worker. The real handles
// are used by the browser tests of the originals (library-add-files, ingest-queue).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PACK_ENTRY_BYTES, PackWriter } from '../../src/library/pack-writer.ts';

class MemoryFile {
  bytes = new Uint8Array(0);
  open = false;
  /** Writes past this size fail, as on a full disk. */
  limit = Infinity;
}

class MemoryAccess {
  constructor(private readonly file: MemoryFile) {
    file.open = true;
  }
  write(data: Uint8Array, { at }: { at: number }): number {
    if (!this.file.open) throw new DOMException('closed', 'InvalidStateError');
    const end = Math.min(at + data.length, this.file.limit);
    if (end <= at) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    if (end > this.file.bytes.length) {
      const grown = new Uint8Array(end);
      grown.set(this.file.bytes);
      this.file.bytes = grown;
    }
    this.file.bytes.set(data.subarray(0, end - at), at);
    return end - at;
  }
  truncate(size: number): void {
    this.file.bytes = this.file.bytes.slice(0, size);
  }
  getSize(): number {
    return this.file.bytes.length;
  }
  close(): void {
    this.file.open = false;
  }
}

let files: Map<string, MemoryFile>;
let now: number;

function writer(): PackWriter {
  return new PackWriter(
    async (name) => {
      const file = new MemoryFile();
      files.set(name, file);
      return new MemoryAccess(file) as unknown as FileSystemSyncAccessHandle;
    },
    async (name) => {
      const file = files.get(name);
      if (!file) return undefined;
      if (file.open) throw new DOMException('locked', 'NoModificationAllowedError');
      return new MemoryAccess(file) as unknown as FileSystemSyncAccessHandle;
    },
    async (name) => {
      files.delete(name);
    },
    () => now,
  );
}

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

beforeEach(() => {
  files = new Map();
  now = 0;
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('packing small originals', () => {
  it('appends files taken in at once one after another in one pack, each where it says', async () => {
    const packs = writer();
    const placed = await Promise.all([bytes(10, 1), bytes(20, 2), bytes(5, 3)].map((b) => packs.append(b)));
    expect(new Set(placed.map((p) => p.name)).size).toBe(1);
    expect(placed.map((p) => p.at)).toEqual([0, 10, 30]);
    const file = files.get(placed[0]!.name)!;
    expect([...file.bytes.subarray(10, 30)]).toEqual([...bytes(20, 2)]);
    expect([...file.bytes.subarray(30, 35)]).toEqual([...bytes(5, 3)]);
  });

  it('closes a pack after a pause, after its open time, and when full; later files start another', async () => {
    const packs = writer();
    const first = await packs.append(bytes(4, 1));
    expect(files.get(first.name)!.open).toBe(true);
    vi.advanceTimersByTime(400);
    expect(files.get(first.name)!.open).toBe(false);
    const second = await packs.append(bytes(4, 2));
    expect(second.name).not.toBe(first.name);
    expect(second.at).toBe(0);

    // Appends that keep coming still move on to a new pack once it has been open for 2 s.
    now += 2_500;
    const third = await packs.append(bytes(4, 3));
    expect(third.name).not.toBe(second.name);
    expect(files.get(second.name)!.open).toBe(false);

    // 8 files of 4 MiB fill a 32 MiB pack; the 9th goes to a new one.
    const big = bytes(PACK_ENTRY_BYTES, 7);
    const names = new Set<string>();
    for (let i = 0; i < 9; i++) names.add((await packs.append(big)).name);
    expect(names.size).toBe(2);
  });

  it('erases a file with zeros in an open pack and in a closed one, leaving its neighbours', async () => {
    const packs = writer();
    const [a, b, c] = await Promise.all([bytes(8, 1), bytes(8, 2), bytes(8, 3)].map((x) => packs.append(x)));
    await packs.erase(b!.name, b!.at, 8);
    const file = files.get(a!.name)!;
    expect([...file.bytes]).toEqual([...bytes(8, 1), ...bytes(8, 0), ...bytes(8, 3)]);
    vi.advanceTimersByTime(400);
    await packs.erase(c!.name, c!.at, 8);
    expect([...file.bytes]).toEqual([...bytes(8, 1), ...bytes(16, 0)]);
    // A pack removed meanwhile is nothing to erase.
    await expect(packs.erase('pack-gone', 0, 8)).resolves.toBeUndefined();
  });

  it('lets a pack be removed only once it has been closed for a moment, unless forced', async () => {
    const packs = writer();
    const open = await packs.append(bytes(4, 1));
    expect(packs.release(open.name, false)).toBe(false);
    // Declined, it stays open for the files still coming.
    expect(files.get(open.name)!.open).toBe(true);
    expect(await packs.append(bytes(4, 1))).toEqual({ name: open.name, at: 4 });
    vi.advanceTimersByTime(400);
    expect(packs.release(open.name, false)).toBe(false);
    now += 1_500;
    expect(packs.release(open.name, false)).toBe(true);

    const forced = await packs.append(bytes(4, 2));
    expect(packs.release(forced.name, true)).toBe(true);
    expect(files.get(forced.name)!.open).toBe(false);
    // The next file goes to a new pack, not the one just released.
    expect((await packs.append(bytes(4, 3))).name).not.toBe(forced.name);
  });

  it('on a full disk keeps nothing of the file: the pack is cut back, or removed if it was empty', async () => {
    const packs = writer();
    const first = await packs.append(bytes(10, 1));
    files.get(first.name)!.limit = 15;
    await expect(packs.append(bytes(10, 2))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect([...files.get(first.name)!.bytes]).toEqual([...bytes(10, 1)]);
    // The pack goes on taking files that fit.
    expect(await packs.append(bytes(5, 3))).toEqual({ name: first.name, at: 10 });

    vi.advanceTimersByTime(400);
    const sizes = [...files.keys()];
    const failing = writer();
    const realCreate = files.set.bind(files);
    files.set = (name, file) => {
      file.limit = 0;
      return realCreate(name, file);
    };
    await expect(failing.append(bytes(10, 4))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect([...files.keys()]).toEqual(sizes);
  });
});
