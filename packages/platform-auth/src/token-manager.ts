// Token manager: login → OTP → access token; refresh before expiry (single-flight);
// a rejected refresh clears the tokens and asks for a new login; revoke = logout.
import {
  AbortedError,
  ApiError,
  AuthenticationError,
  ConfigurationError,
  INSPECT,
  registerSecretValue,
  safeLogger,
  Secret,
  SessionError,
  TokenCache,
  type CachedToken,
  type Logger,
  type Middleware,
} from '@s2sdk/core';
import type { AccessToken, OAuthError, PlatformAuthClient } from './client.js';

/**
 * What a {@link TokenStore} keeps: the access token object of the API plus the
 * expiry the manager computed (`expiresAt`, epoch ms; absent for imported tokens).
 */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
  token_type?: 'Bearer';
  /** Lifetime in seconds from `created_at`. Absent: the token is treated as not expiring (until a 401). */
  expires_in?: number;
  /** Creation time, epoch seconds (server clock). */
  created_at?: number;
  /** Alias of `created_at` named in the documentation's field table. */
  created?: number;
  scope?: string;
  /** Expiry computed by the manager (epoch ms, local clock). */
  expiresAt?: number;
}

/** Where the manager keeps tokens (e.g. to share them between processes). Methods may be async. */
export interface TokenStore {
  get(): StoredTokens | undefined | Promise<StoredTokens | undefined>;
  set(tokens: StoredTokens): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** An in-memory {@link TokenStore} whose contents never show in inspect/JSON. */
export function createMemoryTokenStore(initial?: StoredTokens): TokenStore {
  return new MemoryTokenStore(initial);
}

class MemoryTokenStore implements TokenStore {
  #tokens: StoredTokens | undefined;
  constructor(initial?: StoredTokens) {
    this.#tokens = initial ? { ...initial } : undefined;
  }
  get() {
    return this.#tokens ? { ...this.#tokens } : undefined;
  }
  set(tokens: StoredTokens) {
    this.#tokens = { ...tokens };
  }
  clear() {
    this.#tokens = undefined;
  }
  toJSON() {
    return { hasTokens: this.#tokens !== undefined };
  }
  [INSPECT]() {
    return `MemoryTokenStore ${JSON.stringify(this.toJSON())}`;
  }
}

export interface OtpRequest {
  /** The email the login was made with. */
  email: string;
  /** Asks the server to send the OTP again (resolves when it was sent). */
  resend: () => Promise<void>;
  signal?: AbortSignal;
}

export interface TokenManagerOptions {
  client: PlatformAuthClient;
  /** Default: an in-memory store. */
  store?: TokenStore;
  /** Obtains the OTP the user received after `login()` (prompt, inbox poller, …). */
  getOtp?: (request: OtpRequest) => Promise<string>;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60 s. */
  refreshMarginMs?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  logger?: Logger;
}

export interface TokenManagerState {
  hasToken: boolean;
  hasRefreshToken: boolean;
  /** When the access token expires (epoch ms), if known. */
  expiresAt: number | undefined;
  refreshing: boolean;
}

export interface TokenManager {
  /** Login → OTP (from `getOtp`) → access token; stores the tokens. */
  login(input: { email: string; password: string | Secret }, options?: { signal?: AbortSignal; getOtp?: TokenManagerOptions['getOtp'] }): Promise<void>;
  /** Starts from tokens obtained elsewhere (S2S: the store admin's initial access token). No network call. */
  fromTokens(tokens: StoredTokens): Promise<void>;
  /**
   * A valid access token: the current one while fresh, otherwise one shared refresh.
   * @throws SessionError (reason `refresh-failed`) when the refresh token is rejected (401 / invalid_grant): tokens are cleared, log in again.
   * @throws SessionError (reason `no-session`) before `login()` / `fromTokens()`.
   */
  getAccessToken(options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
  /**
   * Logs out: clears local tokens first, then revokes the access token on the server.
   * Local state is cleared even when the call fails (the error is rethrown); a second call is a no-op.
   */
  revoke(options?: { signal?: AbortSignal }): Promise<void>;
  /** openapi-fetch middleware adding `Authorization: Bearer <access token>`; a 401 answer forces a refresh on the next call. */
  middleware(): Middleware;
  state(): TokenManagerState;
}

const REJECTED_REFRESH: readonly string[] = ['invalid_grant', 'invalid_token', 'unauthorized_client'];

/** True when the server refused the refresh token itself (not a transient failure). */
function isRejectedRefresh(err: unknown): boolean {
  if (err instanceof AuthenticationError) return true;
  if (err instanceof ApiError && err.status === 400) {
    const code = (err.body as Partial<OAuthError> | undefined)?.error;
    return typeof code === 'string' && REJECTED_REFRESH.includes(code);
  }
  return false;
}

class TokenManagerImpl implements TokenManager {
  readonly #client: PlatformAuthClient;
  readonly #store: TokenStore;
  readonly #getOtp: TokenManagerOptions['getOtp'];
  readonly #margin: number;
  readonly #now: () => number;
  readonly #log: ReturnType<typeof safeLogger>;
  readonly #cache: TokenCache<StoredTokens>;
  /** An access token a server refused (401): never adopted again from the store. */
  #rejected: string | undefined;

