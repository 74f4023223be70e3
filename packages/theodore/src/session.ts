// Theodore session: caches the auth-token, re-issues it before it expires, never uses
// it past its hard expiry, and shares one in-flight login among concurrent callers.
import { ApiError, ConfigurationError, INSPECT, requestNeverSent, S2sdkError, safeLogger, Secret, SessionError, TokenCache, type Logger, type Middleware } from '@s2sdk/core';
import { createTheodoreClient, isTheodoreClient, type AuthToken, type TheodoreClient, type TheodoreClientOptions } from './client.js';

/** Default token lifetime of the API, in minutes. */
export const DEFAULT_TOKEN_DURATION_MINS = 20;
/** The server clamps longer durations to this. */
export const MAX_TOKEN_DURATION_MINS = 360;
/** A session's hard expiry is this many token durations after the token is issued. */
export const HARD_EXPIRY_FACTOR = 6;
/** The server keeps at most this many active sessions per user. */
export const MAX_ACTIVE_SESSIONS = 10;
/** Sessions this SDK keeps open at most (one below the server's limit, so a human or another tool can still log in). */
export const DEFAULT_SESSION_BUDGET = MAX_ACTIVE_SESSIONS - 1;
/** A 401 answer to a token younger than this does not trigger a new login. */
export const DEFAULT_MIN_RELOGIN_INTERVAL_MS = 30_000;
/** Header EAS and other Vayana services read the auth-token from. */
export const DEFAULT_TOKEN_HEADER = 'X-FLYNN-N-USER-TOKEN';
/** Header EAS reads the organisation id from. */
export const DEFAULT_ORG_HEADER = 'X-FLYNN-N-ORG-ID';
/** Epoch values below this are read as seconds, above as milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_SECONDS_THRESHOLD = 100_000_000_000;

export interface TheodoreCredentials {
  /** The user's login handle (email). */
  handle: string;
  /** The user's password. Kept in a {@link Secret}; never rendered. */
  password: string | Secret;
  /** Only `'email'` is documented (default). */
  handleType?: 'email';
}

export interface TheodoreSessionOptions {
  /** A client from {@link createTheodoreClient}, or the options to create one. */
  client: TheodoreClient | TheodoreClientOptions;
  credentials: TheodoreCredentials;
  /** Token lifetime requested from the server: an integer, clamped to 1..360. Default 20. */
  tokenDurationInMins?: number;
  /**
   * Issue a new token this long before the current one expires. Default 60 s, capped at a
   * tenth of the token duration so that at most ⌈6 / 0.9⌉ = 7 logins fall in one hard-expiry window.
   */
  refreshMarginMs?: number;
  /**
   * Most server sessions this session object keeps active at once (each login opens one,
   * which stays active until its hard expiry, 6 × duration). Default 9, one below the
   * server's limit of 10. When a new login would exceed it, the current token keeps being
   * used while it is valid; past its expiry `getToken()` fails with a `SessionError`
   * (reason `session-limit`) saying when a login is possible again.
   */
  maxSessions?: number;
  /** A 401 from a service that received a token younger than this does not start a new login (default 30 s). */
  minReloginIntervalMs?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  logger?: Logger;
}

export interface TheodoreSessionState {
  hasToken: boolean;
  /** When the current token was issued (local clock, epoch ms). */
  issuedAt: number | undefined;
  /** When the current token expires (epoch ms): the server's `expiry`, never later than issue + duration. */
  expiresAt: number | undefined;
  /** issue + 6 × duration (epoch ms): the token is never handed out at or after this. */
  hardExpiresAt: number | undefined;
  /** The duration sent to the server (after clamping). */
  tokenDurationInMins: number;
  /** A login is in flight. */
  refreshing: boolean;
  /** Logins this session has performed (each one opens a server session). */
  logins: number;
  /** Logins whose server session may still be active (issued within the last 6 × duration). */
  activeSessions: number;
}

export interface TokenMiddlewareOptions {
  /** Header that carries the token. Default `X-FLYNN-N-USER-TOKEN` (what EAS expects). */
  header?: string;
  /** When given, also sends this organisation id (in `orgHeader`). */
  organisationId?: string;
  /** Header for `organisationId`. Default `X-FLYNN-N-ORG-ID`. */
  orgHeader?: string;
}

