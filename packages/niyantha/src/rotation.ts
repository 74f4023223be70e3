// Key rotation: create the next key before the current one expires, switch the S2S client to it
// (in-flight requests keep the old key), wait for those requests to finish, then expire the old key.
import { ConfigurationError, INSPECT, safeLogger, type Logger } from '@s2sdk/core';
import type { NiyanthaClient } from './client.js';
import type { KeyManagementClient } from './keys.js';

export interface RotatorKeyInfo {
  id: number;
  publicKey: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface RotationResult {
  previous: RotatorKeyInfo;
  current: RotatorKeyInfo;
  /** False when expiring the previous key failed (reported to `onError`); it then lapses at its own expiry. */
  previousExpired: boolean;
  /** False when in-flight requests with the previous key had not finished within `drainTimeoutMs`. */
  drained: boolean;
}

export interface KeyRotatorOptions {
  /** The S2S client whose key is rotated. */
  client: Pick<NiyanthaClient, 'currentKey' | 'setCredentials'>;
  /** Key management (session token) used to create, list and expire keys. */
  keys: Pick<KeyManagementClient, 'create' | 'list' | 'expire'>;
  /** Rotate this long before the current key expires. */
  rotateBeforeMs: number;
  /** Lifetime of new keys (`ttl_seconds`); default: the server default (24 h). */
  ttlSeconds?: number;
  /** Name of new keys (default `s2sdk-rotated`). */
  name?: string;
  /** The current key's id and expiry. When omitted it is looked up with `keys.list()` by public key. */
  current?: { id: number; expiresAt: number };
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
  /** Longest wait for in-flight requests with the old key before expiring it anyway (default 2 min, the transport's default deadline). */
  drainTimeoutMs?: number;
  /** Delay before retrying a failed rotation (default 30 s; never past the key's expiry). */
  retryDelayMs?: number;
  logger?: Logger;
  onRotate?: (result: RotationResult) => void;
  onError?: (error: unknown) => void;
}

export interface KeyRotator {
  /** The key the client uses now (after the first lookup / rotation). */
  readonly current: RotatorKeyInfo | undefined;
  readonly running: boolean;
  /** Schedules rotations: each one `rotateBeforeMs` before the current key's expiry. */
  start(): Promise<void>;
  stop(): void;
  /** Rotates now (single-flight: concurrent calls share one rotation). */
  rotateNow(): Promise<RotationResult>;
  /** Rotates if the current key is within `rotateBeforeMs` of its expiry; resolves undefined otherwise. */
  check(): Promise<RotationResult | undefined>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

class KeyRotatorImpl implements KeyRotator {
  #current: RotatorKeyInfo | undefined;
  #inflight: Promise<RotationResult> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  readonly #o: Required<Pick<KeyRotatorOptions, 'rotateBeforeMs' | 'drainTimeoutMs' | 'retryDelayMs' | 'name'>> & KeyRotatorOptions;
  readonly #now: () => number;
  readonly #log: Required<Logger>;

  constructor(options: KeyRotatorOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createKeyRotator: options are required');
    if (!options.client || typeof options.client.setCredentials !== 'function') throw new ConfigurationError('createKeyRotator: `client` (a Niyantha S2S client) is required');
    if (!options.keys || typeof options.keys.create !== 'function') throw new ConfigurationError('createKeyRotator: `keys` (a key management client) is required');
    if (!Number.isFinite(options.rotateBeforeMs) || options.rotateBeforeMs < 0) throw new ConfigurationError('createKeyRotator: `rotateBeforeMs` must be a non-negative number');
    if (options.ttlSeconds !== undefined && (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 60)) throw new ConfigurationError('createKeyRotator: `ttlSeconds` must be an integer ≥ 60');
    if (options.ttlSeconds !== undefined && options.ttlSeconds * 1000 <= options.rotateBeforeMs) {
      throw new ConfigurationError('createKeyRotator: `ttlSeconds` must be longer than `rotateBeforeMs`, or every new key would be rotated at once');
    }
    this.#o = { drainTimeoutMs: 120_000, retryDelayMs: 30_000, name: 's2sdk-rotated', ...options };
    this.#now = options.now ?? Date.now;
    this.#log = safeLogger(options.logger);
    if (options.current) this.#current = { id: options.current.id, expiresAt: options.current.expiresAt, publicKey: options.client.currentKey };
  }

