// Typed errors of the WebSocket client, built on @s2sdk/core's error classes: messages are
// scrubbed of every known secret, and `toJSON`/`util.inspect` render only safe fields.
// Nothing here is ever built from the authentication frame.
import { TRANSIENT_AUTH_CODES as PROTOCOL_TRANSIENT_AUTH_CODES, type ErrorPayload } from '@s2sdk/ws-protocol';
import { AbortedError, AuthenticationError, KEY_REJECTED, NetworkError, S2sdkError, TimeoutError, redact, type KeyRejected, type KeyRejectionReason } from '@s2sdk/core';

/** Base class of the errors that only this package throws. */
export class NiyanthaWsError extends S2sdkError {
  static override readonly errorName: string = 'NiyanthaWsError';
  override readonly code: string = 'WS_ERROR';
}

/** The server's error payload (`{ code, message, details? }`): the protocol's ErrorPayload (`@s2sdk/ws-protocol`). */
export type WsErrorPayload = ErrorPayload;

/**
 * The server answered a request with an error reply (e.g. `{ type: "error" }`).
 * `code` is the server's error code (e.g. `not_found`, `unauthenticated`).
 */
export class WsRequestError<Payload = WsErrorPayload> extends NiyanthaWsError {
  static override readonly errorName: string = 'WsRequestError';
  /** Error code from the reply payload. */
  override readonly code: string;
  /** The server's message from the reply payload. */
  readonly serverMessage: string;
  /** Optional `details` from the reply payload (redacted). */
  readonly details: unknown;
  /** The request type that failed (e.g. `store.get`). */
  readonly requestType: string;
  /** The correlation id of the failed request. */
  readonly requestId: string;
  /** The `type` of the error reply (e.g. `error`). */
  readonly replyType: string;
  /** The whole error payload as received (redacted). */
  readonly payload: Payload;
  constructor(init: { requestType: string; requestId: string; replyType: string; payload: Payload }) {
    const payload = redact(init.payload);
    const p = (payload ?? {}) as Partial<WsErrorPayload>;
    const code = typeof p.code === 'string' ? p.code : 'unknown';
    const msg = typeof p.message === 'string' ? p.message : 'request failed';
    super(`${init.requestType} failed (${code}): ${msg} [requestId ${init.requestId}]`);
    this.code = code;
    this.serverMessage = msg;
    this.details = p.details;
    this.requestType = init.requestType;
    this.requestId = init.requestId;
    this.replyType = init.replyType;
    this.payload = payload;
  }
  protected override safeFields(): Record<string, unknown> {
    return { requestType: this.requestType, requestId: this.requestId, replyType: this.replyType, details: this.details };
  }
}

/**
 * Why a key was rejected, from the error code — the same values as `ApiKeyRejectionReason` of
 * `@s2sdk/niyantha` (REST): `api_key_revoked` → `revoked`, `api_key_expired` → `expired`,
 * `invalid_api_key` → `invalid`, `unauthenticated` → `missing`, any other code → `unknown`.
 */
export type { KeyRejectionReason } from '@s2sdk/core';

const REJECTION_REASONS: Readonly<Record<string, KeyRejectionReason>> = {
  api_key_expired: 'expired',
  api_key_revoked: 'revoked',
  invalid_api_key: 'invalid',
  unauthenticated: 'missing',
};

export { KEY_REJECTED, isKeyRejected, type KeyRejected } from '@s2sdk/core';

/**
 * The server answered a request with `api_key_revoked` / `api_key_expired`: the key the socket
 * is logged in with was revoked or expired while the socket stayed open. The socket keeps
 * working once it logs in again with a valid key — call `setCredentials()` with the new key.
 *
 * The REST client reports the same situation as `ApiKeyRejectedError` (`@s2sdk/niyantha`), an
 * `AuthenticationError` (HTTP 401). This class is an error reply to a request, so it is a
 * `WsRequestError` and NOT an `AuthenticationError`; both have `publicKey` and `reason`, and
 * `isKeyRejected(err)` recognises either. `publicKey` is never the secret; like every credential of
 * this client it is not shown in messages, `toJSON` or `util.inspect`.
 */
export class WsKeyRejectedError<Payload = WsErrorPayload> extends WsRequestError<Payload> implements KeyRejected {
  static override readonly errorName: string = 'WsKeyRejectedError';
  /** The public key the socket was authenticated with when the request was sent (undefined if unknown). */
  readonly publicKey: string | undefined;
  /** Why the key was rejected (`revoked`, `expired`, …), from the error code. */
  readonly reason: KeyRejectionReason;
  constructor(init: { requestType: string; requestId: string; replyType: string; payload: Payload; publicKey: string | undefined }) {
    super(init);
    this.publicKey = init.publicKey;
    this.reason = REJECTION_REASONS[this.code] ?? 'unknown';
  }
  /** @deprecated Renamed `publicKey` (the name the REST client's `ApiKeyRejectedError` uses). */
  get key(): string | undefined {
    return this.publicKey;
  }
  get [KEY_REJECTED](): true {
    return true;
  }
}

