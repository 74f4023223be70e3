// The resilient transport: a fetch-compatible function that adds a per-attempt
// timeout, an overall deadline, caller AbortSignal support and safe retries.
import { AbortedError, NetworkError, parseRetryAfter, S2sdkError, stripQuery, TimeoutError } from './errors.js';
import { backoffDelay, checkBackoffPolicy, REST_BACKOFF } from './backoff.js';
import { safeLogger, type Logger } from './logger.js';
import { BUFFERED_BODY, MemoryResponse } from './memory-response.js';
import { ACCEPTS_PLAIN, isPlainRequest, type PlainRequest } from './plain-request.js';

/** What the transport calls: `globalThis.fetch`, `createNodeFetch()` from `@s2sdk/core/node`, undici, a test double… */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** First backoff step. Default 500 ms; step n is initialDelayMs × 2^n, capped by maxDelayMs, and the wait is 50–100 % of the step (`backoffDelay`, shared with WebSocket reconnects). */
  initialDelayMs?: number;
  /** Cap of one backoff step. Default 8 s. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the response is returned (and becomes a RateLimitError). Default 60 s. */
  maxRetryAfterMs?: number;
  /** Statuses that are retried (for retry-safe requests). Default 408, 429 and every 5xx (not 409: conflicts are usually deterministic). */
  statuses?: readonly number[] | ((status: number) => boolean);
}

export interface TransportOptions {
  /** The underlying fetch. Default `globalThis.fetch`. */
  fetch?: FetchLike | typeof globalThis.fetch;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /** Overall deadline for one call, retries and backoff included. Default 2 min. */
  deadlineMs?: number;
  /** Retry policy, or `false` to never retry. */
  retry?: RetryOptions | false;
  logger?: Logger;
  /** Randomness for jitter (tests). */
  random?: () => number;
  /** Clock (tests). */
  now?: () => number;
}

/** Per-request hints set by the API client (e.g. from the spec's `x-idempotent`). */
export interface RequestHints {
  idempotent?: boolean;
}
/** Hints keyed by the Request object handed to the transport (the typed client marks its PlainRequests directly). */
export const requestHints = new WeakMap<Request, RequestHints>();

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * A request may be re-sent when it carries an Idempotency-Key (the caller's explicit promise,
 * it wins over everything), when the client marked its operation idempotent (the spec's
 * `x-idempotent`), or — without a mark — when its method is idempotent.
 */
export function isRetrySafe(request: Request): boolean {
  if (request.headers.has('idempotency-key')) return true;
  // The typed client marks its PlainRequest (a standard Request has no `idempotent`).
  const hint = (request as unknown as PlainRequest).idempotent ?? requestHints.get(request)?.idempotent;
  if (hint !== undefined) return hint;
  return IDEMPOTENT_METHODS.has(request.method);
}

// Connection errors that prove the request never reached the server: safe to re-send even for a POST.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED_BEFORE_SEND']);

// Bodies that may be large (uploads): copied for a re-send only when the request is retry-safe.
const LARGE_BODY_TYPE = /^(multipart\/|application\/octet-stream)/i;

/** Reads the body into memory and returns an equivalent Response. */
async function readBody(response: Response): Promise<Response> {
  if ((response as unknown as Record<symbol, unknown>)[BUFFERED_BODY] || response.body === null) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  return new MemoryResponse(bytes, response, { status: response.status, statusText: response.statusText });
}

/** True for a failure that proves the request never reached the server (connection refused, DNS failure). */
export function requestNeverSent(err: unknown): boolean {
  return err instanceof NetworkError && err.errno !== undefined && NOT_SENT_CODES.has(err.errno);
}


