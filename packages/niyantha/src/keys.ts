// Key management client: POST/GET /api/v1/session/keys, POST /api/v1/session/keys/{id}/expire.
// Authenticated with the account's session token (Bearer), never with an S2S key.
import {
  ConfigurationError,
  createApiClient,
  INSPECT,
  Secret,
  unwrap,
  type ApiClient,
  type RetryOptions,
  pickClientOptions,
  type ClientOptions,
} from '@s2sdk/core';
import type { paths } from './generated/schema.gen.js';
import { operationTable } from './operations.js';
import { checkBaseUrl, SCHEMES, type CallOptions } from './shared.js';
import type { ApiKey, ApiKeyCreateRequest, ApiKeyList, ApiKeySummary } from './types.js';

/** A session token, or a function returning the current one (called per request, e.g. a token manager's `getToken`). */
export type SessionTokenSource = string | Secret | (() => string | Secret | Promise<string | Secret>);

export interface KeyManagementClientOptions extends ClientOptions {
  /** Default `https://api.niyantha.in`. */
  baseUrl?: string;
  sessionToken: SessionTokenSource;
  /**
   * Retries apply to `list` (GET) and `expire` (`x-idempotent` in the spec). `create` is re-sent
   * only when you give it an `idempotencyKey`; by default a key creation is sent exactly once.
   */
  retry?: RetryOptions | false;
}

/**
 * Input of {@link KeyManagementClient.create}: a name and at most one of `ttl_seconds` /
 * `expires_at` (neither: 24 h). Giving both does not compile (the server answers 422).
 */
export type CreateKeyInput = Omit<ApiKeyCreateRequest, 'ttl_seconds' | 'expires_at'> &
  ({ ttl_seconds?: number; expires_at?: never } | { expires_at?: number; ttl_seconds?: never });

/** A newly created key. `secret` is a {@link Secret}: `secret.reveal()` gives the value once you need it. */
export interface CreatedApiKey extends Omit<ApiKey, 'secret'> {
  secret: Secret;
}

export interface CreateKeyOptions extends CallOptions {
  /**
   * Opt-in `Idempotency-Key` header (1–255 printable ASCII characters, e.g. a UUID you store
   * before calling). Default: no header, and the request is sent exactly once — a timeout or 5xx
   * is reported to you, never re-sent, because a re-sent create can make a second live key whose
   * secret you never see.
   *
   * With a key the transport MAY re-send the create on timeouts, 429 and 5xx (within `retry`).
   * That is only safe if the server de-duplicates creates by this header, which the Niyantha
   * guide does not document (an unconfirmed assumption of the spec): give a key only if you
   * know your deployment honours it.
   */
  idempotencyKey?: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

export interface KeyManagementClient {
  readonly baseUrl: string;
  readonly raw: ApiClient<paths>;
  /**
   * `POST /api/v1/session/keys`. Default expiry 24 h; give `ttl_seconds` OR `expires_at` (both → 422).
   * Sent once (never retried) unless `options.idempotencyKey` is given.
   */
  create(input: CreateKeyInput, options?: CreateKeyOptions): Promise<CreatedApiKey>;
  /** `GET /api/v1/session/keys`: every key of the account, without secrets. */
  list(options?: CallOptions): Promise<ApiKeyList>;
  /**
   * `POST /api/v1/session/keys/{id}/expire`: revokes the key for REST and WebSocket. Retried on
   * timeouts/5xx (the spec assumes a repeat returns the same summary; not a documented guarantee).
   */
  expire(id: number, options?: CallOptions): Promise<ApiKeySummary>;
}

class KeyManagementClientImpl implements KeyManagementClient {
  readonly baseUrl: string;
  readonly raw: ApiClient<paths>;

  constructor(options: KeyManagementClientOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createKeyManagementClient: options are required');
    this.baseUrl = checkBaseUrl(options.baseUrl);
    const source = options.sessionToken;
    let resolveToken: () => Promise<Secret>;
    if (typeof source === 'function') {
      resolveToken = async () => Secret.from(await source(), 'sessionToken');
    } else {
      const fixed = Secret.from(source as string | Secret, 'sessionToken');
      resolveToken = async () => fixed;
    }
    this.raw = createApiClient<paths>({
      baseUrl: this.baseUrl,
      ...pickClientOptions(options),
      operations: operationTable,
      auth: async ({ request, schemaPath, operation }) => {
        if (operation && !operation.security.some((alt) => alt.includes(SCHEMES.session))) {
          throw new ConfigurationError(`${request.method} ${schemaPath} is an S2S operation; use createNiyanthaClient for it`);
        }
        const token = await resolveToken();
        request.headers.set('authorization', `Bearer ${token.reveal()}`);
      },
    });
  }

  async create(input: CreateKeyInput, options: CreateKeyOptions = {}): Promise<CreatedApiKey> {
    if (!input || typeof input !== 'object') throw new ConfigurationError('create: `{ name, ttl_seconds? | expires_at? }` is required');
    if (input.ttl_seconds !== undefined && input.expires_at !== undefined) {
      throw new ConfigurationError('create: give either ttl_seconds or expires_at, not both');
    }
    const { idempotencyKey } = options;
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey))) {
      throw new ConfigurationError('create: `idempotencyKey` must be 1–255 printable ASCII characters without spaces');
    }
    const key = await unwrap(
      this.raw.POST('/api/v1/session/keys', {
        body: input as ApiKeyCreateRequest,
        ...(idempotencyKey === undefined ? {} : { params: { header: { 'Idempotency-Key': idempotencyKey } } }),
        signal: options.signal,
      }),
    );
    return { ...key, secret: new Secret(key.secret, 'api key secret') };
  }

  async list(options: CallOptions = {}): Promise<ApiKeyList> {
    return unwrap(this.raw.GET('/api/v1/session/keys', { signal: options.signal }));
  }

  async expire(id: number, options: CallOptions = {}): Promise<ApiKeySummary> {
    if (!Number.isInteger(id) || id < 1) throw new ConfigurationError('expire: `id` must be a positive integer');
    return unwrap(this.raw.POST('/api/v1/session/keys/{id}/expire', { params: { path: { id } }, signal: options.signal }));
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }

  [INSPECT]() {
    return `KeyManagementClient ${JSON.stringify(this.toJSON())}`;
  }
}

/** Creates the key management client (session Bearer token). */
export function createKeyManagementClient(options: KeyManagementClientOptions): KeyManagementClient {
  return new KeyManagementClientImpl(options);
}
