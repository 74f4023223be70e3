// Typed errors: one class per failure kind. Every error renders without secrets:
// messages are scrubbed, bodies and headers redacted, and `toJSON`/`util.inspect` show only safe fields.
import { INSPECT } from './inspect.js';
import { redact, redactHeaders, scrub } from './redact.js';

export interface ErrorOptions {
  cause?: unknown;
}

/** Base class of every error thrown by the s2sdk packages. */
export class S2sdkError extends Error {
  /**
   * The class's name as a string literal: minifiers rename classes, so `new.target.name` would
   * read e.g. "fe" in a browser bundle. Every subclass declares its own (a test checks it).
   */
  static readonly errorName: string = 'S2sdkError';

  /** A stable machine-readable code, e.g. `API_ERROR`, `TIMEOUT`. */
  readonly code: string = 'S2SDK_ERROR';

  constructor(message: string, options?: ErrorOptions) {
    super(scrub(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = Object.hasOwn(new.target, 'errorName') ? (new.target as typeof S2sdkError).errorName : new.target.name;
    // Stack frames carry the message: keep them scrubbed as well.
    if (this.stack) this.stack = scrub(this.stack);
  }

  /** Safe fields for JSON and inspect; subclasses add theirs. */
  protected safeFields(): Record<string, unknown> {
    return {};
  }

  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? { name: this.cause.name, message: scrub(this.cause.message) } : undefined;
    return redact({ name: this.name, code: this.code, message: this.message, ...this.safeFields(), ...(cause ? { cause } : {}) });
  }

  [INSPECT](): string {
    const fields = this.toJSON();
    delete fields.name;
    delete fields.message;
    const extra = JSON.stringify(fields, null, 2);
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${extra}`;
  }
}

/** Options or arguments that can never work (bad base URL, invalid duration, missing credentials). */
export class ConfigurationError extends S2sdkError {
  static override readonly errorName: string = 'ConfigurationError';
  override readonly code: string = 'CONFIGURATION_ERROR';
}

export interface ApiErrorInit<TBody> {
  status: number;
  statusText?: string;
  body: TBody;
  method: string;
  url: string;
  headers?: Headers | Record<string, string>;
}

/** The server answered with a non-2xx status. `body` is the parsed (and redacted) error body. */
export class ApiError<TBody = unknown> extends S2sdkError {
  static override readonly errorName: string = 'ApiError';
  override readonly code: string = 'API_ERROR';
  readonly status: number;
  readonly body: TBody;
  readonly method: string;
  /** URL without its query string. */
  readonly url: string;
  /** Response headers, sensitive ones redacted. */
  readonly headers: Record<string, string>;
  /** The server's request id (`x-request-id`/`request-id` header), when it sent one. */
  readonly requestId: string | undefined;

  constructor(init: ApiErrorInit<TBody>, message?: string) {
    const url = stripQuery(init.url);
    super(message ?? `${init.status}${init.statusText ? ` ${init.statusText}` : ''} from ${init.method} ${url}${describeBody(init.body)}`);
    this.status = init.status;
    this.body = redact(init.body);
    this.method = init.method;
    this.url = url;
    this.headers = redactHeaders(init.headers);
    this.requestId = this.headers['x-request-id'] ?? this.headers['request-id'];
  }

  protected override safeFields(): Record<string, unknown> {
    return { status: this.status, method: this.method, url: this.url, requestId: this.requestId, body: this.body };
  }

  /** The subclass for the status. */
  static from<TBody>(init: ApiErrorInit<TBody>): ApiError<TBody> {
    const Ctor = STATUS_CLASSES[init.status] ?? (init.status >= 500 ? InternalServerError : ApiError);
    return new Ctor(init) as ApiError<TBody>;
  }
}

export class BadRequestError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'BadRequestError';
  override readonly code: string = 'BAD_REQUEST';
}
export class AuthenticationError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'AuthenticationError';
  override readonly code: string = 'AUTHENTICATION_FAILED';
}
export class PermissionDeniedError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'PermissionDeniedError';
  override readonly code: string = 'PERMISSION_DENIED';
}
export class NotFoundError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'NotFoundError';
  override readonly code: string = 'NOT_FOUND';
}
export class ConflictError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'ConflictError';
  override readonly code: string = 'CONFLICT';
}
export class UnprocessableEntityError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'UnprocessableEntityError';
  override readonly code: string = 'UNPROCESSABLE_ENTITY';
}
export class RateLimitError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'RateLimitError';
  override readonly code: string = 'RATE_LIMITED';
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  get retryAfterMs(): number | undefined {
    return parseRetryAfter(this.headers);
  }
}
export class InternalServerError<TBody = unknown> extends ApiError<TBody> {
  static override readonly errorName: string = 'InternalServerError';
  override readonly code: string = 'SERVER_ERROR';
}

const STATUS_CLASSES: Record<number, new (init: ApiErrorInit<unknown>) => ApiError<unknown>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

export type TimeoutScope = 'attempt' | 'deadline';

/** No answer in time: one attempt (`scope: 'attempt'`) or the whole call including retries (`'deadline'`). */
export class TimeoutError extends S2sdkError {
  static override readonly errorName: string = 'TimeoutError';
  override readonly code: string = 'TIMEOUT';
  constructor(
    readonly scope: TimeoutScope,
    readonly timeoutMs: number,
    what = 'request',
    options?: ErrorOptions,
  ) {
    super(`${what} timed out after ${timeoutMs} ms${scope === 'deadline' ? ' (overall deadline, retries included)' : ''}`, options);
  }
  protected override safeFields() {
    return { scope: this.scope, timeoutMs: this.timeoutMs };
  }
}

/** The caller aborted (its AbortSignal fired). */
export class AbortedError extends S2sdkError {
  static override readonly errorName: string = 'AbortedError';
  override readonly code: string = 'ABORTED';
  constructor(message = 'request aborted by the caller', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The connection failed (DNS, refused, reset, TLS) — no HTTP response was received. */
export class NetworkError extends S2sdkError {
  static override readonly errorName: string = 'NetworkError';
  override readonly code: string = 'NETWORK_ERROR';
  /** The system error code when known (ECONNREFUSED, ECONNRESET, …). */
  readonly errno: string | undefined;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.errno = systemErrorCode(options?.cause);
  }
  protected override safeFields() {
    return { errno: this.errno };
  }
}

/** A 2xx response whose body is not what the spec promises (HTML instead of JSON, truncated JSON). The body itself is never included: it may hold secrets. */
export class MalformedResponseError extends S2sdkError {
  static override readonly errorName: string = 'MalformedResponseError';
  override readonly code: string = 'MALFORMED_RESPONSE';
  constructor(
    readonly status: number | undefined,
    readonly contentType: string | undefined,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`malformed response${status ? ` (status ${status}` : ' ('}${contentType ? `, content-type ${contentType}` : ''}): ${reason}`, options);
  }
  protected override safeFields() {
    return { status: this.status, contentType: this.contentType, reason: this.reason };
  }
}

export type SessionErrorReason = 'reauthentication-required' | 'hard-expiry' | 'revoked' | 'refresh-failed' | 'no-session' | 'session-limit';

/** The session can no longer be used and the user must authenticate again (login, new key, new token). */
export class SessionError extends S2sdkError {
  static override readonly errorName: string = 'SessionError';
  override readonly code: string = 'SESSION_ERROR';
  constructor(
    readonly reason: SessionErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  protected override safeFields() {
    return { reason: this.reason };
  }
}

export function isS2sdkError(err: unknown): err is S2sdkError {
  return err instanceof S2sdkError;
}

/** @internal The URL without its query string (for messages and logs). */
export function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** A short server message from common error body shapes, never the whole body. */
function describeBody(body: unknown): string {
  if (body == null) return '';
  if (typeof body === 'string') return body.length && body.length <= 200 && !/[<>]/.test(body) ? `: ${body}` : '';
  if (typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const data = b.data && typeof b.data === 'object' ? (b.data as Record<string, unknown>) : undefined;
  // `{ error: { code, message } }` bodies nest the details one level down.
  const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  const msg = [b.message, b.error_description, nested?.message, data?.error, b.error, b.detail, b.title].find((v) => typeof v === 'string' && v.length > 0) as string | undefined;
  const code = typeof b.code === 'string' ? b.code : typeof nested?.code === 'string' ? nested.code : typeof b.error === 'string' && msg !== b.error ? b.error : undefined;
  if (!msg && !code) return '';
  return `: ${[code, msg].filter(Boolean).join(' — ').slice(0, 300)}`;
}

function systemErrorCode(cause: unknown): string | undefined {
  for (let c = cause, i = 0; c && typeof c === 'object' && i < 4; c = (c as { cause?: unknown }).cause, i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

// The three HTTP-date forms of RFC 9110 §5.6.7 (IMF-fixdate, obsolete RFC 850, asctime).
// Date.parse alone accepts almost anything ("-5", "garbage 12" are dates in 2001), which
// would turn a garbage header into "retry now".
const HTTP_DATE = /^(?:[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * `Retry-After` / `retry-after-ms` in milliseconds (delay seconds or an HTTP date), or
 * undefined when absent or not one of those forms (negative numbers, garbage: the normal
 * backoff applies).
 */
export function parseRetryAfter(headers: Headers | Record<string, string>, now: number = Date.now()): number | undefined {
  const get = (k: string) => (headers instanceof Headers ? headers.get(k) : headers[k]) ?? undefined;
  const ms = get('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const ra = get('retry-after');
  if (ra === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.round(Number(ra) * 1000);
  if (!HTTP_DATE.test(ra.trim())) return undefined;
  const date = Date.parse(ra.trim());
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Why an API key was rejected (shared by the REST and WebSocket clients). */
export type KeyRejectionReason = 'expired' | 'revoked' | 'invalid' | 'missing' | 'unknown';

/**
 * Marker of the "this API key was rejected" errors of the s2sdk packages (a registered symbol,
 * so it holds across package copies). See {@link isKeyRejected}.
 */
export const KEY_REJECTED: unique symbol = Symbol.for('@s2sdk/key-rejected') as never;

/** What every key-rejected error has, over REST and WebSocket. */
export interface KeyRejected {
  /** The public key (never the secret) the rejected request was sent under; undefined if unknown. */
  readonly publicKey: string | undefined;
  readonly reason: KeyRejectionReason;
}

/** True for the errors that mean "the server rejected this API key", whichever client threw them. */
export function isKeyRejected(err: unknown): err is Error & KeyRejected {
  return err instanceof Error && (err as { [KEY_REJECTED]?: unknown })[KEY_REJECTED] === true;
}
