// Reads an export file section by section for the import, in the order the file must have them. Every
// section is streamed: a JSON section is checked a line at a time and handed on in batches (batches.ts),
// so memory holds one data frame and one batch, never a section.
import { BATCH_BYTES, BATCH_RECORDS } from './batches.ts';
import { malformed } from './errors.ts';
import { readFrames, type FrameEvent } from './format.ts';

export class SectionReader {
  private readonly frames: AsyncGenerator<FrameEvent>;

  /** `onProgress` hears the bytes of the file read so far, and its size. */
  constructor(
    file: Blob,
    private readonly signal?: AbortSignal,
    onProgress?: (read: number, total: number) => void,
  ) {
    let read = 0;
    const counted = file.stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          read += chunk.length;
          onProgress?.(read, file.size);
          controller.enqueue(chunk);
        },
      }),
    );
    this.frames = readFrames(counted);
  }

  /** The next frame; the file must have one (its end marker comes last). */
  async next(): Promise<FrameEvent> {
    this.signal?.throwIfAborted();
    const r = await this.frames.next();
    if (r.done) throw malformed('the file ends without its end marker');
    return r.value;
  }

  /** Reads the next section, which must be `name`, handing its data to `onData`. */
  async section(name: string, onData: (bytes: Uint8Array) => void | Promise<void>): Promise<void> {
    const start = await this.next();
    if (start.type !== 'section')
      throw malformed(
        `expected section "${name}" but found ${start.type === 'finish' ? 'the end of the file' : start.type}`,
      );
    if (start.name !== name) throw malformed(`expected section "${name}" but found "${start.name}"`);
    await this.rest(onData, () => malformed(`section "${name}" is not closed`));
  }

  /** Hands the data of the section just opened to `onData`, up to its end; anything else is `unclosed`. */
  async rest(onData: (bytes: Uint8Array) => void | Promise<void>, unclosed: () => Error): Promise<void> {
    for (;;) {
      const e = await this.next();
      if (e.type === 'data') await onData(e.bytes);
      else if (e.type === 'end') return;
      else throw unclosed();
    }
  }

  /**
   * Reads a section of JSON lines, checking each value as it comes and handing the checked ones to
   * `write` in batches; returns how many there were.
   */
  async jsonSection<T>(
    name: string,
    check: (value: unknown, index: number) => T,
    write: (batch: T[]) => Promise<void> = () => Promise.resolve(),
  ): Promise<number> {
    let count = 0;
    let batch: T[] = [];
    let bytes = 0;
    const lines = new JsonLines(name);
    await this.section(name, async (chunk) => {
      for (const { value, length } of lines.push(chunk)) {
        batch.push(check(value, count++));
        bytes += length;
        if (batch.length >= BATCH_RECORDS || bytes >= BATCH_BYTES) {
          await write(batch);
          batch = [];
          bytes = 0;
        }
      }
    });
    lines.finish();
    if (batch.length) await write(batch);
    return count;
  }

  /** Reads the file's end marker, which must come next. */
  async finish(): Promise<void> {
    const end = await this.next();
    if (end.type !== 'finish')
      throw malformed(
        end.type === 'section'
          ? `unexpected section "${end.name}"`
          : 'unexpected data after the last section',
      );
  }
}

/** Splits a section's bytes into lines and parses each as JSON, as they are asked for. */
class JsonLines {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private rest = '';
  private line = 0;

  constructor(private readonly name: string) {}

  *push(bytes: Uint8Array): Generator<{ value: unknown; length: number }> {
    let text: string;
    try {
      text = this.rest + this.decoder.decode(bytes, { stream: true });
    } catch {
      throw malformed(`section "${this.name}" is not valid UTF-8 text`);
    }
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    if (this.rest.length > 64 * 1024 * 1024) throw malformed(`section "${this.name}" has a line over 64 MB`);
    for (const line of lines) yield { value: this.parse(line), length: line.length };
  }

  finish(): void {
    if (this.rest.length) throw malformed(`section "${this.name}" does not end with a complete line`);
  }

  private parse(line: string): unknown {
    this.line++;
    try {
      return JSON.parse(line);
    } catch {
      throw malformed(`line ${this.line} of section "${this.name}" is not valid JSON`);
    }
  }
}

/** Throws unless a section held as many records as the manifest says. */
export function expectCount(what: string, found: number, declared: number): void {
  if (found !== declared)
    throw malformed(`the manifest says ${declared} ${what} but the file holds ${found}`);
}
