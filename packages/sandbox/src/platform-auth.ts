// Platform auth (specs/platform-auth/openapi.yaml): login → OTP (printed to the sandbox log, by
// design — it is not sent anywhere) → access + refresh token; refresh rotates both tokens (the
// old refresh token is single-use); revoke ends the access token. Access tokens double as the
// Niyantha key-management session (`Authorization: Bearer`).
import { unixSeconds, type Clock } from './clock.js';
import type { Outcome } from './outcome.js';
import { newToken, sendOtp, tokenHash } from './tokens.js';

export const ACCESS_TOKEN_TTL_SECONDS = 7200;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;
export const VERIFICATION_TTL_SECONDS = 600;
export const MAX_OTP_ATTEMPTS = 5;

export interface PlatformUser {
  email: string;
  password: string;
  account_id: number;
  scopes?: string[];
}

export interface PlatformState {
  verifications: { hash: string; email: string; otp_hash: string; expires_at: number; attempts: number }[];
  tokens: { access_hash: string; refresh_hash: string; email: string; account_id: number; created_at: number; expires_in: number; refresh_expires_at: number; revoked: boolean; refresh_used: boolean; scopes: string[] }[];
}

const failure = (status: number, error: string): Outcome => ({ status, body: { status: 'failure', data: { token: null, error } } });
const oauth = (status: number, error: string, error_description: string): Outcome => ({ status, body: { error, error_description } });
const INVALID_GRANT = 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';

export class PlatformAuth {
  state: PlatformState = { verifications: [], tokens: [] };
  constructor(
    private readonly clock: Clock,
    readonly users: () => PlatformUser[],
    private readonly log: (line: string) => void,
  ) {}

  private now() {
    return unixSeconds(this.clock);
  }

  private sendOtp(email: string): string {
    // By design: the sandbox "sends" the OTP by printing it to its own log.
    return sendOtp(this.log, 'platform-auth', email);
  }

  login(body: { email?: string; password?: string; token?: string }): Outcome {
    if (typeof body.token === 'string') return this.resend({ email: body.email, token: body.token });
    const user = this.users().find((u) => u.email === body.email && u.password === body.password);
    if (!user) return failure(401, 'Invalid email or password');
    const token = newToken('vt');
    const otp = this.sendOtp(user.email);
    this.state.verifications.push({ hash: tokenHash(token), email: user.email, otp_hash: tokenHash(otp), expires_at: this.now() + VERIFICATION_TTL_SECONDS, attempts: 0 });
    return { status: 200, body: { status: 'success', data: { token, error: null } } };
  }

  resend(body: { email?: string; token?: string }): Outcome {
    const v = this.state.verifications.find((x) => x.hash === tokenHash(String(body.token)) && x.email === body.email && x.expires_at > this.now());
    if (!v) return failure(401, 'Invalid or expired verification token');
    v.otp_hash = tokenHash(this.sendOtp(v.email));
    v.attempts = 0;
    return { status: 200, body: { status: 'success', data: { token: body.token, error: null } } };
  }

  token(body: { grant_type?: string; username?: string; password?: string; refresh_token?: string }): Outcome {
    const now = this.now();
    if (body.grant_type === 'password') {
      const v = this.state.verifications.find((x) => x.hash === tokenHash(String(body.username)));
      if (!v || v.expires_at <= now) return oauth(400, 'invalid_grant', INVALID_GRANT);
      if (v.otp_hash !== tokenHash(String(body.password))) {
        v.attempts++;
        if (v.attempts >= MAX_OTP_ATTEMPTS) this.state.verifications = this.state.verifications.filter((x) => x !== v);
        return oauth(400, 'invalid_grant', INVALID_GRANT);
      }
      this.state.verifications = this.state.verifications.filter((x) => x !== v);
      const user = this.users().find((u) => u.email === v.email);
      return this.issue(v.email, user?.account_id ?? 0, user?.scopes ?? ['keys:manage']);
    }
    if (body.grant_type === 'refresh_token') {
      const t = this.state.tokens.find((x) => x.refresh_hash === tokenHash(String(body.refresh_token)));
      if (!t || t.refresh_used || t.revoked || t.refresh_expires_at <= now) return oauth(401, 'invalid_grant', INVALID_GRANT);
      t.refresh_used = true;
      t.revoked = true; // rotation: the pair is replaced as a whole
      return this.issue(t.email, t.account_id, t.scopes);
    }
    return oauth(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
  }

  private issue(email: string, accountId: number, scopes: string[]): Outcome {
    const access = newToken('at');
    const refresh = newToken('rt');
    const created = this.now();
    this.state.tokens.push({ access_hash: tokenHash(access), refresh_hash: tokenHash(refresh), email, account_id: accountId, created_at: created, expires_in: ACCESS_TOKEN_TTL_SECONDS, refresh_expires_at: created + REFRESH_TOKEN_TTL_SECONDS, revoked: false, refresh_used: false, scopes });
    return { status: 200, body: { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, refresh_token: refresh, created_at: created }, headers: { 'cache-control': 'no-store' } };
  }

  revoke(body: { token?: string }): Outcome {
    const t = this.state.tokens.find((x) => x.access_hash === tokenHash(String(body.token)));
    if (t) t.revoked = true;
    return { status: 200, body: {} };
  }

  /** The account of a valid (unexpired, unrevoked) access token. */
  accountOf(accessToken: string): number | undefined {
    const t = this.state.tokens.find((x) => x.access_hash === tokenHash(accessToken));
    if (!t || t.revoked || t.created_at + t.expires_in <= this.now()) return undefined;
    return t.account_id;
  }
}
