// @s2sdk/niyantha — typed REST client for the Niyantha Account S2S API, key management and key rotation.
export {
  createNiyanthaClient,
  type AppLogoUploadInput,
  type CredentialsSwitch,
  type FileUploadInput,
  type NiyanthaClient,
  type NiyanthaClientOptions,
  type S2SAuthMode,
  type S2SCredentials,
} from './client.js';
export { createKeyManagementClient, type CreatedApiKey, type CreateKeyInput, type CreateKeyOptions, type KeyManagementClient, type KeyManagementClientOptions, type SessionTokenSource } from './keys.js';
export { createKeyRotator, type KeyRotator, type KeyRotatorOptions, type RotationResult, type RotatorKeyInfo } from './rotation.js';
export { ApiKeyRejectedError, apiKeyRejectionReason, type ApiKeyRejectionReason } from './errors.js';
export { DEFAULT_MAX_UPLOAD_BYTES, type ChunkIterable, type UploadData, type UploadFileInput } from './multipart.js';
export {
  operationTable,
  type KeyManagementOperationId,
  type MultipartOperationId,
  type OperationArgs,
  type OperationData,
  type OperationId,
  type OperationInit,
  type OperationMethod,
  type S2SOperationMethods,
} from './operations.js';
export { DEFAULT_BASE_URL, SCHEMES, type CallOptions } from './shared.js';
export type * from './types.js';
// The typed errors callers catch, re-exported for convenience.
export {
  ApiError,
  AuthenticationError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  S2sdkError,
  Secret,
} from '@s2sdk/core';

// Recognises a rejected API key from this client or from @s2sdk/niyantha-ws.
export { isKeyRejected, type KeyRejected } from '@s2sdk/core';
