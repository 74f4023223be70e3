// The bounded FIFO of requests made while the connection is not open. A request leaves it when
// it is sent (flush) or when it settles while waiting (timeout, abort, close).

export class SendQueue<T> {
  readonly #items = new Set<T>();
  readonly limit: number;

  constructor(limit: number) {
    if (!(limit >= 0)) throw new RangeError('queueLimit must be >= 0');
    this.limit = limit;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Appends `item`; false (and nothing changes) when the queue is full. */
  offer(item: T): boolean {
    if (this.#items.size >= this.limit) return false;
    this.#items.add(item);
    return true;
  }

  delete(item: T): void {
    this.#items.delete(item);
  }

  /** Empties the queue, returning its items in FIFO order. */
  drain(): T[] {
    const items = [...this.#items];
    this.#items.clear();
    return items;
  }

  /**
   * Takes the items out in FIFO order and passes each to `send` while `canSend()` holds;
   * the rest stay queued, in order.
   */
  flush(canSend: () => boolean, send: (item: T) => void): void {
    for (const item of this.drain()) {
      if (canSend()) send(item);
      else this.#items.add(item);
    }
  }
}