  constructor(options: TokenManagerOptions) {
    if (!options || typeof options !== 'object' || !options.client) throw new ConfigurationError('createTokenManager: `client` is required');
    if (options.refreshMarginMs !== undefined && !(Number.isFinite(options.refreshMarginMs) && options.refreshMarginMs >= 0)) {
      throw new ConfigurationError('refreshMarginMs must be a non-negative number of milliseconds');
    }
    if (options.getOtp !== undefined && typeof options.getOtp !== 'function') throw new ConfigurationError('getOtp must be a function');
    this.#client = options.client;
    this.#store = options.store ?? createMemoryTokenStore();
    this.#getOtp = options.getOtp;
    this.#margin = options.refreshMarginMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#log = safeLogger(options.logger);
    this.#cache = new TokenCache<StoredTokens>({
      fetch: ({ signal }) => this.#obtain(signal),
      refreshMarginMs: this.#margin,
      now: this.#now,
      logger: options.logger,
    });
  }

  /** Expiry of stored tokens: the computed one, else created_at + expires_in, else (unknown creation) now + expires_in. */
  #expiresAt(t: StoredTokens): number {
    if (typeof t.expiresAt === 'number' && Number.isFinite(t.expiresAt)) return t.expiresAt;
    if (typeof t.expires_in !== 'number' || !Number.isFinite(t.expires_in)) return Number.POSITIVE_INFINITY;
    const created = t.created_at ?? t.created;
    if (typeof created === 'number' && Number.isFinite(created) && created > 0) {
      const createdMs = created < 100_000_000_000 ? created * 1000 : created;
      return createdMs + t.expires_in * 1000;
    }
    return this.#now() + t.expires_in * 1000;
  }

