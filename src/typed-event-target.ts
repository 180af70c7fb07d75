// The event surface of Trove and its ingest queue: EventTargets whose events are CustomEvents, each type
// with its own detail, so a listener is typed by the event name it listens to.
export interface TypedEventTarget<M> extends EventTarget {
  addEventListener<K extends keyof M & string>(
    type: K,
    listener: (event: CustomEvent<M[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

/** The base of a class that dispatches the events of M: typed listeners, and one way to dispatch. */
export class TypedEventSource<M> extends EventTarget implements TypedEventTarget<M> {
  override addEventListener<K extends keyof M & string>(
    type: K,
    listener: (event: CustomEvent<M[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | ((event: CustomEvent) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    // Every event of M is a CustomEvent (emit makes them), so the typed listener gets what it expects.
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  protected emit<K extends keyof M & string>(type: K, detail: M[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
