// The request/reply client over one WebSocket: a facade that wires the parts, each with one
// job (see README, "Inside the client"):
//   connection-state.ts  the pure lifecycle machine — every transition goes through #step, and
//                        its effects (open a socket, log in, reconnect, shut down) are run here
//   transport.ts         the socket adapter (ws in Node, native WebSocket elsewhere)
//   backoff.ts           the shared reconnect policy      heartbeat.ts   half-open detection
//   requests.ts          outgoing requests and the bounded send queue (send-queue.ts)
//   correlator.ts        pending requests by requestId, timeouts, aborts
//   inbound.ts           decode, correlate, deliver       stream.ts      streaming replies
//   auth-session.ts      the configurable auth step, credentials and their switch (setAuth)
//
// Lifecycle:  idle → connecting → authenticating → open ⇄ reconnecting → closed (terminal)
// The authentication request (if any) is the first frame on every connect and reconnect.
// Requests in flight when the socket drops reject with ConnectionLostError and are never
// resent (they may not be idempotent) unless marked `replay: true`; queued requests (never sent) survive.
import { safeLogger, scrub, type Logger } from '@s2sdk/core';
import { CloseCode, isAuthFailureClose } from '@s2sdk/ws-protocol';
import { backoffDelay, resolveReconnect, type ResolvedReconnect } from './backoff.js';
import { TypedEmitter } from './emitter.js';
import { ClientClosedError, ConnectError, ConnectionLostError, RequestAbortedError, StreamOverflowError, WsAuthenticationError, shutdownError } from './errors.js';
import { ConnectionEvents, INITIAL_CONNECTION, transition, type Connection, type ConnectionEffect, type ConnectionEvent, type ConnectionPolicy } from './connection-state.js';
import { newPending, type Correlator } from './correlator.js';
import { Requests } from './requests.js';
import { AuthSession, type AuthConfig, type AuthCredentials, type Login, type LoginFrame } from './auth-session.js';
import { positive, randomBase36, safeUrl, type ClientEvents, type RequestReplyClientOptions } from './options.js';
import { Router, replyTypesOf } from './inbound.js';
import { Heartbeat, resolveHeartbeat } from './heartbeat.js';
import { ChunkStream, type WsStream } from './stream.js';
import { attachSocket, closeGracefully, detachSocket, hardClose, resolveWebSocket } from './transport.js';
import type { AuthReply, ConnectionState, OperationMapShape, OperationTableEntry, RequestOptions, RequestType, StreamType, WebSocketConstructor, WebSocketLike } from './types.js';

export type { AuthConfig, AuthCredentials, AuthOutcome } from './auth-session.js';
export { safeUrl, type ClientEvents, type FrameValidator, type RequestReplyClientOptions } from './options.js';
export type { HeartbeatConfig } from './heartbeat.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** What an event brings along for its effects (errors, close code and reason, the auth reply). */
interface StepContext {
  readonly error?: unknown;
  readonly cause?: unknown;
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
  /** Reason of the close frame when the client shuts down. */
  readonly closeReason?: string;
  readonly payload?: unknown;
}

const NO_CONTEXT: StepContext = {};
const { CONNECT, SOCKET_OPEN, REAUTH, AUTH_OK, AUTH_REFUSED_RETRYABLE, AUTH_REFUSED_FATAL, DROP, RETRY, STABLE, CLOSE } = ConnectionEvents;

export class RequestReplyClient<Ops extends OperationMapShape<Ops>> extends TypedEmitter<ClientEvents> {
  readonly url: string;
  readonly #safeUrl: string;
  #WebSocket: WebSocketConstructor | undefined;
  #connectTimeoutMs: number;
  #reconnect: ResolvedReconnect | false;
  readonly #heartbeat: Heartbeat;
  #log: Required<Logger>;
  #random: () => number;
  #maxBufferedChunks: number;
  readonly #router: Router;

