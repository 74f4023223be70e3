// The connection state machine of the request/reply client, as a pure function:
// (state, event) → (new state, effects). No I/O, no timers, no randomness: the client
// (client.ts) feeds it what happened on the socket and performs the effects it returns.
//
//   idle ─connect→ connecting ─socket-open→ authenticating ─auth-ok→ open
//                                  (no auth step: connecting ─socket-open→ open)
//   open ─reauth→ authenticating (setAuth on the open socket) ─auth-ok→ open
//   connecting | authenticating | open ─drop→ reconnecting ─retry→ connecting
//   any ─close→ closed (terminal)
//
// A drop before the first session, with reconnect disabled, or beyond `maxAttempts` closes
// the client; so does a refused login that is not retryable, or any refused login before the
// first session (the first connect is never retried).
import type { ConnectionState } from './types.js';

/** What the machine needs to know of the client's configuration. */
export interface ConnectionPolicy {
  /** Whether an authentication step runs after the socket opens. */
  readonly auth: boolean;
  /** Reconnect bounds, or `false` to close on the first drop. */
  readonly reconnect: false | { readonly maxAttempts: number; readonly stableAfterMs: number };
}

export interface Connection {
  readonly phase: ConnectionState;
  /** Reconnect attempts since the last stable session (0 while none is under way). */
  readonly attempt: number;
  /** Whether a session was ever established (authenticated). */
  readonly everOpened: boolean;
}

export const INITIAL_CONNECTION: Connection = Object.freeze({ phase: 'idle', attempt: 0, everOpened: false });

export type ConnectionEvent =
  /** `connect()` was called. */
  | { readonly type: 'connect' }
  /** The socket finished its opening handshake. */
  | { readonly type: 'socket-open' }
  /** `setAuth()` logs in again on the open socket. */
  | { readonly type: 'reauth' }
  /** The authentication step succeeded. */
  | { readonly type: 'auth-ok' }
  /**
   * The server refused the credentials (error reply to the login, or close code 4401).
   * `retryable`: reconnecting may help (a transient code, or refused new credentials while the
   * previous ones stay in use).
   */
  | { readonly type: 'auth-refused'; readonly retryable: boolean }
  /** The socket is gone (closed, failed to open, timed out, heartbeat lost, broken login reply). */
  | { readonly type: 'drop' }
  /** The reconnect delay elapsed. */
  | { readonly type: 'retry' }
  /** The session stayed up `stableAfterMs`: the attempt counter starts over. */
  | { readonly type: 'stable' }
  /** `close()`, the abort signal, or a local failure that ends the client. */
  | { readonly type: 'close' };

export type ConnectionEventType = ConnectionEvent['type'];

/** The events as shared constants (no allocation per transition). */
export const ConnectionEvents = Object.freeze({
  CONNECT: { type: 'connect' },
  SOCKET_OPEN: { type: 'socket-open' },
  REAUTH: { type: 'reauth' },
  AUTH_OK: { type: 'auth-ok' },
  AUTH_REFUSED_RETRYABLE: { type: 'auth-refused', retryable: true },
  AUTH_REFUSED_FATAL: { type: 'auth-refused', retryable: false },
  DROP: { type: 'drop' },
  RETRY: { type: 'retry' },
  STABLE: { type: 'stable' },
  CLOSE: { type: 'close' },
} as const satisfies Record<string, ConnectionEvent>);

/** Why the client closes. */
export type ShutdownReason =
  /** close(), abort, or a local failure: the error is the caller's. */
  | 'closed'
  /** Credentials refused and not retryable (or before the first session). */
  | 'auth-failed'
  /** The first connection could not be established. */
  | 'connect-failed'
  /** Dropped with reconnect disabled. */
  | 'connection-lost'
  /** Dropped after `maxAttempts` reconnect attempts. */
  | 'reconnect-exhausted';

export type ConnectionEffect =
  /** Create a socket for the current URL. */
  | { readonly type: 'open-socket' }
  /** Send the authentication request on the new socket. */
  | { readonly type: 'login' }
  /** Authenticated: resolve `connect()` waiters, flush the queue, (re)start the heartbeat. */
  | { readonly type: 'session-up' }
  /** Start the timer that sends `stable` after `stableAfterMs` (if not running). */
  | { readonly type: 'watch-stable' }
  /** Forget (and hard-close) the current socket and its timers. */
  | { readonly type: 'detach' }
  /** Reject every request sent on the lost socket with ConnectionLostError. */
  | { readonly type: 'fail-in-flight' }
  /** Wait the backoff delay of reconnect attempt `attempt` (1-based), then send `retry`. */
  | { readonly type: 'schedule-reconnect'; readonly attempt: number }
  /** Close for good: settle everything, close the socket. `attempts` for `reconnect-exhausted`. */
  | { readonly type: 'shutdown'; readonly reason: ShutdownReason; readonly attempts?: number };

