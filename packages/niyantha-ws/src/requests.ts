// Outgoing requests: check, encode once, then send at once (open) or queue (bounded) until the
// session is up; the correlator tracks each until its reply. Requests in flight when a socket
// drops are never resent (they may not be idempotent): they reject with ConnectionLostError —
// unless the caller marked them `replay: true`, then they go back to the queue.
import { encodeEnvelope } from '@s2sdk/ws-protocol';
import { Correlator, newPending, type Pending } from './correlator.js';
import { ClientClosedError, ConnectionLostError, QueueFullError, RequestAbortedError, WsValidationError } from './errors.js';
import type { FrameValidator } from './options.js';
import { SendQueue } from './send-queue.js';
import type { OperationTableEntry, RequestOptions, WebSocketLike } from './types.js';

const OPEN = 1;

/** What the requests need of the client. */
export interface RequestsHost {
  /** Whether the session is up (requests go out at once). */
  isOpen(): boolean;
  /** The error the client closed with, or `undefined` while it is not closed. */
  closed(): { error: unknown } | undefined;
  socket(): WebSocketLike | undefined;
  /** Public key of the current session's credentials (for WsKeyRejectedError). */
  publicKey(): string | undefined;
}

export class Requests {
  readonly queue: SendQueue<Pending>;
  readonly pending: Correlator;
  readonly #table: Readonly<Record<string, OperationTableEntry>>;
  readonly #validator: FrameValidator | undefined;
  readonly #timeoutMs: number;
  readonly #host: RequestsHost;
  readonly #sendQueued = (p: Pending): void => this.send(p);
  readonly #isOpen: () => boolean;

  constructor(table: Readonly<Record<string, OperationTableEntry>>, validator: FrameValidator | undefined, timeoutMs: number, queueLimit: number, host: RequestsHost) {
    this.#table = table;
    this.#validator = validator;
    this.#timeoutMs = timeoutMs;
    this.#host = host;
    this.#isOpen = () => host.isOpen();
    const queue = new SendQueue<Pending>(queueLimit);
    this.queue = queue;
    this.pending = new Correlator((p) => queue.delete(p), timeoutMs);
  }

  /** Checks, encodes and sends (or queues) one request; every failure goes to `reject`. */
  submit(
    id: string,
    type: string,
    payload: unknown,
    options: RequestOptions | undefined,
    resolve: (v: unknown) => void,
    reject: (e: unknown) => void,
    onChunk: ((c: unknown) => void) | undefined,
    internal: boolean,
  ): void {
    const entry = this.#table[type];
    if (!entry) return reject(new TypeError(`unknown request type ${JSON.stringify(type)}`));
    const closed = this.#host.closed();
    if (closed) return reject(new ClientClosedError(undefined, { cause: closed.error }));
    const signal = options?.signal;
    if (signal?.aborted) return reject(new RequestAbortedError(type, id, { cause: signal.reason }));
    const replay = options?.replay === true;
    if (replay && (onChunk || entry.streaming)) return reject(new TypeError(`${type}: replay is not supported for streams (chunks may have been delivered before a drop)`));
    if (this.#validator) {
      const problems = this.#validator('outgoing', { type, requestId: id, payload });
      if (problems && problems.length) return reject(new WsValidationError('outgoing', type, problems));
    }
    const p = newPending(id, type, entry, encodeEnvelope(type, id, payload), internal, resolve, reject, onChunk, options?.timeoutMs ?? this.#timeoutMs, signal, replay);
    const open = this.#host.isOpen();
    if (!open && !this.queue.offer(p)) return reject(new QueueFullError(type, this.queue.limit));
    this.pending.add(p);
    if (open) this.send(p);
  }

  /** Writes a request to the socket. */
  send(p: Pending): void {
    const socket = this.#host.socket();
    if (!socket || socket.readyState !== OPEN) {
      this.pending.settle(p, new ConnectionLostError(p.type, p.id, undefined, 'socket not open'), false);
      return;
    }
    p.sent = true;
    p.sessionKey = this.#host.publicKey();
    const frame = p.frame;
    if (!p.replay) p.frame = '';
    try {
      socket.send(frame);
    } catch (err) {
      this.pending.settle(p, new ConnectionLostError(p.type, p.id, undefined, 'send failed', { cause: err }), false);
    }
  }

  /** The session is up: sends the queued requests in FIFO order (while it stays up). */
  flush(): void {
    this.queue.flush(this.#isOpen, this.#sendQueued);
  }

  /**
   * After a drop: requests marked `replay` go back to the queue (to be sent again after the next
   * login, while there is room); every other sent request rejects (it may or may not have been processed).
   */
  failInFlight(code: number | undefined, reason: string | undefined, cause: unknown): void {
    for (const p of this.pending.values()) {
      if (p.sent && p.replay && !p.internal && this.queue.offer(p)) {
        p.sent = false;
        p.sessionKey = undefined;
      }
    }
    this.pending.rejectAll((p) => new ConnectionLostError(p.type, p.id, code, reason, { cause }), 'connection lost', true);
  }

  /** The client closes: every request rejects — with `error` itself when `keep` or never sent, else ConnectionLostError caused by it. */
  failAll(error: unknown, keep: boolean): void {
    this.pending.rejectAll((p) => (keep || !p.sent ? error : new ConnectionLostError(p.type, p.id, undefined, undefined, { cause: error })), 'client closed', false);
    this.pending.dispose();
  }
}