  get current() {
    return this.#current && { ...this.#current };
  }

  get running() {
    return this.#running;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      await this.#resolveCurrent();
    } catch (err) {
      this.#running = false;
      throw err;
    }
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  rotateNow(): Promise<RotationResult> {
    this.#inflight ??= this.#rotate().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async check(): Promise<RotationResult | undefined> {
    const cur = await this.#resolveCurrent();
    if (cur.expiresAt * 1000 - this.#o.rotateBeforeMs > this.#now()) return undefined;
    return this.rotateNow();
  }

  async #resolveCurrent(): Promise<RotatorKeyInfo> {
    const publicKey = this.#o.client.currentKey;
    if (this.#current && this.#current.publicKey === publicKey) return this.#current;
    const { items } = await this.#o.keys.list();
    const found = items.find((k) => k.username === publicKey);
    if (!found) throw new ConfigurationError(`key rotation: the client's key "${publicKey}" is not a key of this account`);
    this.#current = { id: found.id, publicKey, expiresAt: found.expires_at };
    return this.#current;
  }

  async #rotate(): Promise<RotationResult> {
    const previous = await this.#resolveCurrent();
    const created = await this.#o.keys.create(this.#o.ttlSeconds === undefined ? { name: this.#o.name } : { name: this.#o.name, ttl_seconds: this.#o.ttlSeconds });
    const next: RotatorKeyInfo = { id: created.id, publicKey: created.username, expiresAt: created.expires_at };
    const change = this.#o.client.setCredentials({ key: created.username, secret: created.secret });
    this.#current = next;
    this.#log.info('niyantha key rotated', { previousKey: previous.publicKey, currentKey: next.publicKey, expiresAt: next.expiresAt });
    const drained = await change.drained({ timeoutMs: this.#o.drainTimeoutMs });
    if (!drained) this.#log.warn('niyantha key rotation: requests with the previous key still in flight; expiring it anyway', { previousKey: previous.publicKey });
    let previousExpired = true;
    try {
      await this.#o.keys.expire(previous.id);
    } catch (err) {
      previousExpired = false;
      this.#log.error('niyantha key rotation: expiring the previous key failed', { previousKey: previous.publicKey, error: err instanceof Error ? err.message : String(err) });
      this.#report(err);
    }
    const result: RotationResult = { previous, current: { ...next }, previousExpired, drained };
    try {
      this.#o.onRotate?.(result);
    } catch {
      /* a failing callback must not break rotation */
    }
    if (this.#running) this.#schedule();
    return result;
  }

  #report(err: unknown) {
    try {
      this.#o.onError?.(err);
    } catch {
      /* ignore */
    }
  }

  #schedule(delayOverride?: number) {
    if (!this.#running || !this.#current) return;
    if (this.#timer) clearTimeout(this.#timer);
    const due = this.#current.expiresAt * 1000 - this.#o.rotateBeforeMs;
    const delay = Math.max(0, delayOverride ?? due - this.#now());
    this.#timer = setTimeout(() => this.#fire(), Math.min(delay, MAX_TIMER_MS));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #fire() {
    this.#timer = undefined;
    if (!this.#running || !this.#current) return;
    const due = this.#current.expiresAt * 1000 - this.#o.rotateBeforeMs;
    if (due > this.#now()) return this.#schedule(); // long delays are split into timer-sized steps
    this.rotateNow().catch((err) => {
      this.#log.error('niyantha key rotation failed; keeping the current key', { key: this.#current?.publicKey, error: err instanceof Error ? err.message : String(err) });
      this.#report(err);
      const untilExpiry = (this.#current?.expiresAt ?? 0) * 1000 - this.#now();
      if (this.#running && untilExpiry > 0) this.#schedule(Math.min(this.#o.retryDelayMs, untilExpiry));
    });
  }

  toJSON() {
    return { running: this.#running, current: this.#current };
  }

  [INSPECT]() {
    return `KeyRotator ${JSON.stringify(this.toJSON())}`;
  }
}

/** Creates a key rotator for an S2S client. Call `start()` to rotate automatically, or `rotateNow()` / `check()` yourself. */
export function createKeyRotator(options: KeyRotatorOptions): KeyRotator {
  return new KeyRotatorImpl(options);
}
