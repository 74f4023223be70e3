// S2S API keys: issued by key management, checked on every S2S REST request and WebSocket login.
// Only a SHA-256 of each secret is kept (in memory and in --state files). Pure apart from
// randomness; time comes from the injected clock.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { unixSeconds, type Clock } from './clock.js';

export const DEFAULT_KEY_TTL_SECONDS = 86_400;
const MIN_TTL = 60;
const MAX_TTL = 31_536_000;

export interface StoredKey {
  id: number;
  account_id: number;
  name: string;
  username: string;
  secret_sha256: string;
  created_at: number;
  expires_at: number;
  revoked_at: number;
  last_used_at: number;
}

export type KeySummary = Omit<StoredKey, 'account_id' | 'secret_sha256'>;
export type KeyRejection = 'unauthenticated' | 'invalid_api_key' | 'api_key_expired' | 'api_key_revoked';

export class KeyInputError extends Error {
  override name = 'KeyInputError';
  constructor(message: string, readonly details: { path: string; message: string }[]) {
    super(message);
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const summary = ({ account_id: _a, secret_sha256: _s, ...rest }: StoredKey): KeySummary => ({ ...rest });

export class KeyRegistry {
  private keys: StoredKey[] = [];
  constructor(private readonly clock: Clock) {}

  /** Creates a key (ttl_seconds OR expires_at; both → KeyInputError). Returns the only copy of the secret. */
  create(accountId: number, input: { name: string; ttl_seconds?: number; expires_at?: number }, chosen?: { username: string; secret: string }) {
    const now = unixSeconds(this.clock);
    if (input.ttl_seconds !== undefined && input.expires_at !== undefined) {
      throw new KeyInputError('Give either ttl_seconds or expires_at, not both', [
        { path: '/ttl_seconds', message: 'must not be combined with expires_at' },
        { path: '/expires_at', message: 'must not be combined with ttl_seconds' },
      ]);
    }
    if (input.expires_at !== undefined && (input.expires_at < now + MIN_TTL || input.expires_at > now + MAX_TTL)) {
      throw new KeyInputError('expires_at must be between 60 seconds and 365 days from now', [{ path: '/expires_at', message: 'must be 60 s to 365 days in the future' }]);
    }
    const username = chosen?.username ?? `pk_${randomBytes(12).toString('hex')}`;
    const secret = chosen?.secret ?? `sk_${randomBytes(24).toString('base64url')}`;
    const key: StoredKey = {
      id: this.keys.reduce((m, k) => Math.max(m, k.id), 0) + 1,
      account_id: accountId,
      name: input.name,
      username,
      secret_sha256: sha256(secret),
      created_at: now,
      expires_at: input.expires_at ?? now + (input.ttl_seconds ?? DEFAULT_KEY_TTL_SECONDS),
      revoked_at: 0,
      last_used_at: 0,
    };
    this.keys.push(key);
    return { id: key.id, name: key.name, username, secret, expires_at: key.expires_at, created_at: key.created_at };
  }

  list(accountId: number): KeySummary[] {
    return this.keys.filter((k) => k.account_id === accountId).sort((a, b) => b.id - a.id).map(summary);
  }

  /** Expires (revokes) a key now; repeating it returns the same summary. Undefined when not the account's. */
  expire(accountId: number, id: number): KeySummary | undefined {
    const key = this.keys.find((k) => k.id === id && k.account_id === accountId);
    if (!key) return undefined;
    const now = unixSeconds(this.clock);
    if (key.revoked_at === 0 && key.expires_at > now) {
      key.revoked_at = now;
      key.expires_at = now;
    }
    return summary(key);
  }

  /** Why the key is no longer usable, or undefined while it is. */
  rejection(key: StoredKey): KeyRejection | undefined {
    if (key.revoked_at !== 0) return 'api_key_revoked';
    if (key.expires_at <= unixSeconds(this.clock)) return 'api_key_expired';
    return undefined;
  }

  byId(id: number): StoredKey | undefined {
    return this.keys.find((k) => k.id === id);
  }

  /** Checks a public key + secret; records the use. */
  authenticate(username: unknown, secret: unknown): { key: StoredKey } | { rejected: KeyRejection } {
    if (typeof username !== 'string' || typeof secret !== 'string' || !username || !secret) return { rejected: 'unauthenticated' };
    const key = this.keys.find((k) => k.username === username);
    const given = Buffer.from(sha256(secret), 'hex');
    if (!key || !timingSafeEqual(given, Buffer.from(key.secret_sha256, 'hex'))) return { rejected: 'invalid_api_key' };
    const why = this.rejection(key);
    if (why) return { rejected: why };
    key.last_used_at = unixSeconds(this.clock);
    return { key };
  }

  snapshot(): StoredKey[] {
    return this.keys.map((k) => ({ ...k }));
  }

  restore(keys: StoredKey[]): void {
    this.keys = keys.map((k) => ({ ...k }));
  }
}
