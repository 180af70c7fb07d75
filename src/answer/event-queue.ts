// Turns callbacks (load progress) into an async iterable, so a generator can yield them as they come.

export interface EventQueue<T> extends AsyncIterable<T> {
  push(value: T): void;
  close(): void;
}

export function eventQueue<T>(): EventQueue<T> {
  const buffered: T[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(value) {
      if (closed) return;
      buffered.push(value);
      signal();
    },
    close() {
      closed = true;
      signal();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (buffered.length) yield buffered.shift()!;
        else if (closed) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
