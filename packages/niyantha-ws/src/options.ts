// The options and events of the request/reply client (client.ts), and small helpers shared by its parts.
import type { Logger } from '@s2sdk/core';
import type { AuthConfig } from './auth-session.js';
import type { HeartbeatConfig } from './heartbeat.js';
import type { ConnectionState, Envelope, OperationMapShape, OperationTable, ReconnectOptions, WebSocketConstructor } from './types.js';

/**
 * Validates one frame against its message schema; returns a list of problems (empty or
 * undefined when valid). Used only when the caller opts in (see `validate`).
 */
export type FrameValidator = (direction: 'outgoing' | 'incoming', envelope: Envelope) => readonly string[] | undefined;

export interface ClientEvents {
  /** Every state transition. */
  state: { state: ConnectionState; previous: ConnectionState };
  /** A reconnect attempt is scheduled (`attempt` is 1-based; `delayMs` after jitter, core's backoffDelay). */
  reconnect: { attempt: number; delayMs: number; error: unknown };
  /** A frame the server sent without a matching request (an AsyncAPI `receive` message). */
  event: Envelope;
  /** Authentication succeeded (on the first connect, every reconnect and every successful `setAuth` / `setCredentials`). */
  authenticated: { payload: unknown };
}

export interface RequestReplyClientOptions<Ops extends OperationMapShape<Ops>> {
  url: string;
  /** The runtime operation table (generated `operationTable`). */
  operations: OperationTable<Ops>;
  /** Authentication request sent as the first frame of every connection. */
  auth?: AuthConfig;
  /** WebSocket constructor; default: global WebSocket, else the optional peer `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Default per-request timeout in ms (default 30 000). For streams: the inactivity timeout. */
  requestTimeoutMs?: number;
  /** Time allowed for socket open + authentication, in ms (default 15 000). */
  connectTimeoutMs?: number;
  /** Maximum requests waiting for the connection (default 1000). */
  queueLimit?: number;
  /** Reconnect policy after a drop, or `false` to close on the first drop. */
  reconnect?: ReconnectOptions | false;
  /** Half-open detection, or `false` to disable. */
  heartbeat?: HeartbeatConfig | false;
  logger?: Logger;
  /** Opt-in frame validation (costs a schema check per frame). */
  validator?: FrameValidator;
  /** Source of randomness in [0, 1) for backoff jitter and the request id prefix (default Math.random). */
  random?: () => number;
  /** Closes the client when aborted. */
  signal?: AbortSignal;
  /** Prefix of request ids (default: 6 random base-36 characters and a dash). */
  requestIdPrefix?: string;
  /** Default unread-chunk limit of a stream (default 10 000; see RequestOptions.maxBufferedChunks). */
  maxBufferedChunks?: number;
  /**
   * Per request type, maps the success reply payload before it is delivered (after validation),
   * e.g. to wrap a secret in a `Secret`. The reply's type in `Ops` must describe the result.
   */
  replyTransforms?: Readonly<Record<string, (payload: unknown) => unknown>>;
}

export function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!(v > 0)) throw new RangeError(`${name} must be > 0`);
  return v;
}

export function randomBase36(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}

/** The URL without userinfo or query (which could carry credentials). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '[invalid url]';
  }
}
