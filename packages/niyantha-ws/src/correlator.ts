// The correlator: requests awaiting their final reply, keyed by requestId, each with its
// timeout and abort signal. Replies are matched by one Map lookup. Ids are never reused within
// a client, so a reply arriving after its request ended matches nothing; the ids of recently
// ended requests are remembered (bounded) so such late replies are recognised and dropped.
import { DeadlineList, type DeadlineNode } from './deadlines.js';
import { RequestAbortedError, RequestTimeoutError } from './errors.js';
import type { OperationTableEntry } from './types.js';

/** One request awaiting its reply (or waiting in the send queue). */
export interface Pending extends DeadlineNode {
  readonly id: string;
  readonly type: string;
  readonly entry: OperationTableEntry;
  /**
   * The encoded frame until it is written; then kept only when the request may be replayed
   * (`replay`), else released ('') so a large payload is not held (and promoted by the GC) while
   * the reply is awaited. Always '' for the login, whose frame holds the secret.
   */
  frame: string;
  /** Sent by the client itself (login, heartbeat probe): not counted as in flight. */
  readonly internal: boolean;
  resolve(payload: unknown): void;
  reject(error: unknown): void;
  onChunk: ((payload: unknown) => void) | undefined;
  /** Its own timer, when its timeout is not the correlator's shared one (see DeadlineList). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Timeout of the final reply (for streams: of inactivity); 0 or Infinity for none. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Written to a socket (a queued request is not). */
  sent: boolean;
  /** Public key of the session the request was sent in. */
  sessionKey: string | undefined;
  /** Resent after a drop instead of failing (`RequestOptions.replay`). */
  readonly replay: boolean;
}

/** A new pending request (not sent, no timer yet: `Correlator.add` arms it). */
export function newPending(
  id: string,
  type: string,
  entry: OperationTableEntry,
  frame: string,
  internal: boolean,
  resolve: (payload: unknown) => void,
  reject: (error: unknown) => void,
  onChunk: ((payload: unknown) => void) | undefined,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  replay = false,
): Pending {
  return { id, type, entry, frame, internal, resolve, reject, onChunk, timer: undefined, timeoutMs, signal, onAbort: undefined, sent: false, sessionKey: undefined, replay, deadline: -1, prev: undefined, next: undefined };
}

/** How many ended request ids are remembered to recognise late replies. */
export const ENDED_MEMORY = 512;

export class Correlator {
  readonly #pending = new Map<string, Pending>();
  readonly #ended = new Map<string, string>();
  readonly #onForget: (p: Pending) => void;
  /** The requests on the shared timeout (`sharedTimeoutMs`): one list, one timer. */
  readonly #deadlines: DeadlineList<Pending> | undefined;

  /**
   * `onForget` is called for every request as it settles (e.g. to take it out of the send queue).
   * Requests whose timeout is `sharedTimeoutMs` (the client's default) share one timer; others
   * get their own.
   */
  constructor(onForget: (p: Pending) => void, sharedTimeoutMs?: number) {
    this.#onForget = onForget;
    this.#deadlines = sharedTimeoutMs !== undefined && sharedTimeoutMs > 0 && Number.isFinite(sharedTimeoutMs) ? new DeadlineList(sharedTimeoutMs, (p) => this.#timedOut(p)) : undefined;
  }

  /** Number of pending requests (sent or queued, internal ones included). */
  get size(): number {
    return this.#pending.size;
  }

  get(id: string): Pending | undefined {
    return this.#pending.get(id);
  }

  /** Why the request `id` ended, when it ended recently after being sent (a late reply is expected). */
  whyEnded(id: string): string | undefined {
    return this.#ended.get(id);
  }

  /** Requests sent and awaiting their reply, the client's own excluded. */
  inFlight(): number {
    let n = 0;
    for (const p of this.#pending.values()) if (p.sent && !p.internal) n++;
    return n;
  }

  /** Tracks `p`: arms its timeout and listens to its abort signal. */
  add(p: Pending): void {
    this.#pending.set(p.id, p);
    if (p.timeoutMs > 0 && Number.isFinite(p.timeoutMs)) this.#arm(p);
    const signal = p.signal;
    if (signal) {
      p.onAbort = () => this.settle(p, new RequestAbortedError(p.type, p.id, { cause: signal.reason }), false, 'aborted');
      signal.addEventListener('abort', p.onAbort, { once: true });
    }
  }

  /** Restarts the (inactivity) timeout of `p`, e.g. on a stream chunk. */
  touch(p: Pending): void {
    if (p.deadline >= 0) this.#deadlines?.touch(p);
    else if (p.timer !== undefined) {
      clearTimeout(p.timer);
      this.#arm(p);
    }
  }

  #arm(p: Pending): void {
    const deadlines = this.#deadlines;
    if (deadlines !== undefined && p.timeoutMs === deadlines.ms) deadlines.add(p);
    else p.timer = setTimeout(() => this.#timedOut(p), p.timeoutMs);
  }

  #timedOut(p: Pending): void {
    this.settle(p, new RequestTimeoutError(p.type, p.id, p.timeoutMs), false, 'timed out');
  }

  /**
   * Settles `p` exactly once and forgets it; false when it had settled already. `ended` marks its
   * id (when it was sent) so that a late reply is recognised.
   */
  settle(p: Pending, outcome: unknown, ok: boolean, ended?: string): boolean {
    if (this.#pending.get(p.id) !== p) return false;
    this.#pending.delete(p.id);
    this.#onForget(p);
    if (p.deadline >= 0) this.#deadlines?.remove(p);
    else if (p.timer !== undefined) clearTimeout(p.timer);
    if (p.onAbort && p.signal) p.signal.removeEventListener('abort', p.onAbort);
    if (ended && p.sent) {
      this.#ended.set(p.id, ended);
      if (this.#ended.size > ENDED_MEMORY) this.#ended.delete(this.#ended.keys().next().value as string);
    }
    if (ok) p.resolve(outcome);
    else p.reject(outcome);
    return true;
  }

  /** The pending requests, in the order they were made. */
  values(): IterableIterator<Pending> {
    return this.#pending.values();
  }

  /** Rejects every pending request (only the sent ones with `sentOnly`) with `errorFor(p)`. */
  rejectAll(errorFor: (p: Pending) => unknown, ended: string, sentOnly: boolean): void {
    for (const p of [...this.#pending.values()]) {
      if (sentOnly && !p.sent) continue;
      this.settle(p, errorFor(p), false, ended);
    }
  }

  /** The client is done: stops the shared timer (every request has settled by now). */
  dispose(): void {
    this.#deadlines?.dispose();
  }
}
