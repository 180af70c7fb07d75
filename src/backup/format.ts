// The library export file: one binary stream of named sections, written and read as a stream so a large
// library never becomes one big string or buffer.
//
//   file    := MAGIC (10 bytes) · u16 format version · frame*
//   frame   := 0x01 SECTION u16 name length · name (UTF-8)
//            | 0x02 DATA    u32 length · bytes              (only inside a section)
//            | 0x03 END     u32 CRC-32 of the section's bytes · f64 section length
//            | 0x04 FINISH  u32 number of sections          (last; a file without it is truncated)
//   integers little-endian.
//
// Why not ZIP (fflate): its streaming reader finds where an entry ends by scanning for the data-descriptor
// signature, which can occur inside raw vectors or a user's file, and it writes no ZIP64 for libraries
// over 4 GB. Length-prefixed frames with a CRC per section have neither problem.
import { createCRC32, type IHasher } from 'hash-wasm';
import { BackupError, malformed } from './errors.ts';

/** "\x89TROVE\r\n\x1a\n": the high byte and the line endings catch text-mode transfers, as PNG's do. */
export const MAGIC = Uint8Array.of(0x89, 0x54, 0x52, 0x4f, 0x56, 0x45, 0x0d, 0x0a, 0x1a, 0x0a);
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = MAGIC.length + 2;

const SECTION = 0x01;
const DATA = 0x02;
const END = 0x03;
const FINISH = 0x04;

/** Data frames are written at most this large, and a larger one is refused when reading. */
export const MAX_DATA_FRAME = 16 * 1024 * 1024;
const MAX_NAME = 1024;

const encoder = new TextEncoder();

export function header(version = FORMAT_VERSION): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(MAGIC);
  new DataView(out.buffer).setUint16(MAGIC.length, version, true);
  return out;
}

/** Writes frames; each method returns the bytes to emit. One section is open at a time. */
export class FrameWriter {
  private crc?: IHasher;
  private open?: string;
  private length = 0;
  private sections = 0;

  static async create(): Promise<FrameWriter> {
    const writer = new FrameWriter();
    writer.crc = await createCRC32();
    return writer;
  }

  section(name: string): Uint8Array {
    if (this.open) throw new Error(`section ${this.open} is still open`);
    const bytes = encoder.encode(name);
    if (bytes.length > MAX_NAME) throw new Error(`section name too long: ${name.slice(0, 40)}…`);
    const out = new Uint8Array(3 + bytes.length);
    out[0] = SECTION;
    new DataView(out.buffer).setUint16(1, bytes.length, true);
    out.set(bytes, 3);
    this.open = name;
    this.length = 0;
    this.crc!.init();
    return out;
  }

  /** DATA frames for these bytes (split at MAX_DATA_FRAME). */
  *data(bytes: Uint8Array): Generator<Uint8Array> {
    if (!this.open) throw new Error('data outside a section');
    for (let at = 0; at < bytes.length; at += MAX_DATA_FRAME) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + MAX_DATA_FRAME));
      const head = new Uint8Array(5);
      head[0] = DATA;
      new DataView(head.buffer).setUint32(1, part.length, true);
      this.crc!.update(part);
      this.length += part.length;
      yield head;
      yield part;
    }
  }

  end(): Uint8Array {
    if (!this.open) throw new Error('no section to end');
    const out = new Uint8Array(13);
    const view = new DataView(out.buffer);
    out[0] = END;
    view.setUint32(1, parseInt(this.crc!.digest('hex'), 16), true);
    view.setFloat64(5, this.length, true);
    this.open = undefined;
    this.sections++;
    return out;
  }

  finish(): Uint8Array {
    if (this.open) throw new Error(`section ${this.open} is still open`);
    const out = new Uint8Array(5);
    out[0] = FINISH;
    new DataView(out.buffer).setUint32(1, this.sections, true);
    return out;
  }
}

export type FrameEvent =
  | { type: 'section'; name: string }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'end'; name: string; length: number }
  | { type: 'finish'; sections: number };

/**
 * Reads a file's frames as events, checking the header, the frame order, each section's CRC and length,
 * and that the file ends with FINISH and nothing after it. Any problem throws a BackupError.
 */