// 409 is not retried by default: most conflicts (an order transition not allowed from its
// status, an update conflict) answer the same way every time. Add it to `statuses` for APIs
// that use 409 for transient lock conflicts.
function defaultRetryStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Creates the resilient fetch. Typed errors: TimeoutError, AbortedError, NetworkError. HTTP
 * error statuses are returned as responses. Responses are returned with their body already
 * read (within the attempt's timeout), so a stalled body cannot hang a call.
 */
export function createTransport(options: TransportOptions = {}): FetchLike {
  const baseFetch = (options.fetch ?? globalThis.fetch) as FetchLike;
  if (typeof baseFetch !== 'function') throw new TypeError('createTransport: no fetch implementation available; pass `fetch`');
  const timeoutMs = options.timeoutMs ?? 30_000; // defaults: 30 s per attempt, 2 min per call, 2 retries, Retry-After up to 60 s
  const deadlineMs = options.deadlineMs ?? 120_000;
  const retry = options.retry === false ? undefined : options.retry ?? {};
  const maxRetries = retry ? (retry.maxRetries ?? 2) : 0;
  const policy = {
    initialDelayMs: retry?.initialDelayMs ?? REST_BACKOFF.initialDelayMs,
    maxDelayMs: retry?.maxDelayMs ?? REST_BACKOFF.maxDelayMs,
    factor: REST_BACKOFF.factor,
  };
  checkBackoffPolicy(policy, 'retry');
  const maxRetryAfterMs = retry?.maxRetryAfterMs ?? 60_000;
  const statuses = retry?.statuses;
  const retryStatus = typeof statuses === 'function' ? statuses : statuses ? (s: number) => statuses.includes(s) : defaultRetryStatus;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log = safeLogger(options.logger);
  // While attempts start, an unref'd timer of the attempt timeout's duration stays pending:
  // Node keeps its timer list for that duration, so an attempt's setTimeout and clearTimeout
  // append to and unlink from it instead of creating and deleting the list (the costly part of
  // a call when calls are sequential). Renewed while attempts started in its last period.
  let started = false;
  let keeper: ReturnType<typeof setTimeout> | undefined;
  const keep = () => {
    keeper = started ? keeper!.refresh() : undefined;
    started = false;
  };

  // How a PlainRequest (the typed client's request) is sent: as is to a fetch that accepts it
  // (createNodeFetch), as `fetch(url, init)` to the global fetch (no Request copy), else as one
  // standard Request per attempt (the serialized body is kept: no clone to re-send it).
  const sendPlain: (plain: PlainRequest, attempt: Attempt) => Promise<Response> =
    (baseFetch as { [ACCEPTS_PLAIN]?: boolean })[ACCEPTS_PLAIN] === true
      ? (plain, attempt) => baseFetch(plain as unknown as Request, { signal: attempt as unknown as AbortSignal })
      : baseFetch === globalThis.fetch
        ? (plain, attempt) => globalThis.fetch(plain.url, plain.init(attempt.signal))
        : (plain, attempt) => baseFetch(plain.toRequest(), lazyInit(attempt));

  return async function transport(input: Request, init?: RequestInit): Promise<Response> {
    const request = init ? new Request(isPlainRequest(input) ? input.toRequest() : input, init) : input;
    const plain = isPlainRequest(request) ? request : undefined;
    // A PlainRequest has no signal unless the caller gave one: then no listener is needed.
    const callerSignal: AbortSignal | null = request.signal;
    if (callerSignal?.aborted) throw new AbortedError(undefined, { cause: callerSignal.reason });
    const deadlineAt = now() + deadlineMs;
    const retrySafe = maxRetries > 0 && isRetrySafe(request);
    const hasBody = plain ? plain.rawBody !== null : request.body !== null;
    // A body can be read once: keep a pristine copy only when the request may be sent again —
    // retry-safe requests, and small bodies of others (re-sent only when the connection was
    // refused). Uploads of requests that are not retry-safe are never held twice in memory.
    // A PlainRequest keeps its serialized body: it is re-sent as is (unless it is a stream).
    const pristine =
      !plain && hasBody && maxRetries > 0 && (retrySafe || !LARGE_BODY_TYPE.test(request.headers.get('content-type') ?? '')) ? request.clone() : undefined;
    const resendable = !hasBody || (plain ? plain.replayable && (retrySafe || !LARGE_BODY_TYPE.test(plain.headers.get('content-type') ?? '')) : pristine !== undefined);
    // "METHOD url-without-query" for errors and logs only: built when one is made, not per call.
    for (let attempt = 0; ; attempt++) {
      const remaining = deadlineAt - now();
      if (remaining <= 0) throw new TimeoutError('deadline', deadlineMs);
      const attemptTimeout = Math.min(timeoutMs, remaining);
      const scope = attemptTimeout < timeoutMs ? 'deadline' : 'attempt';
      // The attempt's AbortSignal is made only when the fetch reads `init.signal` (the global
      // fetch does; createNodeFetch takes the attempt itself; a test double may not read it).
      const state = new Attempt();
      const onCallerAbort = callerSignal ? () => state.abort(callerSignal.reason) : undefined;
      if (onCallerAbort) callerSignal!.addEventListener('abort', onCallerAbort, { once: true });
      const timer = setTimeout(timeOut, attemptTimeout, state, scope, scope === 'deadline' ? deadlineMs : timeoutMs);
      started = true;
      if (!keeper && typeof timer === 'object') keeper = setTimeout(keep, timeoutMs).unref();
      const canRetry = attempt < maxRetries;
      let response: Response | undefined;
      let retryDelay: number | undefined;
      let failure: S2sdkError | undefined;
      try {
        response = await (plain ? sendPlain(plain, state) : baseFetch(attempt === 0 ? request : pristine ? pristine.clone() : request, lazyInit(state)));
        retryDelay = canRetry && retrySafe && resendable && retryStatus(response.status) ? statusRetryDelay(response, attempt, request, deadlineAt) : undefined;
        // The body is read while the attempt's timeout and the caller's signal still apply:
        // a server that sends headers and then stalls cannot hang the call.
        if (retryDelay === undefined) response = await readBody(response);
      } catch (err) {
        response = undefined;
        if (state.timedOut) failure = new TimeoutError(scope, scope === 'deadline' ? deadlineMs : timeoutMs, targetOf(request), { cause: err });
        else if (callerSignal?.aborted) throw new AbortedError(undefined, { cause: callerSignal.reason });
        else if (err instanceof S2sdkError) failure = err;
        else failure = new NetworkError(`${targetOf(request)} failed: ${describeNetworkError(err)}`, { cause: err });
      } finally {
        clearTimeout(timer);
        if (onCallerAbort) callerSignal!.removeEventListener('abort', onCallerAbort);
      }

      if (response) {
        if (retryDelay === undefined) return response;
        log.debug('retrying after status', { target: targetOf(request), status: response.status, attempt: attempt + 1, delayMs: retryDelay });
        await response.body?.cancel().catch(() => undefined);
        await sleep(retryDelay, callerSignal);
        continue;
      }
      // No (complete) response: a network failure or a timeout.
      const err = failure!;
      const notSent = requestNeverSent(err);
      const mayResend = canRetry && (retrySafe || (maxRetries > 0 && notSent)) && resendable;
      if (!mayResend) throw err;
      const delay = backoff(attempt);
      if (now() + delay >= deadlineAt) throw err;
      log.debug('retrying after failure', { target: targetOf(request), error: err.code, errno: (err as NetworkError).errno, attempt: attempt + 1, delayMs: delay });
      await sleep(delay, callerSignal);
    }
  };

  /** The wait before re-sending after a retryable status, or undefined when it must not be re-sent. */
  function statusRetryDelay(response: Response, attempt: number, request: Request, deadlineAt: number): number | undefined {
    const retryAfter = parseRetryAfter(response.headers, now());
    if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) {
      log.debug('not retrying: Retry-After beyond the bound', { target: targetOf(request), status: response.status, retryAfterMs: retryAfter });
      return undefined;
    }
    const delay = retryAfter ?? backoff(attempt);
    return now() + delay >= deadlineAt ? undefined : delay;
  }

  function backoff(attempt: number): number {
    return backoffDelay(attempt, policy, random);
  }
}