export interface TheodoreSession {
  readonly client: TheodoreClient;
  /**
   * A valid auth-token: the cached one while it is fresh, otherwise a new login
   * (shared by all concurrent callers). Failures are typed (AuthenticationError for
   * wrong credentials, RateLimitError for the session limit, …) and not cached.
   */
  getToken(options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
  /** The non-secret part of the last login's answer (user, organisations), if any. */
  profile(): Omit<AuthToken, 'token'> | undefined;
  /**
   * openapi-fetch middleware for other Vayana clients (EAS, …): sets the token header
   * on every request; a 401 answer drops the token so the next call logs in again.
   */
  middleware(options?: TokenMiddlewareOptions): Middleware;
  /** Forgets the cached token (the next `getToken()` logs in again). The server session is not ended: Theodore documents no logout. */
  invalidate(): void;
  /** Non-secret state: expiry times, duration, whether a login is running. */
  state(): TheodoreSessionState;
}

/** Validates and clamps a token duration: integers only; < 1 → 1, > 360 → 360. */
export function clampTokenDuration(value: number | undefined): number {
  if (value === undefined) return DEFAULT_TOKEN_DURATION_MINS;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigurationError(`tokenDurationInMins must be an integer number of minutes (got ${typeof value === 'number' ? String(value) : typeof value})`);
  }
  return Math.min(MAX_TOKEN_DURATION_MINS, Math.max(1, value));
}

/**
 * Reads the API's `expiry` (documented only as "epoch"): epoch milliseconds, or epoch
 * seconds when the value is below {@link EPOCH_SECONDS_THRESHOLD}. 0, negative and
 * non-numeric values are unknown (undefined).
 */
export function normalizeEpoch(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  return value < EPOCH_SECONDS_THRESHOLD ? value * 1000 : value;
}

/**
 * When a token issued at `issuedAt` (local clock) with `durationMs` expires: the
 * server's expiry when it is usable, never later than issue + duration (so a server
 * clock ahead of ours, or a misread unit, cannot keep a dead token in use), and
 * issue + duration when the server's value is missing, 0 or already past.
 */
export function tokenExpiresAt(serverExpiry: unknown, issuedAt: number, durationMs: number): number {
  const local = issuedAt + durationMs;
  const server = normalizeEpoch(serverExpiry);
  if (server === undefined || server <= issuedAt) return local;
  return Math.min(server, local);
}

class TheodoreSessionImpl implements TheodoreSession {
  readonly client: TheodoreClient;
  readonly #handle: string;
  readonly #handleType: 'email';
  readonly #password: Secret;
  readonly #duration: number;
  readonly #now: () => number;
  readonly #log: ReturnType<typeof safeLogger>;
  readonly #cache: TokenCache<string>;
  #profile: Omit<AuthToken, 'token'> | undefined;
  #issuedAt: number | undefined;
  #logins = 0;
  /** When each login that may still be an active server session happened (epoch ms). */
  #loginTimes: number[] = [];
  readonly #maxSessions: number;
  readonly #minRelogin: number;

  constructor(options: TheodoreSessionOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createTheodoreSession: options are required');
    const { credentials } = options;
    if (!credentials || typeof credentials !== 'object') throw new ConfigurationError('createTheodoreSession: `credentials` ({ handle, password }) are required');
    if (typeof credentials.handle !== 'string' || credentials.handle.trim() === '') throw new ConfigurationError('credentials.handle must be a non-empty string');
    if (credentials.handleType !== undefined && credentials.handleType !== 'email') throw new ConfigurationError('credentials.handleType must be "email" (the only documented handle type)');
    if (options.refreshMarginMs !== undefined && !(Number.isFinite(options.refreshMarginMs) && options.refreshMarginMs >= 0)) {
      throw new ConfigurationError('refreshMarginMs must be a non-negative number of milliseconds');
    }
    this.#password = Secret.from(credentials.password, 'credentials.password');
    this.#handle = credentials.handle;
    this.#handleType = credentials.handleType ?? 'email';
    this.#duration = clampTokenDuration(options.tokenDurationInMins);
    this.#now = options.now ?? Date.now;
    this.#log = safeLogger(options.logger);
    this.client = isTheodoreClient(options.client) ? options.client : createTheodoreClient({ logger: options.logger, ...(options.client as TheodoreClientOptions) });
    Object.defineProperty(this, 'client', { enumerable: false });
    const maxSessions = options.maxSessions ?? DEFAULT_SESSION_BUDGET;
    if (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > MAX_ACTIVE_SESSIONS) {
      throw new ConfigurationError(`maxSessions must be an integer from 1 to ${MAX_ACTIVE_SESSIONS}`);
    }
    this.#maxSessions = maxSessions;
    this.#minRelogin = options.minReloginIntervalMs ?? DEFAULT_MIN_RELOGIN_INTERVAL_MS;
    this.#cache = new TokenCache<string>({
      fetch: ({ signal }) => this.#login(signal),
      refreshMarginMs: Math.min(options.refreshMarginMs ?? 60_000, (this.#duration * 60_000) / 10),
      now: this.#now,
      logger: options.logger,
    });
  }

