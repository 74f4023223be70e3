// Single-flight token cache: one in-flight refresh shared by all concurrent
// callers, refresh a margin before expiry, never past a hard expiry, failures not cached.
import { AbortedError, SessionError } from './errors.js';
import { INSPECT } from './inspect.js';
import { safeLogger, type Logger } from './logger.js';

export interface CachedToken<T> {
  value: T;
  /** When the token stops working (epoch ms). */
  expiresAt: number;
  /** A ceiling the token may never be used past, even if `expiresAt` is later (epoch ms). */
  hardExpiresAt?: number;
}

export interface TokenFetchContext<T> {
  /** The token being replaced, if any (for refresh grants). */
  current: CachedToken<T> | undefined;
  /** Aborted when the cache is cleared while the fetch runs. */
  signal: AbortSignal;
}

export interface TokenCacheOptions<T> {
  /** Obtains a new token. Called at most once at a time. */
  fetch: (ctx: TokenFetchContext<T>) => Promise<CachedToken<T>>;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60 s. */
  refreshMarginMs?: number;
  now?: () => number;
  logger?: Logger;
}

export interface TokenState {
  hasToken: boolean;
  expiresAt: number | undefined;
  hardExpiresAt: number | undefined;
  refreshing: boolean;
}

export class TokenCache<T> {
  #current: CachedToken<T> | undefined;
  #obtainedAt = 0;
  #inflight: Promise<CachedToken<T>> | undefined;
  #inflightController: AbortController | undefined;
  #generation = 0;
  readonly #fetch: TokenCacheOptions<T>['fetch'];
  readonly #margin: number;
  readonly #now: () => number;
  readonly #log: ReturnType<typeof safeLogger>;

  constructor(options: TokenCacheOptions<T>) {
    this.#fetch = options.fetch;
    this.#margin = options.refreshMarginMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#log = safeLogger(options.logger);
  }

  /** A usable token: the cached one while fresh, otherwise the result of the (shared) refresh. */
  async get(options: { signal?: AbortSignal; forceRefresh?: boolean } = {}): Promise<T> {
    const now = this.#now();
    const cur = this.#current;
    if (!options.forceRefresh && cur && now < this.#refreshAt(cur)) return cur.value;
    try {
      return (await this.#refresh(options.signal)).value;
    } catch (err) {
      // A refresh that fails while the current token still works: keep using it (the next call retries).
      if (!options.forceRefresh && !(err instanceof SessionError) && !(err instanceof AbortedError) && cur && this.#current === cur && this.#usable(cur, this.#now())) {
        this.#log.warn('token refresh failed; using the current token until it expires', { error: (err as Error)?.name });
        return cur.value;
      }
      throw err;
    }
  }

  /** The cached token, if any, without refreshing (may be stale). */
  peek(): CachedToken<T> | undefined {
    return this.#current;
  }

  /** Stores a token obtained elsewhere (e.g. an admin-issued one). */
  set(token: CachedToken<T>): void {
    this.#generation++;
    this.#abortInflight();
    this.#current = token;
    this.#obtainedAt = this.#now();
  }

  /** Forgets the token; an in-flight refresh is aborted and its result discarded. */
  clear(): void {
    this.#generation++;
    this.#abortInflight();
    this.#current = undefined;
  }

  /** Forgets the token only if it is still `value` (so a 401 on an old token does not drop a newer one). */
  invalidate(value: T): void {
    if (this.#current && this.#current.value === value) this.clear();
  }

  state(): TokenState {
    return {
      hasToken: this.#current !== undefined,
      expiresAt: this.#current?.expiresAt,
      hardExpiresAt: this.#current?.hardExpiresAt,
      refreshing: this.#inflight !== undefined,
    };
  }

  #usable(t: CachedToken<T>, now: number): boolean {
    return now < t.expiresAt && (t.hardExpiresAt === undefined || now < t.hardExpiresAt);
  }

  #refreshAt(t: CachedToken<T>): number {
    const lifetime = Math.max(0, t.expiresAt - this.#obtainedAt);
    const margin = Math.min(this.#margin, lifetime / 2);
    const soft = t.expiresAt - margin;
    return t.hardExpiresAt === undefined ? soft : Math.min(soft, t.hardExpiresAt);
  }

  #abortInflight() {
    this.#inflightController?.abort();
    this.#inflightController = undefined;
    this.#inflight = undefined;
  }

  #refresh(signal: AbortSignal | undefined): Promise<CachedToken<T>> {
    if (!this.#inflight) {
      const generation = this.#generation;
      const controller = new AbortController();
      const current = this.#current;
      this.#inflightController = controller;
      const p = (async () => {
        const token = await this.#fetch({ current, signal: controller.signal });
        if (generation !== this.#generation) throw new AbortedError('token refresh discarded: the session was cleared meanwhile');
        this.#current = token;
        this.#obtainedAt = this.#now();
        return token;
      })();
      this.#inflight = p;
      const done = () => {
        if (this.#inflight === p) {
          this.#inflight = undefined;
          this.#inflightController = undefined;
        }
      };
      p.then(done, done);
    }
    const shared = this.#inflight;
    if (!signal) return shared;
    // The caller's signal ends only its own wait, never the shared refresh.
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new AbortedError(undefined, { cause: signal.reason }));
      const onAbort = () => reject(new AbortedError(undefined, { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      shared.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  toJSON(): TokenState {
    return this.state();
  }

  [INSPECT](): string {
    return `TokenCache ${JSON.stringify(this.state())}`;
  }
}
