// The async iterable returned by `stream()`: chunks in arrival order, then the final
// reply as the iterator's return value (also available as `.result`).

/** Chunks of a streaming request; ends with the final reply, throws on error/abort/drop. */
export interface WsStream<Chunk, Reply> extends AsyncIterable<Chunk> {
  /** The request id of the stream (for correlation in logs). */
  readonly requestId: string;
  /** Resolves with the final reply payload; rejects like the iteration does. */
  readonly result: Promise<Reply>;
  [Symbol.asyncIterator](): AsyncIterator<Chunk, Reply, undefined>;
  /** Stops the stream locally: later frames for it are dropped and `result` rejects with `RequestAbortedError`. */
  cancel(reason?: unknown): void;
}

type Waiter<C, R> = { resolve(v: IteratorResult<C, R>): void; reject(e: unknown): void };

/** Internal implementation; the client drives it with push/finish/fail. */
export class ChunkStream<Chunk, Reply> implements WsStream<Chunk, Reply> {
  readonly result: Promise<Reply>;
  #resolveResult!: (r: Reply) => void;
  #rejectResult!: (e: unknown) => void;
  #buffer: Chunk[] = [];
  #head = 0;
  #waiter: Waiter<Chunk, Reply> | null = null;
  #state: 'open' | 'done' | 'failed' = 'open';
  #final: Reply | undefined;
  #error: unknown;
  #iterator: AsyncIterator<Chunk, Reply, undefined> | undefined;

  constructor(
    readonly requestId: string,
    private readonly onCancel: (reason: unknown) => void,
    /** Unread chunks kept at most; one more calls `onOverflow` (which fails the stream). */
    private readonly maxBuffered: number = Infinity,
    private readonly onOverflow: () => void = () => {},
  ) {
    this.result = new Promise<Reply>((res, rej) => {
      this.#resolveResult = res;
      this.#rejectResult = rej;
    });
    // Iteration is the primary interface; an unobserved `.result` must not cause an unhandled rejection.
    this.result.catch(() => {});
  }

  /** @internal */
  push(chunk: Chunk): void {
    if (this.#state !== 'open') return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      w.resolve({ value: chunk, done: false });
    } else if (this.#buffer.length - this.#head >= this.maxBuffered) {
      // The consumer is not keeping up and the server cannot be slowed down: fail instead of growing without bound.
      this.onOverflow();
    } else this.#buffer.push(chunk);
  }

  /** @internal */
  finish(reply: Reply): void {
    if (this.#state !== 'open') return;
    this.#state = 'done';
    this.#final = reply;
    this.#resolveResult(reply);
    const w = this.#waiter;
    if (w && this.#head >= this.#buffer.length) {
      this.#waiter = null;
      w.resolve({ value: reply, done: true });
    }
  }

  /** @internal */
  fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#error = error;
    this.#rejectResult(error);
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      w.reject(error);
    }
  }

  cancel(reason?: unknown): void {
    if (this.#state !== 'open') return;
    this.onCancel(reason);
  }

  #next(): Promise<IteratorResult<Chunk, Reply>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head] as Chunk;
      this.#buffer[this.#head++] = undefined as Chunk;
      if (this.#head === this.#buffer.length) {
        this.#buffer.length = 0;
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#state === 'done') return Promise.resolve({ value: this.#final as Reply, done: true });
    if (this.#state === 'failed') return Promise.reject(this.#error);
    if (this.#waiter) return Promise.reject(new Error('stream: next() called while a previous next() is pending'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Chunk, Reply, undefined> {
    return (this.#iterator ??= {
      next: () => this.#next(),
      // `break` out of for-await: stop listening (the server cannot be told to stop).
      return: (value?: Reply | PromiseLike<Reply>) => {
        this.cancel();
        return Promise.resolve({ value: value as Reply, done: true });
      },
    });
  }
}
