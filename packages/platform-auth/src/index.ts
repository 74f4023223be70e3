// @s2sdk/platform-auth — typed client and OTP token manager for the Platform auth API.
export {
  APP_CREDENTIALS_SCHEME,
  createPlatformAuthClient,
  type AccessToken,
  type AppCredentials,
  type CallOptions,
  type components,
  type LoginRequest,
  type OAuthError,
  type OAuthErrorCode,
  type PasswordGrant,
  type paths,
  type PlatformAuthClient,
  type PlatformAuthClientOptions,
  type RefreshTokenGrant,
  type ResendOtpRequest,
  type RevokeResponse,
  type TokenRequest,
  type VerificationTokenFailure,
  type VerificationTokenSuccess,
} from './client.js';
export {
  createMemoryTokenStore,
  createTokenManager,
  type OtpRequest,
  type StoredTokens,
  type TokenManager,
  type TokenManagerOptions,
  type TokenManagerState,
  type TokenStore,
} from './token-manager.js';
export { operations } from './generated/operations.gen.js';
