import type { ApiModel } from '@s2sdk/asyncapi-codegen';
import type { ErrorPayload } from '@s2sdk/ws-protocol';

/** An API key the mock accepts in the authentication request. */
export interface MockKey {
  key: string;
  secret: string;
  /** Fills `accountId` fields of the authentication reply (and ids derived from the example's account id). */
  accountId?: string;
  /** Store ids the key may attach during authentication (`storeId` fields of the reply); any store when omitted. */
  storeIds?: string[];
}

/** Credentials extracted from an authentication request payload. */
export interface Credentials {
  key?: unknown;
  secret?: unknown;
  /** The scope (e.g. a store) the client asks to attach (optional; the `scope` credential field). */
  storeId?: unknown;
}

/** Roles of the credential fields of the authentication request (`x-s2sdk-credential`). */
export type CredentialRole = 'key' | 'secret' | 'scope';

/**
 * Where the authentication request carries its credentials: per role, a dot path from the frame
 * root (e.g. `{ key: 'payload.apiKey', secret: 'payload.apiSecret' }`). Roles left out keep their
 * default (from the document's marks, else the built-in shape).
 */
export type CredentialPaths = Partial<Record<CredentialRole, string>>;

/** Who a connection authenticated as. */
export interface Identity {
  key?: string;
  accountId?: string;
  storeIds?: string[];
  /** The store attached during authentication, if any. */
  storeId?: string;
}

export interface AuthCheckContext {
  /** The authentication request payload (the envelope's `payload`). */
  payload: unknown;
  credentials: Credentials;
  /** The configured keys (undefined when none were configured). */
  keys: readonly MockKey[] | undefined;
}

/**
 * Custom credential check: return `false`/`undefined` to reject, `true` to accept with no identity,
 * or an identity (a `MockKey` works) to accept as that identity.
 */
export type AuthCheck = (ctx: AuthCheckContext) => boolean | Identity | undefined | Promise<boolean | Identity | undefined>;

/**
 * An error answer: `{ type: <error type>, requestId, payload: { code, message, details? } }` (the
 * protocol's `ErrorPayload`); `message` defaults to the code.
 */
export interface ErrorSpec extends Omit<ErrorPayload, 'message'> {
  message?: string;
}

/** Fault switches that apply to the answer of one request. */
export interface FaultSwitches {
  /** Wait this long (ms) before answering. */
  delayMs?: number;
  /** Do not answer at all. */
  neverReply?: boolean;
  /** Send a text frame that is not JSON before the answer. */
  garbageFrame?: boolean;
  /** Send the final answer frame twice. */
  replyTwice?: boolean;
  /** Answer with a requestId that matches no request. */
  wrongRequestId?: boolean;
  /** Close the connection with this code/reason instead of answering. */
  closeWith?: { code: number; reason?: string };
  /** Answer with this error instead of the reply. */
  error?: ErrorSpec;
}

/**
 * Fault configuration of a server: switches for every request, per-type overrides in `byType`,
 * and the connection-level `dropAfterFrames`.
 */
export interface FaultConfig extends Omit<FaultSwitches, 'neverReply'> {
  /** `true` for every request, or the request types that never get an answer. */
  neverReply?: boolean | string[];
  /** Terminate the socket (no close frame) when a connection has received this many client frames. */
  dropAfterFrames?: number;
  /** Answer these request types with an error instead of the reply. */
  errorFor?: Record<string, ErrorSpec>;
  /** Switches for individual request types (override the server-wide ones). */
  byType?: Record<string, FaultSwitches>;
}

/** A frame as the mock received it from a client (credentials redacted). */
export interface ReceivedFrameData {
  /** Connection number (1, 2, … in accept order). */
  connection: number;
  /** The text (binary frames are decoded as UTF-8), with credential values replaced by `[REDACTED]`. */
  raw: string;
  /** The parsed envelope, when the frame was one, with credential fields `[REDACTED]`. */
  frame?: { type: string; requestId: string; payload?: unknown; [key: string]: unknown };
}

export type ReplyHandler = (request: { type: string; requestId: string; payload: unknown }, ctx: { identity: Identity | undefined }) => unknown;

export interface MockServerOptions {
  /** Path of the AsyncAPI 3 document, or a model from `loadApiModel()`. */
  spec: string | ApiModel;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Keys accepted by the authentication request. When omitted (and no `authCheck`), any non-empty
   * key and secret are accepted; an empty list rejects everyone.
   */
  keys?: MockKey[];
  /**
   * Where the authentication request carries its credentials: dot paths per role
   * (`{ key: 'payload.apiKey' }`, overriding those roles only), or a function extracting them from
   * the request payload. Default: the fields the document marks with `x-s2sdk-credential: key |
   * secret | scope`; a document without marks gets `{ key: payload.token, secret:
   * payload.metadata.secret, scope: payload.metadata.storeId }`.
   */
  credentials?: CredentialPaths | ((payload: unknown) => Credentials);
  /** Replaces the key/secret comparison. */
  authCheck?: AuthCheck;
  /** Require the authentication request first (default: true when the document has an `x-s2sdk-auth` operation). */
  requireAuth?: boolean;
  /** Close with 4408 when a connection has not authenticated within this many ms (default: no limit). */
  authTimeoutMs?: number;
  /** Initial fault switches (change them with `setFaults`). */
  faults?: FaultConfig;
  /** Chunks sent before the final reply of a streaming request (default 3). */
  chunkCount?: number;
  /** Custom reply payloads per request type (the mock still sets type and requestId). */
  replies?: Record<string, ReplyHandler>;
  /** Seed for generated values (wrong request ids, garbage frames); default 1. */
  seed?: number;
  /**
   * How many received frames `server.received` and each `client.received` keep (the most recent
   * ones; default 1000, `Infinity` keeps all, 0 none). `receivedCount` counts them all.
   */
  maxReceived?: number;
  /**
   * Byte budget of each of those logs (the raw text of the kept frames; default 16 MiB): older
   * frames are dropped first once it is exceeded, the newest frame is always kept.
   */
  maxReceivedBytes?: number;
  /**
   * Check at start that every reply, error, chunk and event the mock can send (from examples or
   * generated from the schema) is valid against its schema; start fails listing the problems.
   * Default true.
   */
  strict?: boolean;
}