/**
 * One attempt, aborted by its timeout or the caller's signal. It is itself the minimal signal
 * createNodeFetch reads (`aborted`, `reason`, one 'abort' listener at a time); a real
 * AbortSignal (costly on Node) is made only when a fetch reads `signal`.
 */
class Attempt {
  timedOut = false;
  aborted = false;
  reason: unknown;
  private l: (() => void) | undefined;
  private ac: AbortController | undefined;

  get signal(): AbortSignal {
    if (!this.ac) {
      this.ac = new AbortController();
      if (this.aborted) this.ac.abort(this.reason);
    }
    return this.ac.signal;
  }

  addEventListener(_type: 'abort', fn: () => void): void {
    this.l = fn;
  }

  removeEventListener(_type: 'abort', fn: () => void): void {
    if (this.l === fn) this.l = undefined;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.ac?.abort(reason);
    this.l?.();
  }
}

const targetOf = (request: Request): string => `${request.method} ${stripQuery(request.url)}`;

/** `{ signal }` whose signal is made only if the fetch reads it (spreading the init reads it). */
const lazyInit = (attempt: Attempt): RequestInit => ({
  get signal() {
    return attempt.signal;
  },
});

function timeOut(attempt: Attempt, scope: 'attempt' | 'deadline', ms: number): void {
  attempt.timedOut = true;
  attempt.abort(new TimeoutError(scope, ms));
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      if (signal?.aborted) reject(new AbortedError(undefined, { cause: signal.reason }));
      else resolve();
    };
    const timer = setTimeout(end, ms);
    if (signal?.aborted) end();
    else signal?.addEventListener('abort', end, { once: true });
  });
}

function describeNetworkError(err: unknown): string {
  const parts: string[] = [];
  for (let c = err, i = 0; c && i < 4; c = (c as { cause?: unknown }).cause, i++) {
    if (c instanceof Error) parts.push((c as { code?: string }).code ? `${c.message} (${(c as { code?: string }).code})` : c.message);
    else if (typeof c === 'string') parts.push(c);
  }
  return parts.join(': ') || 'unknown network error';
}
