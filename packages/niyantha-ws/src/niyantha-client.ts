// The Niyantha flavour of the generic client: S2S `auth.login` on every (re)connect,
// an application-level heartbeat probe, and chunked file uploads.
import { ConfigurationError, Secret } from '@s2sdk/core';
import { RequestReplyClient, type AuthCredentials, type FrameValidator, type HeartbeatConfig, type RequestReplyClientOptions } from './client.js';
import { uploadFile, type UploadFileOptions, type UploadProtocol } from './upload.js';
import type { HeartbeatOptions, Logger, OperationMapShape, OperationTable, ReconnectOptions, WebSocketConstructor } from './types.js';

export const DEFAULT_URL = 'wss://api.niyantha.in/ws';
export const DEFAULT_APP = 's2sdk';

export interface NiyanthaCredentials {
  /** The public key (the `username` of the key), sent as `token`. */
  key: string | Secret;
  /** The key's secret, sent as `metadata.secret`. */
  secret: string | Secret;
}

export interface NiyanthaWsOptions {
  /** Default `wss://api.niyantha.in/ws`. */
  url?: string;
  credentials: NiyanthaCredentials;
  /** `metadata.app` of auth.login (default `s2sdk`). */
  app?: string;
  /** `metadata.storeId` of auth.login: attaches that store identity when it belongs to the account. */
  storeId?: string | number;
  /** WebSocket constructor. Default: the global WebSocket (browsers, Node ≥ 22), else the optional peer `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Default per-request timeout in ms (default 30 000); for streams, the inactivity timeout. */
  requestTimeoutMs?: number;
  /** Time allowed for socket open + auth.login, in ms (default 15 000). */
  connectTimeoutMs?: number;
  /** Maximum requests waiting while (re)connecting (default 1000); beyond it requests reject with QueueFullError. */
  queueLimit?: number;
  /**
   * Reconnect policy after a drop (default: 250 ms initial, ×2, 30 s cap, 10 attempts, core's equal jitter;
   * the attempt counter starts over after a session stayed up `stableAfterMs` = 10 s), or `false`.
   */
  reconnect?: ReconnectOptions | false;
  /**
   * Half-open detection (default: probe after 30 s of silence, dead after 10 s more), or `false`.
   * `probe` overrides the application-level probe request (default `account.get {}`).
   */
  heartbeat?: (HeartbeatOptions & { probe?: { type: string; payload: unknown } }) | false;
  /** Receives scrubbed, redacted log lines (debug: dropped late replies, reconnects; warn: bad frames). */
  logger?: Logger;
  /**
   * Validate every outgoing request and incoming reply against the generated JSON Schemas
   * (default false). Costs a schema compile at connect and a check per frame; failures reject
   * with WsValidationError. Needs the optional dependency `ajv` (see README).
   */
  validate?: boolean | FrameValidator;
  /** Randomness in [0, 1) for jitter and request ids (default Math.random). */
  random?: () => number;
  /** Aborting closes the client (and cancels a pending connect). */
  signal?: AbortSignal;
  /** Default unread-chunk limit of a stream (default 10 000); beyond it the stream fails with StreamOverflowError. */
  maxBufferedChunks?: number;
}

/** file.stream.* as specified in specs/niyantha/asyncapi.yaml. */
export function niyanthaUploadProtocol<File>(): UploadProtocol<File> {
  return {
    startType: 'file.stream.start',
    chunkType: 'file.stream.chunk',
    completeType: 'file.stream.complete',
    start: ({ name, contentType, size, sha256 }) => ({ name, content_type: contentType, size, ...(sha256 ? { sha256 } : {}) }),
    uploadId: (r) => (r as { upload_id: string }).upload_id,
    maxChunkBytes: (r) => {
      const n = (r as { chunk_size?: unknown }).chunk_size;
      return typeof n === 'number' && n > 0 ? n : undefined;
    },
    chunk: ({ uploadId, index, data }) => ({ upload_id: uploadId, seq: index, data }),
    ackProgress: (a) => {
      const ack = a as { received_bytes?: unknown; total_bytes?: unknown };
      if (typeof ack?.received_bytes !== 'number') return undefined;
      return typeof ack.total_bytes === 'number' ? { receivedBytes: ack.received_bytes, totalBytes: ack.total_bytes } : { receivedBytes: ack.received_bytes };
    },
    complete: ({ uploadId }) => ({ upload_id: uploadId }),
    file: (r) => r as File,
  };
}

/** Default heartbeat probe: a cheap, read-only request declared in the spec. */
export const DEFAULT_PROBE = { type: 'account.get', payload: {} } as const;

export class NiyanthaWsClient<Ops extends OperationMapShape<Ops>, File = unknown> extends RequestReplyClient<Ops> {
  readonly #upload: UploadProtocol<File>;
  readonly #credentialsAuth: ((credentials: NiyanthaCredentials) => AuthCredentials) | undefined;