  #conn: Connection = INITIAL_CONNECTION;
  readonly #policy: ConnectionPolicy;
  readonly #auth: AuthSession;
  #socket: WebSocketLike | undefined;
  readonly #requests: Requests;
  readonly #pending: Correlator;
  #idPrefix: string;
  #counter = 0;
  #lastError: unknown;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #connectWaiters: { resolve(): void; reject(e: unknown): void }[] = [];
  #closing: Promise<void> = Promise.resolve();
  #closedError: unknown;
  #signal: AbortSignal | undefined;
  #onSignalAbort: (() => void) | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RequestReplyClientOptions<Ops>) {
    super();
    this.url = options.url;
    this.#safeUrl = safeUrl(options.url);
    const table = options.operations as Readonly<Record<string, OperationTableEntry>>;
    this.#auth = new AuthSession(options.auth, table);
    this.#WebSocket = options.WebSocket;
    this.#connectTimeoutMs = positive(options.connectTimeoutMs, 15_000, 'connectTimeoutMs');
    this.#reconnect = resolveReconnect(options.reconnect);
    this.#policy = { auth: this.#auth.configured, reconnect: this.#reconnect };
    this.#log = safeLogger(options.logger);
    const log = this.#log;
    this.#heartbeat = new Heartbeat(resolveHeartbeat(options.heartbeat), {
      log,
      isOpen: () => this.#state === 'open',
      probe: (probe, timeoutMs) => this.#requests.submit(this.#nextId(), probe.type, probe.payload, { timeoutMs }, noop, noop, undefined, true),
      dead: (socket, error) => this.#abortSocket(socket, error),
    });
    const validator = options.validator;
    const timeoutMs = positive(options.requestTimeoutMs, 30_000, 'requestTimeoutMs');
    this.#requests = new Requests(table, validator, timeoutMs, options.queueLimit ?? 1000, {
      isOpen: () => this.#state === 'open',
      closed: () => (this.#state === 'closed' ? { error: this.#closedError } : undefined),
      socket: () => this.#socket,
      publicKey: () => this.#auth.publicKey,
    });
    this.#pending = this.#requests.pending;
    this.#random = options.random ?? Math.random;
    this.#idPrefix = options.requestIdPrefix ?? `${randomBase36(this.#random, 6)}-`;
    this.#maxBufferedChunks = positive(options.maxBufferedChunks, 10_000, 'maxBufferedChunks');
    this.#router = new Router({
      replyTypes: replyTypesOf(table, this.#auth.entry),
      requests: this.#pending,
      auth: this.#auth,
      validator,
      replyTransforms: options.replyTransforms ?? {},
      log,
      url: this.#safeUrl,
      onEvent: (msg) => this.emit('event', msg, this.#onListenerError),
    });
    this.#signal = options.signal;
    if (this.#signal) {
      this.#onSignalAbort = () => this.#fail(new ClientClosedError('the client was aborted', { cause: this.#signal?.reason }), 'aborted');
      if (this.#signal.aborted) this.#onSignalAbort();
      else this.#signal.addEventListener('abort', this.#onSignalAbort, { once: true });
    }
  }

  /** Current connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Payload of the last successful authentication reply (e.g. `auth.success`), typed from the operation marked `auth`. */
  get session(): AuthReply<Ops> | undefined {
    return this.#auth.session as AuthReply<Ops> | undefined;
  }

  /** Number of requests waiting for the connection. */
  get queued(): number {
    return this.#requests.queue.size;
  }

  /** Number of requests sent and awaiting their reply. */
  get inFlight(): number {
    return this.#pending.inFlight();
  }

  /**
   * Opens the connection and authenticates. Resolves once authenticated; rejects with
   * WsAuthenticationError, ConnectError or ClientClosedError. A failing first connection is not
   * retried, not even after a transient `auth.failure` (its code is on the error: `reason`,
   * `transient`): reconnection applies once a session was established.
   */
  connect(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(this.#closedError ?? new ClientClosedError());
    const p = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    this.#step(CONNECT);
    return p;
  }

  /** Sends a request and resolves with its reply payload. */
  request<T extends RequestType<Ops>>(type: T, payload: Ops[T]['request'], options?: RequestOptions): Promise<Ops[T]['reply']> {
    return new Promise<Ops[T]['reply']>((resolve, reject) => {
      this.#requests.submit(this.#nextId(), type, payload, options, resolve as (v: unknown) => void, reject, undefined, false);
    });
  }

  /** Sends a streaming request: iterate the chunks; the final reply is the iterator's return value and `.result`. */
  stream<T extends StreamType<Ops>>(type: T, payload: Ops[T]['request'], options?: RequestOptions): WsStream<Ops[T]['chunk'], Ops[T]['reply']> {
    const id = this.#nextId();
    const limit = positive(options?.maxBufferedChunks, this.#maxBufferedChunks, 'maxBufferedChunks');
    const s = new ChunkStream<Ops[T]['chunk'], Ops[T]['reply']>(
      id,
      (reason) => {
        const p = this.#pending.get(id);
        if (p) this.#pending.settle(p, new RequestAbortedError(type, id, { cause: reason }), false, 'cancelled');
      },
      limit,
      () => {
        const p = this.#pending.get(id);
        if (p) this.#pending.settle(p, new StreamOverflowError(type, id, limit), false, 'stream overflow');
      },
    );
    this.#requests.submit(
      id,
      type,
      payload,
      options,
      (v) => s.finish(v as Ops[T]['reply']),
      (e) => s.fail(e),
      (c) => s.push(c as Ops[T]['chunk']),
      false,
    );
    return s;
  }

  /**
   * Closes the connection for good: every pending and queued request rejects with
   * ClientClosedError and no reconnect happens. Resolves when the socket is closed.
   */
  close(): Promise<void> {
    this.#fail(new ClientClosedError(), 'client closed');
    return this.#closing;
  }

  /**
   * Switches to new credentials (key rotation) without dropping the connection:
   *
   * - `open`: sends the authentication request again on the open socket and resolves after its
   *   success reply. Requests made meanwhile wait in the queue (state `authenticating`); requests
   *   already in flight are unaffected. The new credentials are then used for every later
   *   (re)connect.
   * - `idle`: the new credentials are used by `connect()`; resolves at once.
   * - connecting / reconnecting: the next login uses the new credentials; resolves after its success.
   * - Failure (an error reply with a non-transient code, or close 4401): rejects with
   *   WsAuthenticationError and keeps the previous credentials. The server ends a socket after a
   *   failed login, so the client drops that socket at once and reconnects with the previous
   *   credentials (queued requests wait; requests in flight on it fail with ConnectionLostError).
   *   Before the first session, a failed login closes the client as `connect()` does.
   * - Transient failures and drops do not settle it: the next login tries the new credentials again.
   * - A payload builder that throws (or a payload JSON cannot encode) is a local failure: it rejects
   *   with that error and nothing is sent. On the open socket the client stays `open` with the
   *   previous credentials (requests in flight are unaffected); on a (re)connect the login uses
   *   the previous credentials.
   *
   * Calls are serialised: each switch starts after the previous one settled.
   */
  setAuth(credentials: AuthCredentials): Promise<void> {
    if (!this.#auth.configured) return Promise.reject(new TypeError('this client has no authentication request configured'));
    if (!credentials || typeof credentials.payload !== 'function') return Promise.reject(new TypeError('setAuth: payload must be a function'));
    const auth = this.#auth.withCredentials(credentials);
    return this.#auth.serialize(() => this.#switchAuth(auth));
  }

  async #switchAuth(auth: AuthConfig): Promise<void> {
    for (;;) {
      switch (this.#state) {
        case 'closed':
          throw new ClientClosedError(undefined, { cause: this.#closedError });
        case 'idle':
          this.#auth.replace(auth);
          return;
        case 'authenticating':
          // A login with the current credentials is under way: switch once it has an outcome.
          await new Promise<void>((resolve) => {
            const off = this.on('state', () => {
              off();
              resolve();
            });
          });
          continue;
        case 'open':
          return this.#reauthenticate(auth);
        default:
          // connecting / reconnecting: the next login uses the candidate.
          return this.#auth.propose(auth);
      }
    }
  }

  /** Logs in again on the open socket with `auth`. */
  #reauthenticate(auth: AuthConfig): Promise<void> {
    const socket = this.#socket as WebSocketLike;
    return new Promise<void>((resolve, reject) => {
      let built: LoginFrame;
      try {
        // Built before anything changes: a builder that throws is a local failure — the socket,
        // its state, the requests in flight and the previous credentials are left as they are.
        built = this.#auth.build(auth, this.#nextId());
      } catch (err) {
        reject(err);
        return;
      }
      this.#auth.proposeNow(auth, resolve, reject);
      this.#connectTimer = setTimeout(() => {
        this.#connectTimer = undefined;
        // No answer: drop the socket; the candidate stays and the reconnect logs in with it.
        this.#abortSocket(socket, new ConnectError(`no answer to ${auth.type} within ${this.#connectTimeoutMs} ms`));
      }, this.#connectTimeoutMs);
      this.#step(REAUTH);
      this.#sendLogin(socket, built);
    });
  }

  /** Low-level send used by helpers (e.g. uploads) that need the raw operation type. @internal */
  protected rawRequest(type: string, payload: unknown, options?: RequestOptions): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#requests.submit(this.#nextId(), type, payload, options, resolve, reject, undefined, false);
    });
  }

  // ---------------------------------------------------------------- requests

  #nextId(): string {
    return this.#idPrefix + (++this.#counter).toString(36);
  }

  // ---------------------------------------------------------------- connection

  async #openSocket(): Promise<void> {
    let Ctor: WebSocketConstructor;
    try {
      Ctor = await resolveWebSocket(this.#WebSocket);
    } catch (err) {
      this.#fail(err, 'no WebSocket');
      return;
    }
    if (this.#state === 'closed') return;
    let socket: WebSocketLike;
    try {
      socket = new Ctor(this.url);
    } catch (err) {
      this.#lastError = err;
      this.#onDrop(undefined, undefined, undefined, err);
      return;
    }
    this.#socket = socket;
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = undefined;
      this.#abortSocket(socket, new ConnectError(`no authenticated connection within ${this.#connectTimeoutMs} ms`));
    }, this.#connectTimeoutMs);
    attachSocket(socket, {
      open: () => {
        if (this.#socket === socket) this.#step(SOCKET_OPEN);
      },
      message: (data) => {
        if (this.#socket !== socket) return;
        this.#heartbeat.received();
        this.#router.receive(data);
      },
      error: (err) => {
        if (this.#socket !== socket) return;
        this.#lastError = err;
        this.#log.debug('socket error', { message: (err as { message?: unknown })?.message });
      },
      close: (code, reason) => {
        if (this.#socket === socket) this.#onDrop(socket, code, reason, this.#lastError);
      },
    });
  }

  /**
   * Sends the authentication request (with the candidate credentials when a switch is pending;
   * `built` is its frame when the caller built it already).
   */
  #sendLogin(socket: WebSocketLike, built?: LoginFrame): void {
    const auth = this.#auth;
    let next: ReturnType<AuthSession['begin']>;
    try {
      next = auth.begin(socket, this.#nextIdFn, built);
    } catch (err) {
      this.#fail(err, 'auth payload');
      return;
    }
    const { login, type, frame } = next;
    const done = (): boolean => {
      if (auth.login === login) auth.login = undefined;
      // A login whose socket is gone (drop, shutdown) has no outcome of its own: #onDrop / shutdown decide.
      return this.#socket === socket;
    };
    // The login frame (it holds the secret) is not kept in the pending request.
    const onOk = (payload: unknown) => done() && this.#onLoginSuccess(login, payload);
    const onErr = (err: unknown) => done() && this.#onLoginFailure(login, err);
    const p = newPending(frame.id, type, auth.entry as OperationTableEntry, '', true, onOk, onErr, undefined, 0, undefined);
    p.sent = true;
    this.#pending.add(p);
    try {
      socket.send(frame.frame);
    } catch (err) {
      this.#abortSocket(socket, err);
    }
  }

  #onLoginSuccess(login: Login, payload: unknown): void {
    const candidate = this.#auth.succeeded(login, payload);
    this.#step(AUTH_OK, { payload });
    candidate?.resolve();
  }

  #onLoginFailure(login: Login, err: unknown): void {
    if (!(err instanceof WsAuthenticationError)) {
      // Not an answer about the credentials (invalid reply, protocol error): treat the socket as broken.
      this.#abortSocket(login.socket, err);
      return;
    }
    // Transient codes reconnect with backoff (the server closes the socket after a refusal
    // anyway: it is dropped at once). Refused new credentials: keep the previous ones and
    // reconnect with them. The first connect is never retried (the state machine decides).
    const retryable = this.#auth.refused(login, err);
    this.#step(retryable ? AUTH_REFUSED_RETRYABLE : AUTH_REFUSED_FATAL, { error: err, cause: err, closeReason: 'authentication failed' });
  }

  /** Authenticated (or opened, without an auth step): the effect `session-up`. */
  #sessionUp(payload: unknown): void {
    if (this.#connectTimer !== undefined) {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    }
    this.#lastError = undefined;
    this.emit('authenticated', { payload }, this.#onListenerError);
    for (const w of this.#connectWaiters.splice(0)) w.resolve();
    // Flush in FIFO order (a request settled while queued is no longer in the queue).
    this.#requests.flush();
    if (this.#socket) this.#heartbeat.start(this.#socket);
  }

  /**
   * The attempt counter starts over once the session has stayed up `stableAfterMs`: a server that
   * accepts the login and drops the connection at once must not cause an endless fast loop.
   */
  #watchStable(): void {
    if (this.#stableTimer !== undefined || this.#reconnect === false) return;
    const socket = this.#socket;
    this.#stableTimer = setTimeout(() => {
      this.#stableTimer = undefined;
      if (this.#socket === socket) this.#step(STABLE);
    }, this.#reconnect.stableAfterMs);
  }

  /** Forgets a socket that is broken without waiting for its close event (half-open, connect timeout). */
  #abortSocket(socket: WebSocketLike, cause: unknown): void {
    if (this.#socket !== socket) return;
    this.#step(DROP, { cause });
  }

  #onDrop(socket: WebSocketLike | undefined, code: number | undefined, reason: string | undefined, cause: unknown): void {
    if (socket && this.#socket !== socket) return;
    if (this.#state === 'closed') return;
    const scrubbedReason = reason ? scrub(reason) : reason;
    if (!isAuthFailureClose(code)) {
      this.#step(DROP, { cause, code, reason: scrubbedReason });
      return;
    }
    // Authentication failed without an error reply we acted on (or the server revoked the session).
    const err = this.#auth.closeRefusal(this.#safeUrl, scrubbedReason, CloseCode.AUTH_FAILED);
    const retryable = this.#auth.refused(this.#auth.login, err);
    this.#step(retryable ? AUTH_REFUSED_RETRYABLE : AUTH_REFUSED_FATAL, { error: err, cause: err, code, reason: scrubbedReason });
  }

  // ---------------------------------------------------------------- state machine

  /** Feeds `event` to the connection state machine and performs the effects it returns. */
  #step(event: ConnectionEvent, ctx: StepContext = NO_CONTEXT): void {
    const previous = this.#conn.phase;
    const { state, effects } = transition(this.#conn, event, this.#policy);
    this.#conn = state;
    if (state.phase !== previous) this.emit('state', { state: state.phase, previous }, this.#onListenerError);
    for (const effect of effects) {
      // A listener or an effect may have caused a transition of its own: it decided.
      if (this.#conn !== state) return;
      this.#perform(effect, ctx);
    }
  }

  #perform(effect: ConnectionEffect, ctx: StepContext): void {
    switch (effect.type) {
      case 'open-socket':
        void this.#openSocket();
        return;
      case 'login':
        if (this.#socket) this.#sendLogin(this.#socket);
        return;
      case 'session-up':
        this.#sessionUp(ctx.payload);
        return;
      case 'watch-stable':
        this.#watchStable();
        return;
      case 'detach': {
        const socket = this.#detach();
        if (socket && socket.readyState !== 3) hardClose(socket, CloseCode.ABANDONED, 'abandoned');
        return;
      }
      case 'fail-in-flight':
        this.#requests.failInFlight(ctx.code, ctx.reason, ctx.cause);
        return;
      case 'schedule-reconnect':
        this.#scheduleReconnect(effect.attempt, ctx);
        return;
      case 'shutdown':
        this.#shutdown(shutdownError(effect.reason, effect.attempts, { ...ctx, url: this.#safeUrl }), ctx.closeReason ?? '');
        return;
    }
  }

  #scheduleReconnect(attempt: number, ctx: StepContext): void {
    const delayMs = backoffDelay(attempt, this.#reconnect as ResolvedReconnect, this.#random);
    const { code, reason, cause } = ctx;
    this.emit('reconnect', { attempt, delayMs, error: cause ?? new ConnectionLostError(undefined, undefined, code, reason) }, this.#onListenerError);
    this.#log.debug('reconnecting', { attempt, delayMs, closeCode: code });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#step(RETRY);
    }, delayMs);
  }

  /** Closes the client for good with `error` (close(), abort, a local failure). */
  #fail(error: unknown, closeReason: string): void {
    this.#step(CLOSE, { error, closeReason });
  }

  /** Forgets the current socket (hard-closing it unless closed already) and its timers. */
  #detach(): WebSocketLike | undefined {
    if (this.#connectTimer !== undefined) clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    if (this.#stableTimer !== undefined) clearTimeout(this.#stableTimer);
    this.#stableTimer = undefined;
    this.#auth.login = undefined;
    this.#heartbeat.stop();
    const s = this.#socket;
    this.#socket = undefined;
    if (s) detachSocket(s);
    return s;
  }

  /** The effect `shutdown`: settles everything with `error` and closes the socket gracefully. */
  #shutdown(error: unknown, reason: string): void {
    this.#closedError = error;
    const socket = this.#detach();
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    if (this.#signal && this.#onSignalAbort) this.#signal.removeEventListener('abort', this.#onSignalAbort);
    this.#requests.failAll(error, error instanceof ClientClosedError || error instanceof WsAuthenticationError);
    for (const w of this.#connectWaiters.splice(0)) w.reject(error);
    this.#auth.end(error);
    if (socket && socket.readyState !== 3) this.#closing = closeGracefully(socket, CloseCode.NORMAL, reason);
  }

  // ---------------------------------------------------------------- misc

  readonly #nextIdFn = (): string => this.#nextId();

  get #state(): ConnectionState {
    return this.#conn.phase;
  }

  #onListenerError = (err: unknown): void => {
    this.#log.warn('an event listener threw', { message: (err as { message?: unknown })?.message });
  };

  toJSON(): Record<string, unknown> {
    return { url: this.#safeUrl, state: this.#state };
  }

  [INSPECT](): string {
    return `${this.constructor.name} { url: ${JSON.stringify(this.#safeUrl)}, state: ${JSON.stringify(this.#state)} }`;
  }
}

function noop(): void {}