  async #login(signal: AbortSignal) {
    const issuedAt = this.#now();
    const durationMs = this.#duration * 60_000;
    const window = HARD_EXPIRY_FACTOR * durationMs;
    this.#loginTimes = this.#loginTimes.filter((t) => t + window > issuedAt);
    if (this.#loginTimes.length >= this.#maxSessions) {
      const nextAt = this.#loginTimes[0]! + window;
      const current = this.#cache.peek();
      const message = `theodore: a new login would keep more than ${this.#maxSessions} server sessions active (limit ${MAX_ACTIVE_SESSIONS}); the next login is possible at ${new Date(nextAt).toISOString()}`;
      // Still-valid token: a plain error lets the cache keep serving it; otherwise the session is stuck until nextAt.
      if (current && issuedAt < current.expiresAt) throw new S2sdkError(message);
      throw new SessionError('session-limit', message);
    }
    this.#loginTimes.push(issuedAt);
    this.#logins++;
    this.#log.debug('theodore: requesting an auth token', { tokenDurationInMins: this.#duration });
    let data: AuthToken;
    try {
      ({ data } = await this.client.createAuthToken(
        { handle: this.#handle, password: this.#password, handleType: this.#handleType, tokenDurationInMins: this.#duration },
        { signal },
      ));
    } catch (err) {
      // A refused login (4xx) or a request that never left opened no server session: it does not
      // count against the budget. Timeouts, resets and 5xx may have opened one: they still count.
      if ((err instanceof ApiError && err.status < 500) || requestNeverSent(err)) {
        const i = this.#loginTimes.lastIndexOf(issuedAt);
        if (i !== -1) this.#loginTimes.splice(i, 1);
      }
      throw err;
    }
    const expiresAt = tokenExpiresAt(data.expiry, issuedAt, durationMs);
    // Every re-issue is a new credential login, hence a new server session: its hard
    // expiry counts from this issue (see README, "Sessions and expiry").
    const hardExpiresAt = issuedAt + HARD_EXPIRY_FACTOR * durationMs;
    const { token, ...profile } = data;
    this.#profile = profile;
    this.#issuedAt = issuedAt;
    this.#log.info('theodore: auth token issued', { expiresAt, hardExpiresAt, tokenDurationInMins: this.#duration });
    return { value: token, expiresAt, hardExpiresAt };
  }

  getToken(options: { signal?: AbortSignal; forceRefresh?: boolean } = {}): Promise<string> {
    // The cache refreshes at min(expiry - margin, hard expiry) and never falls back to a
    // token past either, so a token is never handed out at or after its hard expiry.
    return this.#cache.get(options);
  }

  profile() {
    return this.#profile;
  }

  middleware(options: TokenMiddlewareOptions = {}): Middleware {
    const header = options.header ?? DEFAULT_TOKEN_HEADER;
    const orgHeader = options.orgHeader ?? DEFAULT_ORG_HEADER;
    if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new ConfigurationError('middleware: `header` must be a valid header name');
    const sent = new WeakMap<Request, string>();
    return {
      onRequest: async ({ request }) => {
        const token = await this.getToken({ signal: request.signal });
        request.headers.set(header, token);
        if (options.organisationId !== undefined) request.headers.set(orgHeader, options.organisationId);
        sent.set(request, token);
        return request;
      },
      onResponse: ({ request, response }) => {
        const token = sent.get(request);
        // The token was refused: forget it (only if it is still the current one) so the next call
        // logs in again — unless it is younger than minReloginIntervalMs: repeated 401s must not
        // turn every request into a login (each opens a server session).
        if (response.status === 401 && token !== undefined) {
          const age = this.#issuedAt === undefined ? Infinity : this.#now() - this.#issuedAt;
          if (age >= this.#minRelogin) this.#cache.invalidate(token);
          else this.#log.warn('theodore: a service answered 401 to a fresh token; not logging in again yet', { tokenAgeMs: age });
        }
        return undefined;
      },
    };
  }

  invalidate(): void {
    this.#cache.clear();
    this.#issuedAt = undefined;
  }

  state(): TheodoreSessionState {
    const s = this.#cache.state();
    return {
      hasToken: s.hasToken,
      issuedAt: s.hasToken ? this.#issuedAt : undefined,
      expiresAt: s.expiresAt,
      hardExpiresAt: s.hardExpiresAt,
      tokenDurationInMins: this.#duration,
      refreshing: s.refreshing,
      logins: this.#logins,
      activeSessions: this.#loginTimes.filter((t) => t + HARD_EXPIRY_FACTOR * this.#duration * 60_000 > this.#now()).length,
    };
  }

  toJSON() {
    return { baseUrl: this.client.baseUrl, ...this.state() };
  }

  [INSPECT]() {
    return `TheodoreSession ${JSON.stringify(this.toJSON())}`;
  }
}

/**
 * Creates a session: a cached, self-renewing Theodore auth-token for one user.
 * Share one session per user per process: it never runs two logins at once, so it
 * cannot exhaust the server's 10-session limit by itself.
 */
export function createTheodoreSession(options: TheodoreSessionOptions): TheodoreSession {
  return new TheodoreSessionImpl(options);
}
