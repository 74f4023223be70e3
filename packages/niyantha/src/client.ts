// The Niyantha S2S REST client: one typed method per operation of specs/niyantha/openapi.yaml,
// credentials attached per operation from the spec's security requirements, atomic key switch.
import {
  apiError,
  basicAuthorization,
  ConfigurationError,
  createApiClient,
  INSPECT,
  Secret,
  type ApiClient,
  type ApiError,
  type Middleware,
  type RetryOptions,
  type SuccessData,
  pickClientOptions,
  type ClientOptions,
} from '@s2sdk/core';
import { ApiKeyRejectedError } from './errors.js';
import type { paths } from './generated/schema.gen.js';
import { buildForm, DEFAULT_MAX_UPLOAD_BYTES, type UploadFileInput } from './multipart.js';
import { operationRows, operationTable, rowById, type OperationRow, type S2SOperationMethods } from './operations.js';
import { checkBaseUrl, SCHEMES, type CallOptions } from './shared.js';
import type { NiyanthaFile } from './types.js';

export interface S2SCredentials {
  /** Public key (the `username` returned when the key was created). Safe to log. */
  key: string;
  /** The key's secret. Kept in a {@link Secret}; never logged or rendered. */
  secret: string | Secret;
}

/** How the S2S key is sent: `X-API-Key` + `X-API-Secret` headers (default) or HTTP Basic. */
export type S2SAuthMode = 'headers' | 'basic';

export interface NiyanthaClientOptions extends ClientOptions {
  /** Default `https://api.niyantha.in`. */
  baseUrl?: string;
  credentials: S2SCredentials;
  /** Default `'headers'`. Operations offering only the other scheme use that one. */
  auth?: S2SAuthMode;
  /**
   * Retries apply to retry-safe calls only: GET/PUT/DELETE, the operations the spec marks
   * `x-idempotent` (repeating them is assumed harmless), and requests you send with an
   * `Idempotency-Key` header (opt-in; server-side de-duplication is not documented by Niyantha).
   * Creates and state transitions (accept/decline/complete…) without that header are sent once.
   */
  retry?: RetryOptions | false;
  /** Largest upload buffered from a stream (default 50 MiB). */
  maxUploadBytes?: number;
}

/** The result of {@link NiyanthaClient.setCredentials}. */
export interface CredentialsSwitch {
  previousKey: string;
  currentKey: string;
  /**
   * Resolves `true` once every request that was sent with the previous key has finished
   * (retries included), or `false` when `timeoutMs` (default: no limit) passed first.
   */
  drained(options?: { timeoutMs?: number }): Promise<boolean>;
}

export interface FileUploadInput extends UploadFileInput {
  /** Stored file name (the form's `name` field; default: the part's filename). */
  name?: string;
}

export interface AppLogoUploadInput extends UploadFileInput {
  /** App whose logo this becomes (`app_id`). */
  appId?: number;
}

/** Openapi-fetch style result accepted by {@link NiyanthaClient.unwrap}. */
type AnyResult = { data?: unknown; error?: unknown; response: Response };

export interface NiyanthaClient extends S2SOperationMethods {
  readonly baseUrl: string;
  readonly auth: S2SAuthMode;
  /** Public key used for new requests. */
  readonly currentKey: string;
  /** The typed openapi-fetch client (`{ data, error, response }` results); credentials are attached the same way. */
  readonly raw: ApiClient<paths>;
  /**
   * Switches to another key atomically: requests started from now on use it; requests already
   * started keep the key they were sent with (their retries too). Used by key rotation.
   */
  setCredentials(credentials: S2SCredentials): CredentialsSwitch;
  /** Requests currently in flight with the given public key (default: the current key). */
  inFlight(publicKey?: string): number;
  /** `POST /files` (multipart): uploads a Blob/File/Buffer/Uint8Array/ArrayBuffer/stream. */
  uploadFile(input: FileUploadInput, options?: CallOptions): Promise<NiyanthaFile>;
  /** `POST /apps/logo` (multipart): uploads an app logo image, optionally attaching it to an app. */
  uploadAppLogo(input: AppLogoUploadInput, options?: CallOptions): Promise<NiyanthaFile>;
  /** Data of a `raw` result, or the typed error (ApiKeyRejectedError for a rejected key, NotFoundError, …). */
  unwrap<R extends AnyResult>(result: R | Promise<R>): Promise<SuccessData<R>>;
}

