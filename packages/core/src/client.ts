// The typed REST client: openapi-fetch on the resilient transport, with stricter
// init types (unknown fields are compile errors) and typed failures.
import createClient, { type FetchResponse, type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { ApiError, ConfigurationError, MalformedResponseError } from './errors.js';
import type { Logger } from './logger.js';
import { PlainRequest } from './plain-request.js';
import { createTransport, type FetchLike, type RetryOptions, type TransportOptions } from './transport.js';

export type { Middleware };

/** One row of a generated `operations` table (see `src/generated/operations.gen.ts` in each client package). */
export interface OperationInfo {
  readonly operationId: string;
  /** OR-list of AND-lists of security scheme names. */
  readonly security: readonly (readonly string[])[];
  readonly idempotent: boolean;
}
export type OperationTable = Readonly<Record<string, OperationInfo>>;

export interface AuthContext {
  request: Request;
  schemaPath: string;
  /** The operation's row in the table, when the client was given one. */
  operation: OperationInfo | undefined;
}

/** The options every s2sdk REST client accepts (besides its base URL and credentials). */
export interface ClientOptions {
  /** The underlying fetch (default `globalThis.fetch`; `createNodeFetch()` from `@s2sdk/core/node` for keep-alive). */
  fetch?: TransportOptions['fetch'];
  /** Per-attempt timeout (default 30 s). */
  timeoutMs?: number;
  /** Overall deadline of one call, retries and backoff included (default 2 min). */
  deadlineMs?: number;
  /** Retry policy for retry-safe requests (idempotent methods, `x-idempotent` operations, `Idempotency-Key`); `false` disables retries. */
  retry?: RetryOptions | false;
  /** Receives redacted, scrubbed log lines. */
  logger?: Logger;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** openapi-fetch middleware run on every request. */
  middleware?: Middleware[];
}

/** The {@link ClientOptions} of a larger options object (so credentials never travel further than needed). */
export function pickClientOptions(options: ClientOptions): ClientOptions {
  const { fetch, timeoutMs, deadlineMs, retry, logger, headers, middleware } = options;
  return { fetch, timeoutMs, deadlineMs, retry, logger, headers, middleware };
}

/**
 * Checks a base URL and returns it without trailing slashes: http(s) only, no
 * credentials (they belong in `credentials`), no query or fragment.
 */
export function validateBaseUrl(baseUrl: unknown, what = '`baseUrl`'): string {
  if (typeof baseUrl !== 'string' || baseUrl === '') throw new ConfigurationError(`${what} must be a non-empty URL string`);
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`${what} is not a valid URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigurationError(`${what} must be an http(s) URL`);
  if (parsed.username || parsed.password) throw new ConfigurationError(`${what} must not contain credentials; pass them in \`credentials\``);
  if (parsed.search || parsed.hash) throw new ConfigurationError(`${what} must not contain a query or fragment`);
  return baseUrl.replace(/\/+$/, '');
}

export interface ApiClientOptions extends ClientOptions, Omit<TransportOptions, keyof ClientOptions> {
  baseUrl: string;
  /** Generated operations table: drives per-operation auth and retry safety (`x-idempotent`). */
  operations?: OperationTable;
  /** Adds credentials to a request, e.g. from the operation's security requirements. Runs before user middleware. */
  auth?: (ctx: AuthContext) => void | Promise<void>;
}

type StrictInit<I> = RequiredKeysOf<I> extends never ? [init?: I] : [init: I];

type StrictMethod<Paths extends Record<string, any>, M extends HttpMethod, Media extends MediaType> = <Path extends PathsWithMethod<Paths, M>>(
  url: Path,
  ...init: StrictInit<MaybeOptionalInit<Paths[Path], M>>
) => Promise<FetchResponse<Paths[Path][M], {}, Media>>;

/**
 * openapi-fetch's client with init types that reject unknown keys and body fields
 * (openapi-fetch's own generic init accepts them). Results are openapi-fetch's
 * `{ data, error, response }`; pass them to `unwrap()` to get the data or a typed error.
 */
export interface ApiClient<Paths extends {}, Media extends MediaType = `${string}/${string}`> {
  GET: StrictMethod<Paths, 'get', Media>;
  PUT: StrictMethod<Paths, 'put', Media>;
  POST: StrictMethod<Paths, 'post', Media>;
  DELETE: StrictMethod<Paths, 'delete', Media>;
  PATCH: StrictMethod<Paths, 'patch', Media>;
  HEAD: StrictMethod<Paths, 'head', Media>;
  OPTIONS: StrictMethod<Paths, 'options', Media>;
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
}

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
const JSON_TYPE = /[/+]json(\s*;|$)/i;