  /** `credentialsAuth` turns `setCredentials()` input into the login (default: none, `setCredentials` rejects). */
  constructor(options: RequestReplyClientOptions<Ops>, upload: UploadProtocol<File>, credentialsAuth?: (credentials: NiyanthaCredentials) => AuthCredentials) {
    super(options);
    this.#upload = upload;
    this.#credentialsAuth = credentialsAuth;
  }

  /**
   * Switches the socket to another S2S key (key rotation: create the new key, `setCredentials`,
   * then expire the old one). On an open socket this sends `auth.login` with the new key and
   * resolves after `auth.success`; requests made meanwhile wait in the queue and requests in
   * flight are unaffected. The new key is used for every later reconnect.
   *
   * If the server refuses the new key (`auth.failure` with a non-transient code, or close 4401),
   * it rejects with WsAuthenticationError and the client keeps the previous key: the server ends
   * the socket after a failed login, so the client reconnects with the previous key (requests in
   * flight on that socket fail with ConnectionLostError; queued ones wait). Before the first
   * session, a refused key closes the client like a failed `connect()`. See `setAuth`.
   */
  async setCredentials(credentials: NiyanthaCredentials): Promise<void> {
    if (!this.#credentialsAuth) throw new ConfigurationError('this client was created without a way to build auth.login from credentials');
    return this.setAuth(this.#credentialsAuth(credentials));
  }

  /**
   * Uploads a file with file.stream.start → file.stream.chunk × N → file.stream.complete and
   * resolves with the stored File. Progress comes from the server's chunk acknowledgements.
   * Not resumable: if the connection drops, the upload rejects (ConnectionLostError) and must be restarted.
   */
  uploadFile(options: UploadFileOptions): Promise<File> {
    return uploadFile((type, payload, opts) => this.rawRequest(type, payload, opts), this.#upload, options);
  }
}

/** Builds the auth.login payload; the secret is revealed only here, per login. */
export function s2sAuth(credentials: NiyanthaCredentials, app: string, storeId: string | number | undefined): () => unknown {
  return s2sCredentialsAuth(credentials, app, storeId).payload;
}

/** The auth.login payload builder and the public key of S2S credentials (validated now, revealed per login). */
export function s2sCredentialsAuth(credentials: NiyanthaCredentials, app: string, storeId: string | number | undefined): AuthCredentials {
  if (!credentials || credentials.key == null || credentials.secret == null) throw new ConfigurationError('credentials.key and credentials.secret are required');
  const key = Secret.from(credentials.key, 'credentials.key');
  const secret = Secret.from(credentials.secret, 'credentials.secret');
  return {
    payload: () => ({
      authType: 's2s',
      token: key.reveal(),
      metadata: { secret: secret.reveal(), app, ...(storeId !== undefined ? { storeId: String(storeId) } : {}) },
    }),
    publicKey: () => key.reveal(),
  };
}

/**
 * Reply payloads that carry a secret, wrapped in a `Secret` before delivery (as the REST client
 * does): `account.keys.create.ok`'s `secret` — `reply.secret.reveal()` gives the value.
 */
export const NIYANTHA_REPLY_TRANSFORMS: Readonly<Record<string, (payload: unknown) => unknown>> = {
  'account.keys.create': (payload) => {
    const p = payload as { secret?: unknown } | null;
    if (!p || typeof p !== 'object' || typeof p.secret !== 'string' || p.secret === '') return payload;
    return { ...p, secret: new Secret(p.secret, 'api key secret') };
  },
};

/** Creates (without connecting) a Niyantha client over any operation table of the right shape. */
export function createNiyanthaWsClient<Ops extends OperationMapShape<Ops>, File = unknown>(
  options: NiyanthaWsOptions,
  operations: OperationTable<Ops>,
  upload: UploadProtocol<File>,
  validator?: FrameValidator,
): NiyanthaWsClient<Ops, File> {
  const hb = options.heartbeat;
  const heartbeat: HeartbeatConfig | false = hb === false ? false : { ...hb, probe: hb?.probe ?? DEFAULT_PROBE };
  const app = options.app ?? DEFAULT_APP;
  const credentialsAuth = (credentials: NiyanthaCredentials) => s2sCredentialsAuth(credentials, app, options.storeId);
  const replyTransforms: Record<string, (payload: unknown) => unknown> = {};
  for (const [type, fn] of Object.entries(NIYANTHA_REPLY_TRANSFORMS)) if (type in operations) replyTransforms[type] = fn;
  const base: RequestReplyClientOptions<Ops> = {
    url: options.url ?? DEFAULT_URL,
    operations,
    auth: { type: 'auth.login', ...credentialsAuth(options.credentials) },
    heartbeat,
    replyTransforms,
  };
  const copy = ['WebSocket', 'requestTimeoutMs', 'connectTimeoutMs', 'queueLimit', 'reconnect', 'logger', 'random', 'signal', 'maxBufferedChunks'] as const;
  for (const k of copy) if (options[k] !== undefined) (base as unknown as Record<string, unknown>)[k] = options[k];
  if (validator) base.validator = validator;
  return new NiyanthaWsClient<Ops, File>(base, upload, credentialsAuth);
}
