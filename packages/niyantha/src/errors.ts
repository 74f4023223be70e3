// Niyantha-specific typed errors.
import { AuthenticationError, KEY_REJECTED, type ApiErrorInit, type KeyRejectionReason } from '@s2sdk/core';
import type { components } from './generated/schema.gen.js';

export type ErrorBody = components['schemas']['ErrorBody'];

/** Why the server rejected an API key, from the error body's `code`. */
/** Why a key was rejected (the same values over REST and WebSocket). */
export type ApiKeyRejectionReason = KeyRejectionReason;

const REASONS: Record<string, ApiKeyRejectionReason> = {
  api_key_expired: 'expired',
  api_key_revoked: 'revoked',
  invalid_api_key: 'invalid',
  unauthenticated: 'missing',
};

/** Maps an error body `code` to a rejection reason. */
export function apiKeyRejectionReason(body: unknown): ApiKeyRejectionReason {
  const code = body && typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
  return (typeof code === 'string' && REASONS[code]) || 'unknown';
}

/**
 * A 401 on an S2S operation: the API key used for the request is expired, revoked,
 * unknown or its secret is wrong. Names the key by its PUBLIC key (`publicKey`); the
 * secret never appears in the message, `toJSON()` or `util.inspect`.
 * It is an {@link AuthenticationError}, so `instanceof AuthenticationError` still holds.
 */
export class ApiKeyRejectedError<TBody = ErrorBody> extends AuthenticationError<TBody> {
  override readonly code: string = 'API_KEY_REJECTED';
  /** The public key (X-API-Key / Basic user name) the rejected request carried. */
  readonly publicKey: string;
  readonly reason: ApiKeyRejectionReason;

  constructor(init: ApiErrorInit<TBody>, publicKey: string) {
    const reason = apiKeyRejectionReason(init.body);
    const detail = reason === 'unknown' ? 'was rejected' : reason === 'missing' ? 'was not accepted (credentials missing or malformed)' : `was rejected (${reason})`;
    super(init, `API key "${publicKey}" ${detail}: 401 from ${init.method} ${stripQuery(init.url)}`);
    this.publicKey = publicKey;
    this.reason = reason;
  }

  protected override safeFields(): Record<string, unknown> {
    return { ...super.safeFields(), publicKey: this.publicKey, reason: this.reason };
  }

  /** Recognised by `isKeyRejected()` (from `@s2sdk/core`), like the WebSocket client's `WsKeyRejectedError`. */
  get [KEY_REJECTED](): true {
    return true;
  }
}

function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