const HEADERS_ALT = [SCHEMES.apiKey, SCHEMES.apiSecret] as const;
const BASIC_ALT = [SCHEMES.basic] as const;
const DEFAULT_S2S: readonly (readonly string[])[] = [HEADERS_ALT, BASIC_ALT];

class KeyGeneration {
  inflight = 0;
  #waiters: (() => void)[] = [];
  #basic: string | undefined;
  constructor(
    readonly publicKey: string,
    readonly secret: Secret,
  ) {}
  get basic(): string {
    return (this.#basic ??= basicAuthorization(this.publicKey, this.secret));
  }
  release() {
    this.inflight--;
    if (this.inflight === 0) for (const w of this.#waiters.splice(0)) w();
  }
  drained(timeoutMs?: number): Promise<boolean> {
    if (this.inflight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
      }
    });
  }
}

function generation(credentials: S2SCredentials): KeyGeneration {
  if (!credentials || typeof credentials !== 'object') throw new ConfigurationError('`credentials` ({ key, secret }) are required');
  const { key } = credentials;
  if (typeof key !== 'string' || key === '') throw new ConfigurationError('credentials.key (the public key) must be a non-empty string');
  if (key.includes(':')) throw new ConfigurationError('credentials.key must not contain ":" (HTTP Basic user names cannot)');
  if (/[\r\n]/.test(key)) throw new ConfigurationError('credentials.key must not contain line breaks');
  return new KeyGeneration(key, Secret.from(credentials.secret, 'credentials.secret'));
}

function sameSet(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((s) => b.includes(s));
}

class NiyanthaClientImpl {
  readonly baseUrl: string;
  readonly auth: S2SAuthMode;
  readonly raw: ApiClient<paths>;
  #current: KeyGeneration;
  readonly #generations = new Map<string, Set<KeyGeneration>>();
  readonly #leases = new WeakMap<Request, KeyGeneration>();
  readonly #responseKeys = new WeakMap<Response, string>();
  readonly #maxUploadBytes: number;

