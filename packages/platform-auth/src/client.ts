// Typed client for the Platform auth API (specs/platform-auth/openapi.yaml).
// Every operation authenticates the application with HTTP Basic (client_id:client_secret).
import {
  basicAuthorization,
  ConfigurationError,
  createApiClient,
  INSPECT,
  MalformedResponseError,
  registerSecretValue,
  Secret,
  unwrap,
  type ApiClient,
  type RetryOptions,
  pickClientOptions,
  validateBaseUrl,
  type ClientOptions,
} from '@s2sdk/core';
import { operations } from './generated/operations.gen.js';
import type { components, paths } from './generated/schema.gen.js';

export type { components, paths };
type Schemas = components['schemas'];
export type LoginRequest = Schemas['LoginRequest'];
export type ResendOtpRequest = Schemas['ResendOtpRequest'];
export type VerificationTokenSuccess = Schemas['VerificationTokenSuccess'];
/** Body of a failed login / resend OTP (400, 401, 422). */
export type VerificationTokenFailure = Schemas['VerificationTokenFailure'];
export type TokenRequest = Schemas['TokenRequest'];
export type PasswordGrant = Schemas['PasswordGrant'];
export type RefreshTokenGrant = Schemas['RefreshTokenGrant'];
export type AccessToken = Schemas['AccessToken'];
/** Body of a failed token / revoke call (400, 401). */
export type OAuthError = Schemas['OAuthError'];
export type OAuthErrorCode = OAuthError['error'];
export type RevokeResponse = Schemas['EmptyObject'];

/** The security scheme of the spec that carries the application credentials. */
export const APP_CREDENTIALS_SCHEME = 'appCredentials';

export interface AppCredentials {
  /** The application's client_id (Basic user name). */
  clientId: string;
  /** The application's client_secret (Basic password). Kept in a {@link Secret}. */
  clientSecret: string | Secret;
}

export interface PlatformAuthClientOptions extends ClientOptions {
  /** The platform's base URL, e.g. `https://platform.example` (the documentation's example is `http://localhost:3000`). */
  baseUrl: string;
  /** Application credentials, sent as HTTP Basic on every call. */
  credentials: AppCredentials;
  /**
   * Route used by {@link PlatformAuthClient.resendOtp}: `'login'` (default:
   * `POST /api/platform/v1/login` with `{ email, token }`, the documented route) or
   * `'resend_otp'` (`POST /api/platform/v1/login/resend_otp`, the route of the documented curl).
   */
  resendOtpRoute?: 'resend_otp' | 'login';
  /** Retries apply to retry-safe operations only: revoke (x-idempotent). Login and token are never re-sent blindly. */
  retry?: RetryOptions | false;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PlatformAuthClient {
  readonly baseUrl: string;
  /** The typed openapi-fetch client; Basic app credentials are added to every request. */
  readonly raw: ApiClient<paths>;
  /**
   * `POST /api/platform/v1/login`: checks email/password and sends an OTP; returns the verification token body.
   * @throws BadRequestError / AuthenticationError / UnprocessableEntityError with a {@link VerificationTokenFailure} body
   */
  login(input: { email: string; password: string | Secret }, options?: CallOptions): Promise<VerificationTokenSuccess>;
  /** Sends the OTP again (route: see `resendOtpRoute`). Same answers as `login`. */
  resendOtp(input: { email: string; token: string | Secret }, options?: CallOptions): Promise<VerificationTokenSuccess>;
  /**
   * `POST /api/platform/v1/token` with `grant_type=password`: `username` = the verification token, `password` = the OTP.
   * @throws BadRequestError (400 invalid_grant: wrong/expired OTP), AuthenticationError (401 invalid_client) with an {@link OAuthError} body
   */
  passwordGrant(input: { verificationToken: string | Secret; otp: string | Secret }, options?: CallOptions): Promise<AccessToken>;
  /**
   * `POST /api/platform/v1/token` with `grant_type=refresh_token`.
   * @throws AuthenticationError (401: start again with a login) or BadRequestError (400 invalid_grant) with an {@link OAuthError} body
   */
  refresh(refreshToken: string | Secret, options?: CallOptions): Promise<AccessToken>;
  /** `POST /api/platform/v1/token/revoke`: always `{}` (safe to repeat; retried on transient failures). */
  revoke(token: string | Secret, options?: CallOptions): Promise<RevokeResponse>;
}

const reveal = (v: string | Secret, label: string): string => {
  const s = Secret.from(v, label);
  return s.reveal();
};

class PlatformAuthClientImpl implements PlatformAuthClient {
  readonly baseUrl: string;
  readonly raw: ApiClient<paths>;
  readonly #clientId: string;
  readonly #resendRoute: 'resend_otp' | 'login';

