// The int8 vectors in an OPFS file, read through a FileSystemSyncAccessHandle: a random 512-byte read
// is a few microseconds and costs no memory. Sync access handles exist only in dedicated workers, and a
// file can have one open handle at a time, so a second tab's worker cannot open the same space.
import {
  decodeHeader,
  encodeHeader,
  HEADER_BYTES,
  type VectorFile,
  type VectorFileHeader,
} from './vector-file.ts';

// TypeScript's DOM lib (which this project compiles against) does not declare the worker-only API.
interface SyncAccessHandle {
  read(buffer: ArrayBufferView, options?: { at?: number }): number;
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
interface SyncFileHandle extends FileSystemFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
}

export const OPFS_DIRECTORY = 'trove-vectors';

export function opfsSyncAvailable(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle === 'function'
  );
}

export async function openOpfsVectorFile(name: string, dim: number): Promise<OpfsVectorFile> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OPFS_DIRECTORY, { create: true });
  const file = (await dir.getFileHandle(`${name}.i8`, { create: true })) as SyncFileHandle;
  return new OpfsVectorFile(await file.createSyncAccessHandle(), dim);
}

export class OpfsVectorFile implements VectorFile {
  readonly kind = 'opfs';
  readonly residentBytes = 0;

  constructor(
    private readonly handle: SyncAccessHandle,
    readonly dim: number,
  ) {}

  get diskBytes(): number {
    return this.handle.getSize();
  }

  get slots(): number {
    return Math.max(0, Math.floor((this.handle.getSize() - HEADER_BYTES) / this.dim));
  }

  header(): VectorFileHeader | undefined {
    const words = new Uint32Array(HEADER_BYTES / 4);
    const read = this.handle.read(words, { at: 0 });
    return read === HEADER_BYTES ? decodeHeader(words) : undefined;
  }

  setHeader(header: VectorFileHeader): void {
    this.handle.write(encodeHeader(header), { at: 0 });
  }

  read(slot: number, out: Int8Array, count = 1): void {
    const want = count * this.dim;
    const got = this.handle.read(out.subarray(0, want), { at: HEADER_BYTES + slot * this.dim });
    if (got !== want) throw new RangeError(`vector file: slot ${slot} is past the end`);
  }

  write(slot: number, data: Int8Array): void {
    this.handle.write(data, { at: HEADER_BYTES + slot * this.dim });
  }

  truncate(slots: number): void {
    const size = HEADER_BYTES + slots * this.dim;
    if (this.handle.getSize() > size) this.handle.truncate(size);
  }

  flush(): void {
    this.handle.flush();
  }

  close(): void {
    this.handle.close();
  }
}