export interface Transition {
  readonly state: Connection;
  readonly effects: readonly ConnectionEffect[];
}

export const CONNECTION_PHASES: readonly ConnectionState[] = ['idle', 'connecting', 'authenticating', 'open', 'reconnecting', 'closed'];

const NONE: readonly ConnectionEffect[] = Object.freeze([]);
const OPEN_SOCKET: ConnectionEffect = Object.freeze({ type: 'open-socket' });
const LOGIN: ConnectionEffect = Object.freeze({ type: 'login' });
const SESSION_UP: ConnectionEffect = Object.freeze({ type: 'session-up' });
const WATCH_STABLE: ConnectionEffect = Object.freeze({ type: 'watch-stable' });
const DETACH: ConnectionEffect = Object.freeze({ type: 'detach' });
const FAIL_IN_FLIGHT: ConnectionEffect = Object.freeze({ type: 'fail-in-flight' });

function to(state: Connection, patch: Partial<Connection>, effects: readonly ConnectionEffect[]): Transition {
  return { state: { ...state, ...patch }, effects };
}

function shutdown(state: Connection, reason: ShutdownReason, before: readonly ConnectionEffect[] = NONE, attempts?: number): Transition {
  const effect: ConnectionEffect = attempts === undefined ? { type: 'shutdown', reason } : { type: 'shutdown', reason, attempts };
  return to(state, { phase: 'closed' }, [...before, effect]);
}

/** The socket of a session (or of an attempt at one) is lost: reconnect, or close. */
function lost(state: Connection, policy: ConnectionPolicy): Transition {
  if (!state.everOpened) return shutdown(state, 'connect-failed', [DETACH, FAIL_IN_FLIGHT]);
  if (policy.reconnect === false) return shutdown(state, 'connection-lost', [DETACH, FAIL_IN_FLIGHT]);
  const attempt = state.attempt + 1;
  if (attempt > policy.reconnect.maxAttempts) return shutdown({ ...state, attempt: state.attempt }, 'reconnect-exhausted', [DETACH, FAIL_IN_FLIGHT], attempt - 1);
  return to(state, { phase: 'reconnecting', attempt }, [DETACH, FAIL_IN_FLIGHT, { type: 'schedule-reconnect', attempt }]);
}

function authenticated(state: Connection, policy: ConnectionPolicy): Transition {
  const r = policy.reconnect;
  if (state.attempt > 0 && r !== false) {
    if (r.stableAfterMs === 0) return to(state, { phase: 'open', everOpened: true, attempt: 0 }, [SESSION_UP]);
    return to(state, { phase: 'open', everOpened: true }, [WATCH_STABLE, SESSION_UP]);
  }
  return to(state, { phase: 'open', everOpened: true }, [SESSION_UP]);
}

const UNCHANGED = (state: Connection): Transition => ({ state, effects: NONE });

/**
 * The next state and the effects to perform. Events that make no sense in a state (a late
 * `retry`, a `socket-open` while open, anything once closed) change nothing.
 */
export function transition(state: Connection, event: ConnectionEvent, policy: ConnectionPolicy): Transition {
  const phase = state.phase;
  if (phase === 'closed') return UNCHANGED(state);
  switch (event.type) {
    case 'close':
      return shutdown(state, 'closed');
    case 'connect':
      return phase === 'idle' ? to(state, { phase: 'connecting' }, [OPEN_SOCKET]) : UNCHANGED(state);
    case 'socket-open':
      if (phase !== 'connecting') return UNCHANGED(state);
      return policy.auth ? to(state, { phase: 'authenticating' }, [LOGIN]) : authenticated(state, policy);
    case 'reauth':
      return phase === 'open' && policy.auth ? to(state, { phase: 'authenticating' }, NONE) : UNCHANGED(state);
    case 'auth-ok':
      return phase === 'authenticating' ? authenticated(state, policy) : UNCHANGED(state);
    case 'auth-refused':
      if (phase !== 'connecting' && phase !== 'authenticating' && phase !== 'open') return UNCHANGED(state);
      if (!state.everOpened || !event.retryable) return shutdown(state, 'auth-failed');
      return lost(state, policy);
    case 'drop':
      if (phase !== 'connecting' && phase !== 'authenticating' && phase !== 'open') return UNCHANGED(state);
      return lost(state, policy);
    case 'retry':
      return phase === 'reconnecting' ? to(state, { phase: 'connecting' }, [OPEN_SOCKET]) : UNCHANGED(state);
    case 'stable':
      return state.attempt === 0 || (phase !== 'open' && phase !== 'authenticating') ? UNCHANGED(state) : to(state, { attempt: 0 }, NONE);
  }
}