  constructor(options: PlatformAuthClientOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createPlatformAuthClient: options are required');
    this.baseUrl = validateBaseUrl(options.baseUrl);
    const creds = options.credentials;
    if (!creds || typeof creds !== 'object') throw new ConfigurationError('`credentials` ({ clientId, clientSecret }) are required');
    if (typeof creds.clientId !== 'string' || creds.clientId === '') throw new ConfigurationError('credentials.clientId must be a non-empty string');
    if (creds.clientId.includes(':')) throw new ConfigurationError('credentials.clientId must not contain ":" (HTTP Basic user names cannot)');
    this.#clientId = creds.clientId;
    const secret = Secret.from(creds.clientSecret, 'credentials.clientSecret');
    const authorization = basicAuthorization(creds.clientId, secret);
    this.#resendRoute = options.resendOtpRoute ?? 'login';
    if (this.#resendRoute !== 'resend_otp' && this.#resendRoute !== 'login') throw new ConfigurationError('resendOtpRoute must be "resend_otp" or "login"');
    this.raw = createApiClient<paths>({
      baseUrl: this.baseUrl,
      ...pickClientOptions(options),
      operations,
      // The spec's security: every operation requires appCredentials (HTTP Basic).
      // Unknown paths (not in the table) get the credentials too: the whole API is app-authenticated.
      auth: ({ request, operation }) => {
        if (!operation || operation.security.some((req) => req.includes(APP_CREDENTIALS_SCHEME))) request.headers.set('authorization', authorization);
      },
    });
    Object.defineProperty(this, 'raw', { enumerable: false });
  }

  async login(input: { email: string; password: string | Secret }, options: CallOptions = {}): Promise<VerificationTokenSuccess> {
    const body: LoginRequest = { email: input.email, password: reveal(input.password, 'password') };
    const result = this.raw.POST('/api/platform/v1/login', { body, signal: options.signal });
    return verificationToken(await unwrap(result), (await result).response);
  }

  async resendOtp(input: { email: string; token: string | Secret }, options: CallOptions = {}): Promise<VerificationTokenSuccess> {
    const body: ResendOtpRequest = { email: input.email, token: reveal(input.token, 'token') };
    const result =
      this.#resendRoute === 'login'
        ? this.raw.POST('/api/platform/v1/login', { body, signal: options.signal })
        : this.raw.POST('/api/platform/v1/login/resend_otp', { body, signal: options.signal });
    return verificationToken(await unwrap(result), (await result).response);
  }

  async passwordGrant(input: { verificationToken: string | Secret; otp: string | Secret }, options: CallOptions = {}): Promise<AccessToken> {
    const body: PasswordGrant = { grant_type: 'password', username: reveal(input.verificationToken, 'verificationToken'), password: reveal(input.otp, 'otp') };
    const result = this.raw.POST('/api/platform/v1/token', { body, signal: options.signal });
    return accessToken(await unwrap(result), (await result).response);
  }

  async refresh(refreshToken: string | Secret, options: CallOptions = {}): Promise<AccessToken> {
    const body: RefreshTokenGrant = { grant_type: 'refresh_token', refresh_token: reveal(refreshToken, 'refreshToken') };
    const result = this.raw.POST('/api/platform/v1/token', { body, signal: options.signal });
    return accessToken(await unwrap(result), (await result).response);
  }

  async revoke(token: string | Secret, options: CallOptions = {}): Promise<RevokeResponse> {
    const result = this.raw.POST('/api/platform/v1/token/revoke', { body: { token: reveal(token, 'token') }, signal: options.signal });
    const data = await unwrap(result);
    // "Response is always an empty json {}": tolerate an empty body too.
    return (data ?? {}) as RevokeResponse;
  }

  toJSON() {
    return { baseUrl: this.baseUrl, clientId: this.#clientId };
  }

  [INSPECT]() {
    return `PlatformAuthClient ${JSON.stringify(this.toJSON())}`;
  }
}

function malformed(response: Response, reason: string): MalformedResponseError {
  return new MalformedResponseError(response.status, response.headers.get('content-type') ?? undefined, reason);
}

function verificationToken(data: unknown, response: Response): VerificationTokenSuccess {
  const d = data as Partial<VerificationTokenSuccess> | undefined;
  if (!d || d.status !== 'success' || !d.data || typeof d.data.token !== 'string' || d.data.token === '') {
    throw malformed(response, 'expected { status: "success", data: { token } }');
  }
  registerSecretValue(d.data.token);
  return d as VerificationTokenSuccess;
}

function accessToken(data: unknown, response: Response): AccessToken {
  const t = data as Partial<AccessToken> | undefined;
  if (!t || typeof t.access_token !== 'string' || t.access_token === '') throw malformed(response, 'expected an access token object with access_token');
  registerSecretValue(t.access_token);
  if (typeof t.refresh_token === 'string') registerSecretValue(t.refresh_token);
  if (t.expires_in !== undefined && (typeof t.expires_in !== 'number' || !Number.isFinite(t.expires_in) || t.expires_in < 0)) {
    throw malformed(response, 'expires_in must be a non-negative number of seconds');
  }
  return t as AccessToken;
}

/** Creates the typed Platform auth client (HTTP Basic app credentials on every call). */
export function createPlatformAuthClient(options: PlatformAuthClientOptions): PlatformAuthClient {
  return new PlatformAuthClientImpl(options);
}
