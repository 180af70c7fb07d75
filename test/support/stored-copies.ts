// What the originals folder in OPFS holds, read byte by byte, whatever its layout (a file per copy, or
// small copies packed together): the tests ask whether a file's bytes are stored, and how often.
import { listOriginals, ORIGINALS_DIR } from '../../src/library/originals.ts';

async function storedFiles(): Promise<Uint8Array[]> {
  const dir = await (
    await navigator.storage.getDirectory()
  ).getDirectoryHandle(ORIGINALS_DIR, {
    create: true,
  });
  const out: Uint8Array[] = [];
  for (const path of await listOriginals()) {
    const handle = await dir.getFileHandle(path.slice(ORIGINALS_DIR.length + 1));
    out.push(new Uint8Array(await (await handle.getFile()).arrayBuffer()));
  }
  return out;
}

function count(haystack: Uint8Array, needle: Uint8Array): number {
  let n = 0;
  for (let at = haystack.indexOf(needle[0]!); at >= 0 && at + needle.length <= haystack.length;) {
    let same = true;
    for (let i = 1; i < needle.length && same; i++) same = haystack[at + i] === needle[i];
    if (same) n++;
    at = haystack.indexOf(needle[0]!, at + (same ? needle.length : 1));
  }
  return n;
}

/** How many times the file's bytes appear, whole, in the stored copies. */
export async function storedCopiesOf(file: Blob): Promise<number> {
  const needle = new Uint8Array(await file.arrayBuffer());
  let n = 0;
  for (const bytes of await storedFiles()) n += count(bytes, needle);
  return n;
}
