// Deadlines of one fixed duration, kept in one list with one timer (the way Node keeps its own
// timer lists): entries are appended as they start, so the list is in deadline order, and
// removing one is an O(1) unlink. The timer stays armed while entries come and go — it is
// never cleared per entry, only unref'd while the list is empty (an idle list keeps no process
// alive) — and when it fires it expires the entries that are due and re-arms for the next one.
// This replaces a setTimeout + clearTimeout per request (a Timeout object, and in the
// sequential case a timer list created and torn down each time) by two pointer writes.

/** The links an entry carries (intrusive: no wrapper object per entry). */
export interface DeadlineNode {
  /** performance.now() at which the entry is due; -1 while it is not in a list. */
  deadline: number;
  prev: DeadlineNode | undefined;
  next: DeadlineNode | undefined;
}

export class DeadlineList<T extends DeadlineNode> {
  /** The duration every entry gets. */
  readonly ms: number;
  readonly #onExpire: (entry: T) => void;
  #head: DeadlineNode | undefined = undefined;
  #tail: DeadlineNode | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #refed = false;
  /** The monotonic clock, looked up once (the global `performance` is a getter in Node). */
  readonly #clock: { now(): number } = globalThis.performance;
  readonly #fire = (): void => this.#expire();

  /** `onExpire` is called for each entry that comes due, after it left the list. */
  constructor(ms: number, onExpire: (entry: T) => void) {
    if (!(ms > 0 && Number.isFinite(ms))) throw new RangeError(`DeadlineList: ms must be a positive finite number, got ${ms}`);
    this.ms = ms;
    this.#onExpire = onExpire;
  }

  /** Starts the entry's deadline (`ms` from now); it must not be in a list. */
  add(entry: T): void {
    entry.deadline = this.#clock.now() + this.ms;
    entry.next = undefined;
    entry.prev = this.#tail;
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    if (this.#timer === undefined) this.#arm(this.ms);
    else if (!this.#refed) {
      this.#timer.ref?.();
      this.#refed = true;
    }
  }

  /** Takes the entry out (no-op when it is not in the list). */
  remove(entry: T): void {
    if (entry.deadline < 0) return;
    entry.deadline = -1;
    const { prev, next } = entry;
    if (prev) prev.next = next;
    else this.#head = next;
    if (next) next.prev = prev;
    else this.#tail = prev;
    entry.prev = entry.next = undefined;
    if (this.#head === undefined && this.#refed && this.#timer !== undefined) {
      this.#timer.unref?.();
      this.#refed = false;
    }
  }

  /** Restarts the entry's deadline (it moves to the end of the list). */
  touch(entry: T): void {
    this.remove(entry);
    this.add(entry);
  }

  /** Stops the timer and forgets every entry (none expires). */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#refed = false;
    for (let e = this.#head; e; ) {
      const next = e.next;
      e.deadline = -1;
      e.prev = e.next = undefined;
      e = next;
    }
    this.#head = this.#tail = undefined;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(this.#fire, delay);
    this.#refed = true;
  }

  #expire(): void {
    this.#timer = undefined;
    this.#refed = false;
    const now = this.#clock.now();
    let head = this.#head;
    while (head !== undefined && head.deadline <= now) {
      this.remove(head as T);
      this.#onExpire(head as T);
      head = this.#head;
    }
    // (An entry added by onExpire has armed the timer already.)
    if (head !== undefined && this.#timer === undefined) this.#arm(Math.max(1, Math.ceil(head.deadline - now)));
  }
}