/** `auth.failure` codes after which reconnecting is worth it (default set, from `@s2sdk/ws-protocol`). Every other code is fatal. */
export const TRANSIENT_AUTH_CODES: readonly string[] = PROTOCOL_TRANSIENT_AUTH_CODES;

/** Error codes that mean the socket's key was revoked or expired (default set). */
export const KEY_REJECTED_CODES: readonly string[] = ['api_key_revoked', 'api_key_expired'];

/**
 * Authentication was refused (`auth.failure` reply or close code 4401). Extends core's
 * AuthenticationError (reported as status 401) so one `instanceof AuthenticationError` check
 * covers refused logins over REST and WebSocket. It does NOT cover a key revoked or expired while
 * the socket stays open: that is an error reply to a request (`WsKeyRejectedError`, a
 * `WsRequestError`); use `isKeyRejected(err)` for revoked keys from either client. `reason` is the server's code; `transient` is true for codes such
 * as `rate_limited` / `internal_error` / `unavailable`, after which a reconnect retries with
 * backoff (a failed first connect still rejects). Every other code (`invalid_credentials`,
 * `invalid_api_key`, `api_key_*`, …) is fatal: the client closes.
 */
export class WsAuthenticationError extends AuthenticationError<unknown> {
  static override readonly errorName: string = 'WsAuthenticationError';
  /** The server's error code (e.g. `invalid_credentials`), or `unauthenticated` for close code 4401 without a code. */
  readonly reason: string;
  readonly details: unknown;
  /** Close code when the server closed the socket (4401) instead of replying. */
  readonly closeCode: number | undefined;
  /** True when the code is transient (worth retrying later). */
  readonly transient: boolean;
  constructor(init: { url: string; authType: string; code: string; message: string; details?: unknown; closeCode?: number; transient?: boolean }) {
    super(
      { status: 401, body: { code: init.code, message: init.message, details: init.details }, method: init.authType, url: init.url },
      `WebSocket authentication failed (${init.code}): ${init.message}`,
    );
    this.reason = init.code;
    this.details = redact(init.details);
    this.closeCode = init.closeCode;
    this.transient = init.transient ?? false;
  }
  protected override safeFields() {
    return { ...super.safeFields(), reason: this.reason, closeCode: this.closeCode, transient: this.transient };
  }
}

/** A request got no final reply within its timeout. A reply arriving later is dropped. */
export class RequestTimeoutError extends TimeoutError {
  static override readonly errorName: string = 'RequestTimeoutError';
  constructor(
    readonly requestType: string,
    readonly requestId: string,
    timeoutMs: number,
  ) {
    super('attempt', timeoutMs, `${requestType} [requestId ${requestId}]`);
  }
  protected override safeFields() {
    return { ...super.safeFields(), requestType: this.requestType, requestId: this.requestId };
  }
}

/** A request was aborted through its AbortSignal (or a stream was cancelled). A reply arriving later is dropped. */
export class RequestAbortedError extends AbortedError {
  static override readonly errorName: string = 'RequestAbortedError';
  constructor(
    readonly requestType: string,
    readonly requestId: string,
    options?: { cause?: unknown },
  ) {
    super(`${requestType} was aborted [requestId ${requestId}]`, options);
  }
  protected override safeFields(): Record<string, unknown> {
    return { requestType: this.requestType, requestId: this.requestId };
  }
}

/**
 * The connection dropped while the request was in flight. The request is NOT resent
 * automatically (it may not be idempotent): the server may or may not have processed it.
 */
export class ConnectionLostError extends NetworkError {
  static override readonly errorName: string = 'ConnectionLostError';
  override readonly code: string = 'CONNECTION_LOST';
  constructor(
    readonly requestType: string | undefined,
    readonly requestId: string | undefined,
    readonly closeCode: number | undefined,
    readonly closeReason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `connection lost${requestType ? ` while ${requestType} was in flight [requestId ${requestId}]` : ''}` +
        (closeCode !== undefined ? ` (close code ${closeCode}${closeReason ? `: ${closeReason}` : ''})` : closeReason ? ` (${closeReason})` : ''),
      options,
    );
  }
  protected override safeFields() {
    return { ...super.safeFields(), requestType: this.requestType, requestId: this.requestId, closeCode: this.closeCode, closeReason: this.closeReason };
  }
}