  #fresh(t: StoredTokens): boolean {
    const expiresAt = this.#expiresAt(t);
    const lifetime = typeof t.expires_in === 'number' ? t.expires_in * 1000 : Number.POSITIVE_INFINITY;
    return this.#now() < expiresAt - Math.min(this.#margin, lifetime / 2);
  }

  #cached(t: StoredTokens): CachedToken<StoredTokens> {
    return { value: t, expiresAt: this.#expiresAt(t) };
  }

  /** Tokens from a grant answer; expiry counted from when the request was sent (local clock: no skew). */
  #fromGrant(token: AccessToken, sentAt: number): StoredTokens {
    const stored: StoredTokens = { ...token };
    if (typeof token.expires_in === 'number') stored.expiresAt = sentAt + token.expires_in * 1000;
    return stored;
  }

  async #obtain(signal: AbortSignal): Promise<CachedToken<StoredTokens>> {
    const stored = await this.#store.get();
    if (!stored) {
      throw new SessionError('no-session', 'no platform tokens: call login() or fromTokens() first');
    }
    // Another process (sharing the store) may already have refreshed.
    if (stored.access_token !== this.#rejected && this.#fresh(stored)) return this.#cached(stored);
    if (!stored.refresh_token) {
      await this.#clearLocal();
      throw new SessionError('reauthentication-required', 'the access token expired and there is no refresh token: a new login is needed');
    }
    const sentAt = this.#now();
    this.#log.debug('platform-auth: refreshing the access token');
    let token: AccessToken;
    try {
      token = await this.#client.refresh(stored.refresh_token, { signal });
    } catch (err) {
      if (isRejectedRefresh(err)) {
        await this.#clearLocal();
        this.#log.warn('platform-auth: refresh token rejected; tokens cleared, a new login is needed', { status: (err as ApiError).status });
        throw new SessionError('refresh-failed', 'the refresh token was rejected: tokens were cleared and a new login is needed', { cause: err });
      }
      throw err;
    }
    const next = this.#fromGrant(token, sentAt);
    // RFC 6749 §6: the server may keep the refresh token and not send it again.
    if (!next.refresh_token) next.refresh_token = stored.refresh_token;
    // revoke() (or a new login) cleared the session while this refresh ran: the new tokens
    // must not bring it back. Revoke the new access token too (best effort) and stop.
    if (signal.aborted) {
      await this.#discard(next);
      throw new AbortedError('token refresh discarded: the session was cleared meanwhile');
    }
    await this.#store.set(next);
    if (signal.aborted) {
      // Cleared while the (async) store was writing: undo the write.
      await this.#store.clear();
      await this.#discard(next);
      throw new AbortedError('token refresh discarded: the session was cleared meanwhile');
    }
    this.#rejected = undefined;
    this.#log.info('platform-auth: access token refreshed', { expiresAt: next.expiresAt });
    return this.#cached(next);
  }

  /**
   * Revokes the access token of tokens that must not be used. The revoke endpoint is documented
   * for access tokens only ("revoking access token is equivalent to performing logout"); the
   * refresh token issued with it is not sent anywhere (a logout ends the grant it belongs to).
   */
  async #discard(tokens: StoredTokens): Promise<void> {
    await this.#client.revoke(tokens.access_token).catch((err: unknown) => {
      this.#log.warn('platform-auth: could not revoke the access token of a discarded refresh', { error: (err as Error)?.name });
    });
  }

  async #clearLocal(): Promise<void> {
    this.#cache.clear();
    await this.#store.clear();
  }

  async login(input: { email: string; password: string | Secret }, options: { signal?: AbortSignal; getOtp?: TokenManagerOptions['getOtp'] } = {}): Promise<void> {
    const getOtp = options.getOtp ?? this.#getOtp;
    if (!getOtp) throw new ConfigurationError('login() needs a `getOtp` callback (in createTokenManager options or login options) to obtain the OTP');
    if (!input || typeof input.email !== 'string' || input.email === '') throw new ConfigurationError('login(): `email` must be a non-empty string');
    const password = Secret.from(input.password, 'password');
    const { signal } = options;
    const login = await this.#client.login({ email: input.email, password }, { signal });
    const verificationToken = new Secret(login.data.token, 'verification token');
    this.#log.debug('platform-auth: login accepted, waiting for the OTP');
    const otpValue = await getOtp({
      email: input.email,
      signal,
      resend: async () => {
        await this.#client.resendOtp({ email: input.email, token: verificationToken }, { signal });
      },
    });
    if (typeof otpValue !== 'string' || otpValue.trim() === '') throw new ConfigurationError('getOtp must resolve to a non-empty OTP string');
    registerSecretValue(otpValue);
    const otp = new Secret(otpValue.trim(), 'otp');
    const sentAt = this.#now();
    const token = await this.#client.passwordGrant({ verificationToken, otp }, { signal });
    await this.#adopt(this.#fromGrant(token, sentAt));
    this.#log.info('platform-auth: logged in');
  }

  async fromTokens(tokens: StoredTokens): Promise<void> {
    if (!tokens || typeof tokens !== 'object' || typeof tokens.access_token !== 'string' || tokens.access_token === '') {
      throw new ConfigurationError('fromTokens(): `access_token` must be a non-empty string');
    }
    if (tokens.refresh_token !== undefined && (typeof tokens.refresh_token !== 'string' || tokens.refresh_token === '')) {
      throw new ConfigurationError('fromTokens(): `refresh_token` must be a non-empty string when given');
    }
    if (tokens.expires_in !== undefined && !(typeof tokens.expires_in === 'number' && Number.isFinite(tokens.expires_in) && tokens.expires_in >= 0)) {
      throw new ConfigurationError('fromTokens(): `expires_in` must be a non-negative number of seconds');
    }
    registerSecretValue(tokens.access_token);
    if (tokens.refresh_token) registerSecretValue(tokens.refresh_token);
    await this.#adopt({ ...tokens });
  }

  async #adopt(tokens: StoredTokens): Promise<void> {
    await this.#store.set(tokens);
    this.#rejected = undefined;
    this.#cache.set(this.#cached(tokens));
  }

  async getAccessToken(options: { signal?: AbortSignal; forceRefresh?: boolean } = {}): Promise<string> {
    return (await this.#tokens(options)).access_token;
  }

  #tokens(options: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<StoredTokens> {
    if (options.forceRefresh) {
      // The current access token must not come back from the store either.
      const cur = this.#cache.peek();
      if (cur) this.#rejected = cur.value.access_token;
    }
    return this.#cache.get(options);
  }

  async revoke(options: { signal?: AbortSignal } = {}): Promise<void> {
    const token = this.#cache.peek()?.value.access_token ?? (await (async () => this.#store.get())().catch(() => undefined))?.access_token;
    // Local state first: even if the server call fails, this process is logged out.
    this.#rejected = undefined;
    await this.#clearLocal();
    if (!token) return;
    await this.#client.revoke(token, options);
    this.#log.info('platform-auth: access token revoked');
  }

  middleware(): Middleware {
    const sent = new WeakMap<Request, StoredTokens>();
    return {
      onRequest: async ({ request }) => {
        const tokens = await this.#tokens({ signal: request.signal });
        request.headers.set('authorization', `Bearer ${tokens.access_token}`);
        sent.set(request, tokens);
        return request;
      },
      onResponse: ({ request, response }) => {
        const tokens = sent.get(request);
        if (response.status === 401 && tokens) {
          // Refused: never adopt this access token again; the next call refreshes.
          this.#rejected = tokens.access_token;
          this.#cache.invalidate(tokens);
        }
        return undefined;
      },
    };
  }

  state(): TokenManagerState {
    const s = this.#cache.state();
    const cur = this.#cache.peek();
    return {
      hasToken: s.hasToken,
      hasRefreshToken: Boolean(cur?.value.refresh_token),
      expiresAt: s.expiresAt !== undefined && Number.isFinite(s.expiresAt) ? s.expiresAt : undefined,
      refreshing: s.refreshing,
    };
  }

  toJSON() {
    return this.state();
  }

  [INSPECT]() {
    return `TokenManager ${JSON.stringify(this.state())}`;
  }
}

/** Creates a token manager for one user (or one S2S app) on a {@link PlatformAuthClient}. */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  return new TokenManagerImpl(options);
}