export function createApiClient<Paths extends {}>(options: ApiClientOptions): ApiClient<Paths> {
  const transport: FetchLike = createTransport(options);
  // The request stays plain (serialized body and headers as values, see plain-request.ts): the
  // transport hands it to the global fetch as `fetch(url, init)`, to createNodeFetch() as is,
  // and to any other fetch as one standard Request per attempt (no clone to re-send it).
  const { operations, auth } = options;
  // The per-operation hints and the auth hook run before any middleware. Without middleware they
  // run in the fetch openapi-fetch calls (its short path, no middleware machinery): openapi-fetch
  // builds the request and calls that fetch synchronously, so the call's schema path is handed
  // over in `pending`. Once there is middleware they run as the first middleware.
  const prepare =
    (operations || auth) &&
    ((request: Request, schemaPath: string): void | Promise<void> => {
      const operation = operations?.[`${request.method} ${schemaPath}`];
      // A field of the request (see plain-request.ts), also on a standard Request (a per-call `Request`).
      (request as unknown as PlainRequest).idempotent = operation?.idempotent;
      return auth?.({ request, schemaPath, operation });
    });
  let pending: string | undefined;
  // Error responses are recorded with their request (for messages); a 2xx that is not JSON
  // (an HTML error page from a proxy) is a typed error, not a SyntaxError. Done in the fetch
  // openapi-fetch calls rather than in a middleware: no middleware, openapi-fetch's short path.
  const send = async (request: Request, json: boolean): Promise<Response> => {
    const schemaPath = pending;
    pending = undefined;
    // `prepare` is not async: a synchronous auth hook adds no promise of its own.
    if (schemaPath !== undefined) await prepare!(request, schemaPath);
    const response = await transport(request);
    if (!response.ok) responseRequests.set(response, { method: request.method, url: request.url });
    else if (json && response.status !== 204) {
      const ct = response.headers.get('content-type');
      if (ct && !JSON_TYPE.test(ct) && response.headers.get('content-length') !== '0') throw new MalformedResponseError(response.status, ct, 'expected a JSON body');
    }
    return response;
  };
  const sendJson = (request: Request) => send(request, true);
  const sendOther = (request: Request) => send(request, false);
  const raw = createClient<Paths>({
    baseUrl: options.baseUrl,
    fetch: sendJson,
    headers: options.headers,
    Request: PlainRequest as unknown as typeof Request,
  });
  // `pending` is set only while the hints and the hook run in `send` (never without them).
  let hooked = !prepare;
  const hook = () => {
    if (!hooked) raw.use({ onRequest: ({ request, schemaPath }) => prepare!(request, schemaPath) as Promise<undefined> | undefined });
    hooked = true;
  };
  const use = (...middleware: Middleware[]) => {
    hook();
    raw.use(...middleware);
  };
  if (options.middleware?.length) use(...options.middleware);

  const client = { use, eject: raw.eject.bind(raw) } as Record<string, unknown>;
  for (const m of METHODS) {
    const call = raw[m] as (url: string, init?: unknown) => Promise<unknown>;
    client[m] = (url: string, init?: { parseAs?: string; middleware?: Middleware[] }) => {
      if (init?.middleware?.length) hook();
      pending = hooked ? undefined : url;
      // Only JSON bodies are checked for a JSON content type (the default `parseAs`).
      const result = call(url, init?.parseAs !== undefined && init.parseAs !== 'json' ? { ...init, fetch: sendOther } : init);
      pending = undefined;
      return result.catch(toTypedError);
    };
  }
  return client as unknown as ApiClient<Paths>;
}

function toTypedError(err: unknown): never {
  // Typed errors (S2sdkError) pass through. openapi-fetch parses 2xx bodies with JSON.parse: truncated or invalid JSON lands here.
  // The SyntaxError's message quotes the body, which may hold secrets: it is not kept, not even as `cause`.
  if (err instanceof SyntaxError) throw new MalformedResponseError(undefined, undefined, 'the body is not valid JSON (truncated or not JSON)');
  throw err;
}

type AnyResult = { data?: unknown; error?: unknown; response: Response };
/** The data of the success branch of an openapi-fetch result. */
export type SuccessData<R> = R extends { error?: never; data: infer D } ? D : never;
/** The error body type of the error branch of an openapi-fetch result. */
export type ErrorBody<R> = R extends { data?: never; error: infer E } ? E : never;

/**
 * Returns the data of a successful call, or throws the ApiError subclass for the
 * status (AuthenticationError for 401, NotFoundError for 404, …) with the body
 * typed as the spec's error responses.
 */
export async function unwrap<R extends AnyResult>(result: Promise<R> | R): Promise<SuccessData<R>> {
  const r = await result;
  if (r.response.ok) return r.data as SuccessData<R>;
  throw apiError<ErrorBody<R>>(r.response, r.error as ErrorBody<R>);
}

/** The typed ApiError for a non-2xx response whose body was already parsed. */
export function apiError<B>(response: Response, body: B): ApiError<B> {
  const req = responseRequests.get(response);
  return ApiError.from<B>({
    status: response.status,
    statusText: response.statusText,
    body,
    method: req?.method ?? 'HTTP',
    url: req?.url ?? response.url,
    headers: response.headers,
  });
}

// Responses do not carry their request: the client records method and URL of error responses for messages.
const responseRequests = new WeakMap<Response, { method: string; url: string }>();