export async function* readFrames(stream: ReadableStream<Uint8Array>): AsyncGenerator<FrameEvent> {
  const input = new ByteQueue(stream.getReader());
  try {
    const head = await input.take(HEADER_BYTES, () => notTrove('the file is empty or too short'));
    if (!MAGIC.every((b, i) => head[i] === b)) {
      throw notTrove('it does not start with the Trove file signature');
    }
    const version = new DataView(head.buffer, head.byteOffset).getUint16(MAGIC.length, true);
    if (version > FORMAT_VERSION)
      throw new BackupError(
        'newer-format',
        `This export was made by a newer Trove (file format ${version}; this Trove reads format ${FORMAT_VERSION}). Update Trove, then import it.`,
      );
    if (version < 1) throw new BackupError('bad-format', `Unknown export file format ${version}.`);

    const crc = await createCRC32();
    let open: string | undefined;
    let length = 0;
    let sections = 0;
    for (;;) {
      const kind = (await input.take(1, () => truncated('the file stops before its end marker')))[0];
      const cut = () => truncated(`the file stops inside section "${open ?? '(none)'}"`);
      if (kind === SECTION) {
        if (open) throw malformed(`section "${open}" is not closed before the next one starts`);
        const size = view(await input.take(2, cut)).getUint16(0, true);
        if (size === 0 || size > MAX_NAME) throw malformed(`a section name has length ${size}`);
        open = decodeName(await input.take(size, cut));
        length = 0;
        crc.init();
        yield { type: 'section', name: open };
      } else if (kind === DATA) {
        if (!open) throw malformed('data appears outside any section');
        const size = view(await input.take(4, cut)).getUint32(0, true);
        if (size > MAX_DATA_FRAME) throw malformed(`a data frame claims ${size} bytes`);
        const bytes = await input.take(size, cut);
        crc.update(bytes);
        length += size;
        yield { type: 'data', bytes };
      } else if (kind === END) {
        if (!open) throw malformed('a section end appears outside any section');
        const v = view(await input.take(12, cut));
        const expected = v.getUint32(0, true);
        const declared = v.getFloat64(4, true);
        if (declared !== length)
          throw malformed(`section "${open}" says ${declared} bytes but holds ${length}`);
        if (expected !== parseInt(crc.digest('hex'), 16))
          throw new BackupError(
            'corrupt',
            `The export file is damaged: section "${open}" fails its checksum.`,
          );
        const name = open;
        open = undefined;
        sections++;
        yield { type: 'end', name, length };
      } else if (kind === FINISH) {
        if (open) throw malformed(`the file finishes inside section "${open}"`);
        const count = view(await input.take(4, cut)).getUint32(0, true);
        if (count !== sections)
          throw malformed(`the file says it has ${count} sections but holds ${sections}`);
        if (!(await input.atEnd())) throw malformed('there are bytes after the end of the export');
        yield { type: 'finish', sections };
        return;
      } else {
        throw malformed(`unknown frame type ${kind}`);
      }
    }
  } finally {
    input.release();
  }
}

function decodeName(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed('a section name is not valid UTF-8');
  }
}

function notTrove(why: string): BackupError {
  return new BackupError('not-a-trove-file', `This is not a Trove library export: ${why}.`);
}

function truncated(why: string): BackupError {
  return new BackupError(
    'truncated',
    `The export file is incomplete (${why}); it was probably cut short while copying or downloading.`,
  );
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Exact-size reads from a byte stream, copying only when a read spans chunks. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private done = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async take(n: number, onEnd: () => BackupError): Promise<Uint8Array> {
    while (this.buffered < n) if (this.done || !(await this.pull())) throw onEnd();
    const first = this.chunks[0]!;
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - at);
        out.set(c.subarray(0, k), at);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }

  async atEnd(): Promise<boolean> {
    while (this.buffered === 0) if (this.done || !(await this.pull())) return true;
    return false;
  }

  private async pull(): Promise<boolean> {
    const { done, value } = await this.reader.read();
    if (done) {
      this.done = true;
      return false;
    }
    if (value.length) {
      this.chunks.push(value);
      this.buffered += value.length;
    }
    return true;
  }

  release(): void {
    // Cancelling a stream that already failed rejects again with the failure already reported.
    this.reader.cancel().catch(() => undefined);
  }
}