  constructor(options: NiyanthaClientOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createNiyanthaClient: options are required');
    this.baseUrl = checkBaseUrl(options.baseUrl);
    this.auth = options.auth ?? 'headers';
    if (this.auth !== 'headers' && this.auth !== 'basic') throw new ConfigurationError('`auth` must be "headers" or "basic"');
    this.#current = generation(options.credentials);
    this.#track(this.#current);
    this.#maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    const credentialsMiddleware: Middleware = {
      onRequest: ({ request, schemaPath }) => {
        this.#attach(request, schemaPath);
        return undefined;
      },
      onResponse: ({ request, response }) => {
        const gen = this.#release(request);
        if (gen) this.#responseKeys.set(response, gen.publicKey);
        return undefined;
      },
      onError: ({ request }) => {
        this.#release(request);
        return undefined;
      },
    };
    this.raw = createApiClient<paths>({
      baseUrl: this.baseUrl,
      ...pickClientOptions(options),
      operations: operationTable,
      // Registered last: its onRequest sees the final request, its onResponse/onError run first.
      middleware: [...(options.middleware ?? []), credentialsMiddleware],
    });
    for (const row of operationRows()) {
      if (row.operationId === 'uploadFile' || row.operationId === 'uploadAppLogo') continue;
      if (row.security.some((alt) => alt.includes(SCHEMES.session))) continue; // key management: see createKeyManagementClient
      Object.defineProperty(this, row.operationId, { value: (init?: unknown) => this.#call(row, init), enumerable: false });
    }
  }

  get currentKey(): string {
    return this.#current.publicKey;
  }

  setCredentials(credentials: S2SCredentials): CredentialsSwitch {
    const next = generation(credentials);
    const previous = this.#current;
    this.#current = next;
    this.#track(next);
    return {
      previousKey: previous.publicKey,
      currentKey: next.publicKey,
      drained: (opts) => previous.drained(opts?.timeoutMs),
    };
  }

  inFlight(publicKey: string = this.#current.publicKey): number {
    let n = 0;
    for (const g of this.#generations.get(publicKey) ?? []) n += g.inflight;
    return n;
  }

  async uploadFile(input: FileUploadInput, options: CallOptions = {}) {
    const form = await buildForm(input, { name: input?.name }, this.#maxUploadBytes);
    return this.#call(rowById('uploadFile'), { body: form, bodySerializer: (b: unknown) => b, signal: options.signal }) as Promise<NiyanthaFile>;
  }

  async uploadAppLogo(input: AppLogoUploadInput, options: CallOptions = {}) {
    const form = await buildForm(input, { app_id: input?.appId }, this.#maxUploadBytes);
    return this.#call(rowById('uploadAppLogo'), { body: form, bodySerializer: (b: unknown) => b, signal: options.signal }) as Promise<NiyanthaFile>;
  }

  async unwrap(result: AnyResult | Promise<AnyResult>): Promise<unknown> {
    const r = await result;
    if (r.response.ok) return r.data;
    throw this.#error(r.response, r.error);
  }

  toJSON() {
    return { baseUrl: this.baseUrl, auth: this.auth, key: this.currentKey };
  }

  [INSPECT]() {
    return `NiyanthaClient ${JSON.stringify(this.toJSON())}`;
  }

  #track(gen: KeyGeneration) {
    let set = this.#generations.get(gen.publicKey);
    if (!set) this.#generations.set(gen.publicKey, (set = new Set()));
    set.add(gen);
    // Forget generations that are neither current nor in flight.
    for (const [key, gens] of this.#generations) {
      for (const g of gens) if (g !== this.#current && g.inflight === 0 && g !== gen) gens.delete(g);
      if (gens.size === 0) this.#generations.delete(key);
    }
  }

  #attach(request: Request, schemaPath: string) {
    const row = operationTable[`${request.method} ${schemaPath}` as keyof typeof operationTable] as { security: readonly (readonly string[])[] } | undefined;
    const security = row?.security ?? DEFAULT_S2S;
    if (security.length === 0) return;
    const order = this.auth === 'basic' ? [BASIC_ALT, HEADERS_ALT] : [HEADERS_ALT, BASIC_ALT];
    const alt = order.find((want) => security.some((have) => sameSet(have, want)));
    if (!alt) {
      throw new ConfigurationError(
        `${request.method} ${schemaPath} is not authenticated with an S2S key (it needs ${security.map((a) => a.join(' + ')).join(' or ')}); use createKeyManagementClient for key management`,
      );
    }
    const gen = this.#current;
    gen.inflight++;
    this.#track(gen);
    this.#leases.set(request, gen);
    if (alt === BASIC_ALT) {
      request.headers.set('authorization', gen.basic);
    } else {
      request.headers.set('x-api-key', gen.publicKey);
      request.headers.set('x-api-secret', gen.secret.reveal());
    }
  }

  #release(request: Request): KeyGeneration | undefined {
    const gen = this.#leases.get(request);
    if (!gen) return undefined;
    this.#leases.delete(request);
    gen.release();
    return gen;
  }

  async #call(row: OperationRow, init: unknown): Promise<unknown> {
    const method = this.raw[row.method as 'GET'] as unknown as (path: string, init?: unknown) => Promise<AnyResult>;
    const result = await method(row.path, init);
    if (result.response.ok) return result.data;
    throw this.#error(result.response, result.error);
  }

  #error(response: Response, body: unknown): ApiError {
    const base = apiError(response, body);
    const publicKey = this.#responseKeys.get(response);
    if (response.status === 401 && publicKey !== undefined) {
      return new ApiKeyRejectedError({ status: response.status, statusText: response.statusText, body: body as never, method: base.method, url: base.url, headers: response.headers }, publicKey);
    }
    return base;
  }
}

/**
 * Creates the S2S REST client. Every operation of the spec is a method named by its
 * operationId, e.g. `client.getStore({ params: { path: { id: 301 } } })`, resolving to the
 * response body or rejecting with a typed error (`ApiKeyRejectedError` for an expired,
 * revoked or unknown key; `PermissionDeniedError` for a store of another account; …).
 */
export function createNiyanthaClient(options: NiyanthaClientOptions): NiyanthaClient {
  return new NiyanthaClientImpl(options) as unknown as NiyanthaClient;
}
