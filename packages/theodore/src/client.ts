// Typed client for the Vayana Theodore auth-token API (specs/vayana-theodore/openapi.yaml).
import {
  ConfigurationError,
  createApiClient,
  INSPECT,
  MalformedResponseError,
  registerSecretValue,
  Secret,
  unwrap,
  type ApiClient,
  type RetryOptions,
  pickClientOptions,
  validateBaseUrl,
  type ClientOptions,
} from '@s2sdk/core';
import { operations } from './generated/operations.gen.js';
import type { components, paths } from './generated/schema.gen.js';

export type { components, paths };
export type AuthTokenRequest = components['schemas']['AuthTokenRequest'];
export type AuthTokenResponse = components['schemas']['AuthTokenResponse'];
export type AuthToken = components['schemas']['AuthToken'];
export type AssociatedOrg = components['schemas']['AssociatedOrg'];
export type Organisation = components['schemas']['Organisation'];
export type HealthStatus = components['schemas']['HealthStatus'];
/** Body of every Theodore error response (400, 401, 429, 5xx). */
export type TheodoreErrorBody = components['schemas']['ErrorResponse'];

/** The hosts of the spec's servers; paths carry the base paths (`/theodore/apis/v1/...`, `/theodore/apis/health`). */
export const THEODORE_SERVERS = {
  sandbox: 'https://sandbox.services.vayananet.com',
  production: 'https://services.vayana.com',
} as const;

export type TheodoreEnvironment = keyof typeof THEODORE_SERVERS | { baseUrl: string };

export interface TheodoreClientOptions extends ClientOptions {
  /** `'sandbox'`, `'production'` or `{ baseUrl }` (a host such as `http://127.0.0.1:4010`, without `/theodore/...`). */
  environment: TheodoreEnvironment;
  /**
   * Retry policy for retry-safe requests (the health GET). The token POST is not
   * idempotent (each call opens a server session) and is only re-sent when the
   * connection was refused before anything was sent. `false` disables retries.
   */
  retry?: RetryOptions | false;
}

/** The token request of {@link TheodoreClient.createAuthToken}: the password may be a {@link Secret}. */
export type CreateAuthTokenInput = Omit<AuthTokenRequest, 'password'> & { password: string | Secret };

export interface CallOptions {
  signal?: AbortSignal;
}

export interface TheodoreClient {
  /** The host every path is resolved against. */
  readonly baseUrl: string;
  /** The typed openapi-fetch client (`raw.POST('/theodore/apis/v1/authtokens', { body })`). */
  readonly raw: ApiClient<paths>;
  /**
   * `POST /theodore/apis/v1/authtokens`. Sends the body as given (no clamping; the
   * server clamps durations above 360). Prefer a {@link TheodoreSession}, which caches
   * the token and never opens more than one login at a time.
   * @throws BadRequestError (400), AuthenticationError (401), RateLimitError (429, also the 10-session limit), InternalServerError (5xx), MalformedResponseError, TimeoutError, NetworkError
   */
  createAuthToken(body: CreateAuthTokenInput, options?: CallOptions): Promise<AuthTokenResponse>;
  /**
   * `GET /theodore/apis/health`: the status body on 200.
   * @throws InternalServerError (503 `{ status: "DOWN" }` is its body), RateLimitError (429)
   */
  getHealth(options?: CallOptions): Promise<HealthStatus>;
}

/** Resolves an environment to a base URL (a host without trailing slash). */
export function resolveTheodoreBaseUrl(environment: TheodoreEnvironment): string {
  let url: string | undefined;
  if (typeof environment === 'string') {
    url = Object.hasOwn(THEODORE_SERVERS, environment) ? THEODORE_SERVERS[environment] : undefined;
    if (!url) throw new ConfigurationError(`unknown Theodore environment "${environment}" (expected "sandbox", "production" or { baseUrl })`);
  } else if (environment && typeof environment === 'object' && typeof environment.baseUrl === 'string') {
    url = environment.baseUrl;
  } else {
    throw new ConfigurationError('`environment` is required: "sandbox", "production" or { baseUrl }');
  }
  return validateBaseUrl(url, 'environment.baseUrl');
}

class TheodoreClientImpl implements TheodoreClient {
  readonly baseUrl: string;
  readonly raw: ApiClient<paths>;

  constructor(options: TheodoreClientOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createTheodoreClient: options are required');
    this.baseUrl = resolveTheodoreBaseUrl(options.environment);
    this.raw = createApiClient<paths>({
      baseUrl: this.baseUrl,
      ...pickClientOptions(options),
      operations,
    });
    // Nothing of the client is secret, but keep its renderings small and stable.
    Object.defineProperty(this, 'raw', { enumerable: false });
  }

  async createAuthToken(input: CreateAuthTokenInput, options: CallOptions = {}): Promise<AuthTokenResponse> {
    const { password, ...rest } = input;
    const body: AuthTokenRequest = { ...rest, password: password instanceof Secret ? password.reveal() : Secret.from(password, 'password').reveal() };
    const result = this.raw.POST('/theodore/apis/v1/authtokens', { body, signal: options.signal });
    const data = await unwrap(result);
    return assertAuthTokenResponse(data, (await result).response);
  }

  async getHealth(options: CallOptions = {}): Promise<HealthStatus> {
    const result = this.raw.GET('/theodore/apis/health', { signal: options.signal });
    const data = await unwrap(result);
    const response = (await result).response;
    if (!data || typeof data !== 'object' || typeof (data as { status?: unknown }).status !== 'string') {
      throw new MalformedResponseError(response.status, response.headers.get('content-type') ?? undefined, 'expected a health status object');
    }
    return data;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }

  [INSPECT]() {
    return `TheodoreClient { baseUrl: '${this.baseUrl}' }`;
  }
}

/** A 2xx body that lacks `data.token` cannot be used: typed error, body never included. */
function assertAuthTokenResponse(data: unknown, response: Response): AuthTokenResponse {
  const d = (data as { data?: { token?: unknown } } | undefined)?.data;
  if (!d || typeof d !== 'object' || typeof d.token !== 'string' || d.token.length === 0) {
    throw new MalformedResponseError(response.status, response.headers.get('content-type') ?? undefined, 'expected { data: { token, expiry, ... } }');
  }
  // From now on the token is scrubbed from every message and log line the SDK emits.
  registerSecretValue(d.token);
  return data as AuthTokenResponse;
}

/** Creates the typed Theodore client. */
export function createTheodoreClient(options: TheodoreClientOptions): TheodoreClient {
  return new TheodoreClientImpl(options);
}

export function isTheodoreClient(value: unknown): value is TheodoreClient {
  return value instanceof TheodoreClientImpl;
}
