// The Niyantha flavour of the generic client: S2S `auth.login` on every (re)connect,
// an application-level heartbeat probe, and chunked file uploads.
import { ConfigurationError, Secret } from '@s2sdk/core';
import { RequestReplyClient, type FrameValidator, type HeartbeatConfig, type RequestReplyClientOptions } from './client.js';
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
  /** Reconnect policy after a drop (default: 250 ms initial, ×2, 30 s cap, 10 attempts, full jitter), or `false`. */
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

  constructor(options: RequestReplyClientOptions<Ops>, upload: UploadProtocol<File>) {
    super(options);
    this.#upload = upload;
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

/** Builds the auth.login payload; the secret is revealed only here, per connect. */
export function s2sAuth(credentials: NiyanthaCredentials, app: string, storeId: string | number | undefined): () => unknown {
  if (!credentials || credentials.key == null || credentials.secret == null) throw new ConfigurationError('credentials.key and credentials.secret are required');
  const key = Secret.from(credentials.key, 'credentials.key');
  const secret = Secret.from(credentials.secret, 'credentials.secret');
  return () => ({
    authType: 's2s',
    token: key.reveal(),
    metadata: { secret: secret.reveal(), app, ...(storeId !== undefined ? { storeId: String(storeId) } : {}) },
  });
}

/** Creates (without connecting) a Niyantha client over any operation table of the right shape. */
export function createNiyanthaWsClient<Ops extends OperationMapShape<Ops>, File = unknown>(
  options: NiyanthaWsOptions,
  operations: OperationTable<Ops>,
  upload: UploadProtocol<File>,
  validator?: FrameValidator,
): NiyanthaWsClient<Ops, File> {
  const hb = options.heartbeat;
  const heartbeat: HeartbeatConfig | false = hb === false ? false : { ...hb, probe: hb?.probe ?? DEFAULT_PROBE };
  const base: RequestReplyClientOptions<Ops> = {
    url: options.url ?? DEFAULT_URL,
    operations,
    auth: { type: 'auth.login', payload: s2sAuth(options.credentials, options.app ?? DEFAULT_APP, options.storeId) },
    heartbeat,
  };
  const copy = ['WebSocket', 'requestTimeoutMs', 'connectTimeoutMs', 'queueLimit', 'reconnect', 'logger', 'random', 'signal'] as const;
  for (const k of copy) if (options[k] !== undefined) (base as unknown as Record<string, unknown>)[k] = options[k];
  if (validator) base.validator = validator;
  return new NiyanthaWsClient<Ops, File>(base, upload);
}
