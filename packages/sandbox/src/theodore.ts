// Vayana Theodore (specs/vayana-theodore/openapi.yaml): POST /authtokens opens a session with a
// token valid tokenDurationInMins (default 20, clamped to 360) and a hard expiry of 6× that; at
// most 10 active sessions per user, an 11th login is 429 MAX_SESSIONS_EXCEEDED.
import { unixSeconds, type Clock } from './clock.js';
import type { Outcome } from './outcome.js';
import { newToken, tokenHash } from './tokens.js';

export const DEFAULT_DURATION_MINS = 20;
export const MAX_DURATION_MINS = 360;
export const HARD_EXPIRY_FACTOR = 6;
export const MAX_SESSIONS = 10;

export interface TheodoreUser {
  handle: string;
  password: string;
  userId?: string;
}

export interface TheodoreState {
  sessions: { token_hash: string; handle: string; expires_at: number; hard_expires_at: number }[];
}

const error = (status: number, code: string, message: string): Outcome => ({ status, body: { error: { code, message } } });

export class Theodore {
  state: TheodoreState = { sessions: [] };
  constructor(
    private readonly clock: Clock,
    readonly users: () => TheodoreUser[],
    private readonly template: () => Record<string, unknown>,
  ) {}

  activeSessions(handle: string): number {
    const now = unixSeconds(this.clock);
    return this.state.sessions.filter((s) => s.handle === handle && s.hard_expires_at > now).length;
  }

  createAuthToken(body: { handle?: string; password?: string; tokenDurationInMins?: number }): Outcome {
    const user = this.users().find((u) => u.handle === body.handle && u.password === body.password);
    if (!user) return error(401, 'INVALID_CREDENTIALS', 'Invalid handle or password.');
    if (this.activeSessions(user.handle) >= MAX_SESSIONS) return { ...error(429, 'MAX_SESSIONS_EXCEEDED', `At most ${MAX_SESSIONS} active sessions per user.`), headers: { 'retry-after': '60' } };
    const mins = Math.min(Math.max(1, body.tokenDurationInMins ?? DEFAULT_DURATION_MINS), MAX_DURATION_MINS);
    const now = unixSeconds(this.clock);
    const token = newToken('theo');
    const expires = now + mins * 60;
    this.state.sessions.push({ token_hash: tokenHash(token), handle: user.handle, expires_at: expires, hard_expires_at: now + mins * 60 * HARD_EXPIRY_FACTOR });
    const data = { ...this.template(), token, expiry: expires * 1000, email: user.handle, ...(user.userId ? { userId: user.userId } : {}) };
    return { status: 200, body: { data } };
  }

  /** True while a token is unexpired (for callers of the sandbox that want to check one). */
  isValid(token: string): boolean {
    const s = this.state.sessions.find((x) => x.token_hash === tokenHash(token));
    return Boolean(s && s.expires_at > unixSeconds(this.clock));
  }
}
