// Shapes shared by the generic request/reply runtime and the generated operation map.
//
// The generator (`@s2sdk/asyncapi-codegen`) emits, per AsyncAPI document, an `Operations`
// interface keyed by request type and a runtime `operationTable`. The runtime in this
// package is generic over any map of that shape, so it can be exercised with a small
// hand-written map in tests and bound to the Niyantha map in `niyantha.ts`.
import type { EventEnvelope } from '@s2sdk/ws-protocol';

/** Type-level description of one request/reply operation (payload types, not envelopes). */
export interface OperationShape {
  /** Payload of the request message. */
  request: unknown;
  /** Payload of the success reply. */
  reply: unknown;
  /** `type` of the success reply (e.g. `store.create.ok`). */
  replyType: string;
  /** Payload of the error reply (`{ code, message, details? }`). */
  error: unknown;
  /** `type` of the error reply/replies (e.g. `error`, `auth.failure`). */
  errorType: string;
  /** Payload of a streaming chunk; `never` when the operation does not stream. */
  chunk: unknown;
  /** Whether the operation streams chunks before its final reply. */
  streaming: boolean;
  /** Whether this is the authentication request (`x-s2sdk-auth`). */
  auth: boolean;
}

/**
 * A map of request type → operation description, as emitted by the generator. F-bounded
 * (`Ops extends OperationMapShape<Ops>`) so that interfaces, which have no implicit index
 * signature, qualify.
 */
export type OperationMapShape<Ops> = { [K in keyof Ops]: OperationShape };

/** One row of the runtime operation table. */
export interface OperationTableEntry {
  readonly reply: string;
  readonly errors: readonly string[];
  readonly chunk: string | null;
  readonly streaming: boolean;
  readonly auth: boolean;
}

/** The runtime operation table: reply/error/chunk message types per request type. */
export type OperationTable<Ops extends OperationMapShape<Ops>> = {
  readonly [K in keyof Ops & string]: OperationTableEntry;
};

/** Request types usable with `request()`: neither streaming nor the authentication request. */
export type RequestType<Ops extends OperationMapShape<Ops>> = {
  [K in keyof Ops & string]: Ops[K]['streaming'] extends true ? never : Ops[K]['auth'] extends true ? never : K;
}[keyof Ops & string];

/** Request types usable with `stream()`. */
export type StreamType<Ops extends OperationMapShape<Ops>> = {
  [K in keyof Ops & string]: Ops[K]['streaming'] extends true ? (Ops[K]['auth'] extends true ? never : K) : never;
}[keyof Ops & string];

/** The authentication request type(s) of a map. */
export type AuthType<Ops extends OperationMapShape<Ops>> = {
  [K in keyof Ops & string]: Ops[K]['auth'] extends true ? K : never;
}[keyof Ops & string];

export type RequestPayload<Ops extends OperationMapShape<Ops>, T extends keyof Ops> = Ops[T]['request'];
export type ReplyPayload<Ops extends OperationMapShape<Ops>, T extends keyof Ops> = Ops[T]['reply'];
export type ChunkPayload<Ops extends OperationMapShape<Ops>, T extends keyof Ops> = Ops[T]['chunk'];
export type ErrorPayload<Ops extends OperationMapShape<Ops>, T extends keyof Ops> = Ops[T]['error'];

/** The wire envelope of every frame (the protocol's EventEnvelope: `requestId` is absent on events). */
export type Envelope<P = unknown> = EventEnvelope<string, P>;

/** Structured logger (console, pino, winston fit); messages are scrubbed and fields redacted before it sees them. */
export type { Logger } from '@s2sdk/core';

/** Connection states; `idle` before `connect()`, `closed` is terminal; `authenticating` also while `setCredentials` logs in again on the open socket. */
export type ConnectionState = 'idle' | 'connecting' | 'authenticating' | 'open' | 'reconnecting' | 'closed';

export interface ReconnectOptions {
  /** First backoff cap in ms (default 250). */
  initialDelayMs?: number;
  /** Upper bound of any backoff in ms (default 30 000). */
  maxDelayMs?: number;
  /** Attempts after a drop before giving up; `Infinity` retries forever (default 10). */
  maxAttempts?: number;
  /** Growth factor of the backoff cap (default 2). */
  factor?: number;
  /**
   * A reconnected session counts as recovered — the attempt counter (and so the backoff) starts
   * over — only once it has stayed up this long, in ms (default 10 000). A server that accepts
   * `auth.login` and then drops the connection at once therefore still exhausts `maxAttempts`.
   */
  stableAfterMs?: number;
}

export interface HeartbeatOptions {
  /** Probe after this much inbound silence, in ms (default 30 000). */
  intervalMs?: number;
  /** Declare the socket dead when nothing arrives this long after a probe, in ms (default 10 000). */
  timeoutMs?: number;
  /**
   * How to probe: `'auto'` (default) uses a WebSocket ping when the transport has one (the
   * `ws` package) and the application probe otherwise; `'ping'` forces ws pings (falls back
   * to the application probe when unavailable); `'request'` always sends the application probe.
   */
  mode?: 'auto' | 'ping' | 'request';
}

/** Per-request options. */
export interface RequestOptions {
  /** Overrides the client's `requestTimeoutMs` for this request (for streams: the inactivity timeout). */
  timeoutMs?: number;
  /** Aborts the request (rejects with `RequestAbortedError`). */
  signal?: AbortSignal;
  /**
   * Streams only: chunks kept for a consumer that is not reading fast enough (default: the
   * client's `maxBufferedChunks`, 10 000). Beyond it the stream fails with `StreamOverflowError`
   * (after the buffered chunks have been read) and later frames of it are dropped.
   */
  maxBufferedChunks?: number;
  /**
   * You assert that sending this request twice is safe (a read, or a write the server
   * de-duplicates, e.g. by an idempotency key in its payload). If the socket drops after it was
   * sent, it is not rejected with `ConnectionLostError`: it goes back to the send queue (same
   * `requestId`, same frame) and is sent again after the next successful login, still within its
   * `timeoutMs`. It is rejected like any queued request when the client stops reconnecting, and
   * with `ConnectionLostError` when the send queue is full. Default `false`: a request that may
   * have reached the server is never resent. Not for streams (chunks may have been delivered):
   * `stream(…, { replay: true })` rejects with a TypeError.
   */
  replay?: boolean;
}

/** Minimal structural view of a WebSocket (the WHATWG one, Node 22's, or the `ws` package's). */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket constructor (`globalThis.WebSocket`, `ws`'s `WebSocket`, or a test double). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The success reply payload of the authentication operation (the one whose `auth` is true). */
export type AuthReply<Ops> = { [K in keyof Ops]: Ops[K] extends { auth: true; reply: infer R } ? R : never }[keyof Ops];
