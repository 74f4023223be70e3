// An in-process Platform auth server for behaviour tests: checks HTTP Basic on every
// call, issues access-1/refresh-1, access-2/refresh-2, … and can be told to fail.
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpServer, type RecordedRequest, type TestHttpServer } from '@s2sdk/testkit';

export const P = {
  login: '/api/platform/v1/login',
  resend: '/api/platform/v1/login/resend_otp',
  token: '/api/platform/v1/token',
  revoke: '/api/platform/v1/token/revoke',
} as const;

export interface PlatformDouble extends TestHttpServer {
  /** Next answers of a path, consumed in order (then the default behaviour). */
  queue(path: string, ...replies: ((req: RecordedRequest, res: ServerResponse) => void)[]): void;
  readonly issued: number;
  readonly revoked: string[];
  /** Makes a refresh token acceptable (for tokens handed in with fromTokens). */
  allowRefresh(token: string): void;
}

export interface DoubleOptions {
  clientId: string;
  clientSecret: string;
  /** Password accepted by /login. */
  password?: string;
  /** OTP accepted by the password grant. */
  otp?: string;
  expiresIn?: number;
  /** created_at (epoch seconds) of issued tokens. */
  createdAt?: () => number;
  verificationToken?: string;
  /** Access token values (default access-<n>). */
  accessToken?: (n: number) => string;
  refreshToken?: (n: number) => string;
}

export async function platformDouble(o: DoubleOptions): Promise<PlatformDouble> {
  const expected = `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64')}`;
  const queues = new Map<string, ((req: RecordedRequest, res: ServerResponse) => void)[]>();
  const liveRefresh = new Set<string>();
  const vt = o.verificationToken ?? 'verification-token-1';
  const state = { issued: 0, revoked: [] as string[] };
  const issue = (res: ServerResponse) => {
    state.issued++;
    const n = state.issued;
    const refresh = o.refreshToken ? o.refreshToken(n) : `refresh-${n}`;
    liveRefresh.add(refresh);
    sendJson(res, 200, {
      access_token: o.accessToken ? o.accessToken(n) : `access-${n}`,
      token_type: 'Bearer',
      expires_in: o.expiresIn ?? 7200,
      refresh_token: refresh,
      created_at: o.createdAt ? o.createdAt() : Math.floor(Date.now() / 1000),
    });
  };
  const server = await startHttpServer((req, res) => {
    if (req.headers.authorization !== expected) return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    const q = queues.get(req.path);
    const next = q?.shift();
    if (next) return next(req, res);
    switch (req.path) {
      case P.login:
        if (req.json?.token !== undefined) return sendJson(res, 200, { status: 'success', data: { token: vt, error: null } });
        if (req.json?.password !== (o.password ?? 'Staff-Pw-42')) return sendJson(res, 401, { status: 'failure', data: { token: null, error: 'Invalid email or password' } });
        return sendJson(res, 200, { status: 'success', data: { token: vt, error: null } });
      case P.resend:
        return sendJson(res, 200, { status: 'success', data: { token: vt, error: null } });
      case P.token:
        if (req.json?.grant_type === 'password') {
          if (req.json.username !== vt || req.json.password !== (o.otp ?? '100100')) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid.' });
          return issue(res);
        }
        if (req.json?.grant_type === 'refresh_token') {
          if (!liveRefresh.delete(req.json.refresh_token)) return sendJson(res, 401, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid.' });
          return issue(res);
        }
        return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'unsupported' });
      case P.revoke:
        state.revoked.push(req.json?.token);
        return sendJson(res, 200, {});
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  });
  return {
    ...server,
    queue(path: string, ...replies: ((req: RecordedRequest, res: ServerResponse) => void)[]) {
      queues.set(path, [...(queues.get(path) ?? []), ...replies]);
    },
    get issued() {
      return state.issued;
    },
    get revoked() {
      return state.revoked;
    },
    allowRefresh(token: string) {
      liveRefresh.add(token);
    },
  };
}
