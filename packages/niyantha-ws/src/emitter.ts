// A tiny typed event emitter (no node:events, so the browser build stays dependency-free).

type Listener<A> = (arg: A) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  #listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {};

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    (this.#listeners[event] ??= []).push(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs at most once; returns a function that removes it. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (arg) => {
      off();
      listener(arg);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners[event];
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  /** Calls each listener; a throwing listener is reported to `onListenerError` and does not stop the others. */
  protected emit<K extends keyof Events>(event: K, arg: Events[K], onListenerError?: (err: unknown) => void): void {
    const list = this.#listeners[event];
    if (!list || list.length === 0) return;
    for (const l of list.slice()) {
      try {
        l(arg);
      } catch (err) {
        onListenerError?.(err);
      }
    }
  }
}
