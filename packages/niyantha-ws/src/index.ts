// @s2sdk/niyantha-ws — typed request/reply WebSocket client for the Niyantha Account S2S API.
export { RequestReplyClient, safeUrl, type AuthConfig, type AuthCredentials, type AuthOutcome, type ClientEvents, type FrameValidator, type HeartbeatConfig, type RequestReplyClientOptions } from './client.js';
export {
  NiyanthaWsClient,
  createNiyanthaWsClient,
  niyanthaUploadProtocol,
  DEFAULT_URL,
  DEFAULT_APP,
  DEFAULT_PROBE,
  NIYANTHA_REPLY_TRANSFORMS,
  type NiyanthaCredentials,
  type NiyanthaWsOptions,
} from './niyantha-client.js';
export {
  NiyanthaWsError,
  WsRequestError,
  WsAuthenticationError,
  WsKeyRejectedError,
  isKeyRejected,
  KEY_REJECTED,
  type KeyRejected,
  type KeyRejectionReason,
  StreamOverflowError,
  TRANSIENT_AUTH_CODES,
  KEY_REJECTED_CODES,
  RequestTimeoutError,
  RequestAbortedError,
  ConnectionLostError,
  ConnectError,
  ReconnectFailedError,
  QueueFullError,
  ClientClosedError,
  HeartbeatTimeoutError,
  WsValidationError,
  WsProtocolError,
  type WsErrorPayload,
} from './errors.js';
export type { WsStream } from './stream.js';
export type { UploadData, UploadFileOptions, UploadProgress, UploadProtocol, ByteAsyncIterable } from './upload.js';
export { frameValidator, loadAjv, type MessageSchemas } from './validate.js';
export type {
  AuthReply,
  AuthType,
  ChunkPayload,
  ConnectionState,
  Envelope,
  ErrorPayload,
  HeartbeatOptions,
  Logger,
  OperationMapShape,
  OperationShape,
  OperationTable,
  OperationTableEntry,
  ReconnectOptions,
  ReplyPayload,
  RequestOptions,
  RequestPayload,
  RequestType,
  StreamType,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
// Core errors users commonly catch, re-exported for convenience.
export { S2sdkError, AuthenticationError, TimeoutError, AbortedError, NetworkError, Secret } from '@s2sdk/core';
export {
  connectNiyanthaWs,
  createNiyanthaWs,
  niyanthaValidator,
  niyanthaOperationTable,
  type NiyanthaOperations,
  type NiyanthaCreatedApiKey,
  type NiyanthaFile,
  type NiyanthaWs,
} from './niyantha.js';
