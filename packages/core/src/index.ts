export {
  S2sdkError,
  ConfigurationError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  TimeoutError,
  AbortedError,
  NetworkError,
  MalformedResponseError,
  SessionError,
  isS2sdkError,
  isKeyRejected,
  KEY_REJECTED,
  type KeyRejected,
  type KeyRejectionReason,
  parseRetryAfter,
  type ApiErrorInit,
  type ErrorOptions,
  type SessionErrorReason,
  type TimeoutScope,
} from './errors.js';
export { Secret, redact, redactHeaders, scrub, isSensitiveKey, basicAuthorization, registerSecretValue, REDACTED, INSPECT } from './redact.js';
export { backoffDelay, backoffStep, checkBackoffPolicy, REST_BACKOFF, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { safeLogger, type Logger, type LogLevel } from './logger.js';
export { createTransport, isRetrySafe, requestNeverSent, requestHints, type FetchLike, type RetryOptions, type TransportOptions, type RequestHints } from './transport.js';
export {
  createApiClient,
  pickClientOptions,
  validateBaseUrl,
  unwrap,
  apiError,
  type ApiClient,
  type ApiClientOptions,
  type ClientOptions,
  type AuthContext,
  type ErrorBody,
  type Middleware,
  type OperationInfo,
  type OperationTable,
  type SuccessData,
} from './client.js';
export { TokenCache, type CachedToken, type TokenCacheOptions, type TokenFetchContext, type TokenState } from './token-cache.js';
