// Close codes of the protocol (docs/ARCHITECTURE.md, convention 8): sent by the mock and the
// sandbox, understood by the client. The one table; nothing else spells these numbers.

export const CloseCode = {
  /** Normal closure (RFC 6455). */
  NORMAL: 1000,
  /** The endpoint is going away (server shutdown, page navigation). */
  GOING_AWAY: 1001,
  /** The frame is not JSON, not an envelope, or binary. */
  NOT_AN_ENVELOPE: 4400,
  /** Authentication failed (or the session was revoked). */
  AUTH_FAILED: 4401,
  /** The connection did not authenticate in time. */
  AUTH_TIMEOUT: 4408,
  /** The client abandoned a broken socket (half-open, connect timeout) without a close handshake. */
  ABANDONED: 4000,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** True for the close code that means "your credentials were refused" (no point reconnecting with them). */
export function isAuthFailureClose(code: number | undefined): boolean {
  return code === CloseCode.AUTH_FAILED;
}