/** The first connection could not be established or authenticated in time (nothing is retried before a first session). */
export class ConnectError extends NetworkError {
  static override readonly errorName: string = 'ConnectError';
  override readonly code: string = 'CONNECT_FAILED';
}

/** Reconnecting failed `attempts` times in a row; the client is now closed. */
export class ReconnectFailedError extends NetworkError {
  static override readonly errorName: string = 'ReconnectFailedError';
  override readonly code: string = 'RECONNECT_FAILED';
  constructor(
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`gave up reconnecting after ${attempts} attempt(s)`, options);
  }
  protected override safeFields() {
    return { ...super.safeFields(), attempts: this.attempts };
  }
}

/** Too many requests were waiting for the connection; raise `queueLimit` or slow down. */
export class QueueFullError extends NiyanthaWsError {
  static override readonly errorName: string = 'QueueFullError';
  override readonly code: string = 'QUEUE_FULL';
  constructor(
    readonly requestType: string,
    readonly limit: number,
  ) {
    super(`cannot queue ${requestType}: ${limit} request(s) are already waiting for the connection`);
  }
  protected override safeFields(): Record<string, unknown> {
    return { requestType: this.requestType, limit: this.limit };
  }
}

/** The client is closed (by `close()`, its AbortSignal, or a fatal error — then that error is the `cause`). */
export class ClientClosedError extends NiyanthaWsError {
  static override readonly errorName: string = 'ClientClosedError';
  override readonly code: string = 'CLIENT_CLOSED';
  constructor(message = 'the WebSocket client is closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The heartbeat probe got no answer: the connection was half-open. Used as a `cause`. */
export class HeartbeatTimeoutError extends TimeoutError {
  static override readonly errorName: string = 'HeartbeatTimeoutError';
  constructor(timeoutMs: number) {
    super('attempt', timeoutMs, 'heartbeat probe');
  }
}

/** A frame did not match its JSON Schema (only with `validate`). */
export class WsValidationError extends NiyanthaWsError {
  static override readonly errorName: string = 'WsValidationError';
  override readonly code: string = 'VALIDATION_FAILED';
  constructor(
    readonly direction: 'outgoing' | 'incoming',
    readonly messageType: string,
    readonly problems: readonly string[],
  ) {
    super(`${direction} ${messageType} does not match its schema: ${problems.slice(0, 5).join('; ')}`);
  }
  protected override safeFields(): Record<string, unknown> {
    return { direction: this.direction, messageType: this.messageType, problems: this.problems };
  }
}

/** A reply broke the protocol (e.g. an unexpected reply type for the request). */
export class WsProtocolError extends NiyanthaWsError {
  static override readonly errorName: string = 'WsProtocolError';
  override readonly code: string = 'PROTOCOL_ERROR';
}

/**
 * A stream's consumer fell too far behind: more than `maxBufferedChunks` chunks were waiting to
 * be read. The chunks already buffered are still delivered; then the iteration throws this error
 * and later frames of the stream are dropped (the protocol has no flow control).
 */
export class StreamOverflowError extends NiyanthaWsError {
  static override readonly errorName: string = 'StreamOverflowError';
  override readonly code: string = 'STREAM_OVERFLOW';
  constructor(
    readonly requestType: string,
    readonly requestId: string,
    readonly limit: number,
  ) {
    super(`${requestType} stream overflowed: more than ${limit} unread chunk(s) [requestId ${requestId}]`);
  }
  protected override safeFields(): Record<string, unknown> {
    return { requestType: this.requestType, requestId: this.requestId, limit: this.limit };
  }
}

/** What the client knows when it shuts down (see ShutdownReason of connection-state.ts). */
export interface ShutdownContext {
  /** The URL as errors may show it. */
  readonly url: string;
  /** The caller's error (close(), abort, local failure, refused credentials). */
  readonly error?: unknown;
  readonly cause?: unknown;
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
}

/** The error every pending request and `connect()` waiter gets when the client shuts down for `reason`. */
export function shutdownError(reason: 'closed' | 'auth-failed' | 'connect-failed' | 'connection-lost' | 'reconnect-exhausted', attempts: number | undefined, ctx: ShutdownContext): unknown {
  const { code, reason: closeReason, cause } = ctx;
  switch (reason) {
    case 'closed':
    case 'auth-failed':
      return ctx.error;
    case 'connect-failed': {
      if (cause instanceof ConnectError) return cause;
      const detail = code !== undefined ? ` (close code ${code}${closeReason ? `: ${closeReason}` : ''})` : '';
      return new ConnectError(`could not connect to ${ctx.url}${detail}`, { cause });
    }
    case 'connection-lost':
      return new ConnectionLostError(undefined, undefined, code, closeReason, { cause });
    case 'reconnect-exhausted':
      return new ReconnectFailedError(attempts ?? 0, { cause });
  }
}
