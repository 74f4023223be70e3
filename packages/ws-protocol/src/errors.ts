// The error reply shape (docs/ARCHITECTURE.md, convention 3): `{ type: "error" | "auth.failure" | …,
// requestId, payload: { code, message, details? } }`.

/** Payload of every error reply. */
export interface ErrorPayload {
  /** Machine-readable code, e.g. `validation_failed`, `unauthenticated`, `not_found`. */
  code: string;
  /** Human-readable message. */
  message: string;
  /** Optional structured details (validation issues, limits, …). */
  details?: unknown;
}

/** Codes the protocol itself uses, whatever the API. */
export const ProtocolErrorCode = {
  /** A request other than the authentication request arrived before authentication succeeded. */
  UNAUTHENTICATED: 'unauthenticated',
  /** The frame is an envelope but its payload does not match the message schema, or its `type` names no request. */
  VALIDATION_FAILED: 'validation_failed',
} as const;

/** Auth error codes after which a reconnect is retried with backoff; every other auth error is fatal. */
export const TRANSIENT_AUTH_CODES: readonly string[] = ['rate_limited', 'internal_error', 'unavailable'];

/** True when `value` has the error payload shape (string `code` and `message`). */
export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.code === 'string' && typeof v.message === 'string';
}
