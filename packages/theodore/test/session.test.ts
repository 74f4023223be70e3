// Behaviour of the Theodore session against in-process servers (injected clock, no wall-clock assertions).
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigurationError, InternalServerError, RateLimitError, SessionError, createApiClient, unwrap } from '@s2sdk/core';
import {
  clampTokenDuration,
  createTheodoreClient,
  createTheodoreSession,
  normalizeEpoch,
  tokenExpiresAt,
  DEFAULT_TOKEN_HEADER,
  type TheodoreSessionOptions,
} from '@s2sdk/theodore';
import { clock, sendJson, startHttpServer, type RecordedRequest, type TestHttpServer } from '@s2sdk/testkit';

const AUTH = '/theodore/apis/v1/authtokens';
const MIN = 60_000;
const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A Theodore double: issues token-1, token-2, … with `expiry` from `expiryFor` (default: issue + duration, epoch ms). */
async function theodore(
  c: ReturnType<typeof clock>,
  opts: { expiryFor?: (req: RecordedRequest, n: number) => number; fail?: (n: number) => { status: number; body: unknown } | undefined } = {},
) {
  let n = 0;
  const server = await startHttpServer((req, res) => {
    if (req.path !== AUTH) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'no' } });
    n++;
    const failure = opts.fail?.(n);
    if (failure) return sendJson(res, failure.status, failure.body);
    const duration = req.json.tokenDurationInMins ?? 20;
    const expiry = opts.expiryFor ? opts.expiryFor(req, n) : c.now() + duration * MIN;
    sendJson(res, 200, { data: { token: `token-${n}`, userId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', expiry, email: 'u@example.com', associatedOrgs: [] } });
  });
  servers.push(server);
  return server;
}

function session(server: TestHttpServer, c: ReturnType<typeof clock>, extra: Partial<TheodoreSessionOptions> = {}) {
  return createTheodoreSession({
    client: { environment: { baseUrl: server.url }, retry: false },
    credentials: { handle: 'u@example.com', password: 'pw-secret-1' },
    now: c.now,
    ...extra,
  });
}

describe('createTheodoreSession: caching and single flight', () => {
  it('50 concurrent callers with no token → exactly one token request', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => s.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(server.to(AUTH)).toHaveLength(1);
  });

  it('50 concurrent callers with an expired token → exactly one new token request', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c);
    await s.getToken();
    c.advance(21 * MIN);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => s.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['token-2']));
    expect(server.to(AUTH)).toHaveLength(2);
  });

  it('sends the documented body: handle, password, handleType email, the duration', async () => {
    const c = clock();
    const server = await theodore(c);
    await session(server, c, { tokenDurationInMins: 45 }).getToken();
    expect(server.to(AUTH)[0]!.json).toEqual({ handle: 'u@example.com', password: 'pw-secret-1', handleType: 'email', tokenDurationInMins: 45 });
    expect(server.to(AUTH)[0]!.headers['content-type']).toMatch(/application\/json/);
  });

  it('reuses the token until expiry minus the margin, then issues a new one early', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c, { refreshMarginMs: 2 * MIN });
    const t0 = c.now();
    expect(await s.getToken()).toBe('token-1');
    expect(s.state()).toMatchObject({ expiresAt: t0 + 20 * MIN, hardExpiresAt: t0 + 120 * MIN, tokenDurationInMins: 20 });
    c.set(t0 + 18 * MIN - 1);
    expect(await s.getToken()).toBe('token-1');
    c.set(t0 + 18 * MIN);
    expect(await s.getToken()).toBe('token-2');
    expect(server.to(AUTH)).toHaveLength(2);
  });

  it('invalidate() forces a new login', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c);
    expect(await s.getToken()).toBe('token-1');
    s.invalidate();
    expect(s.state().hasToken).toBe(false);
    expect(await s.getToken()).toBe('token-2');
  });

  it('profile() exposes the non-secret part of the answer', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c);
    await s.getToken();
    expect(s.profile()).toMatchObject({ userId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', email: 'u@example.com' });
    expect(s.profile()).not.toHaveProperty('token');
  });
});

describe('expiry, clamping and the hard-expiry ceiling', () => {
  it('clamps the duration to 1..360 and rejects non-integers', () => {
    expect(clampTokenDuration(undefined)).toBe(20);
    expect(clampTokenDuration(370)).toBe(360);
    expect(clampTokenDuration(360)).toBe(360);
    expect(clampTokenDuration(0)).toBe(1);
    expect(clampTokenDuration(-5)).toBe(1);
    for (const bad of [2.5, Number.NaN, Number.POSITIVE_INFINITY, '20' as unknown as number]) {
      expect(() => clampTokenDuration(bad)).toThrow(ConfigurationError);
    }
  });

  it('a session sends the clamped duration (370 → 360) and reports a hard expiry of 6 × 360 minutes', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c, { tokenDurationInMins: 370 });
    const t0 = c.now();
    await s.getToken();
    expect(server.to(AUTH)[0]!.json.tokenDurationInMins).toBe(360);
    expect(s.state()).toMatchObject({ tokenDurationInMins: 360, expiresAt: t0 + 360 * MIN, hardExpiresAt: t0 + 2160 * MIN });
  });

  it('rejects a non-integer or NaN duration at construction', () => {
    for (const bad of [1.5, Number.NaN]) {
      expect(() =>
        createTheodoreSession({ client: { environment: 'sandbox' }, credentials: { handle: 'u', password: 'p' }, tokenDurationInMins: bad }),
      ).toThrow(ConfigurationError);
    }
  });

  it('reads expiry as epoch ms, or epoch seconds by magnitude; 0 / past → issue + duration', () => {
    const t0 = 1_700_000_000_000;
    expect(normalizeEpoch(1_700_000_600_000)).toBe(1_700_000_600_000);
    expect(normalizeEpoch(1_700_000_600)).toBe(1_700_000_600_000);
    expect(normalizeEpoch(0)).toBeUndefined();
    expect(normalizeEpoch('x')).toBeUndefined();
    expect(tokenExpiresAt(t0 + 10 * MIN, t0, 20 * MIN)).toBe(t0 + 10 * MIN);
    expect(tokenExpiresAt((t0 + 10 * MIN) / 1000, t0, 20 * MIN)).toBe(t0 + 10 * MIN);
    expect(tokenExpiresAt(0, t0, 20 * MIN)).toBe(t0 + 20 * MIN);
    expect(tokenExpiresAt(t0 - MIN, t0, 20 * MIN)).toBe(t0 + 20 * MIN);
  });

  it('an expiry in epoch seconds from the server is honoured', async () => {
    const c = clock();
    const server = await theodore(c, { expiryFor: () => Math.floor((c.now() + 10 * MIN) / 1000) });
    const s = session(server, c);
    const t0 = c.now();
    await s.getToken();
    expect(s.state().expiresAt).toBe(t0 + 10 * MIN);
  });

  it('never uses a token past issue + duration or its hard expiry, even when the server claims a far-future expiry', async () => {
    const c = clock();
    const server = await theodore(c, { expiryFor: () => 4_102_444_800_000 /* 2100-01-01 */ });
    const s = session(server, c, { tokenDurationInMins: 1, refreshMarginMs: 0 });
    const t0 = c.now();
    expect(await s.getToken()).toBe('token-1');
    expect(s.state()).toMatchObject({ expiresAt: t0 + MIN, hardExpiresAt: t0 + 6 * MIN });
    c.set(t0 + MIN);
    expect(await s.getToken()).toBe('token-2');
    const t1 = c.now();
    expect(s.state()).toMatchObject({ expiresAt: t1 + MIN, hardExpiresAt: t1 + 6 * MIN });
  });

  it('does not hand out an expired token when the re-issue fails', async () => {
    const c = clock();
    const server = await theodore(c, { fail: (n) => (n === 2 ? { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'boom' } } } : undefined) });
    const s = session(server, c, { tokenDurationInMins: 1, refreshMarginMs: 0 });
    const t0 = c.now();
    await s.getToken();
    c.set(t0 + 6 * MIN); // the hard expiry of the first token
    await expect(s.getToken()).rejects.toBeInstanceOf(InternalServerError);
  });
});

describe('failures', () => {
  it('a failed login is not cached: the next call logs in again and succeeds', async () => {
    const c = clock();
    const server = await theodore(c, { fail: (n) => (n === 1 ? { status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'later' } } } : undefined) });
    const s = session(server, c);
    await expect(s.getToken()).rejects.toBeInstanceOf(InternalServerError);
    expect(s.state().hasToken).toBe(false);
    expect(await s.getToken()).toBe('token-2');
  });

  it('the token POST is not retried on 5xx even with retries enabled (non-idempotent)', async () => {
    const c = clock();
    const server = await theodore(c, { fail: () => ({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'later' } } }) });
    const s = createTheodoreSession({
      client: { environment: { baseUrl: server.url }, retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2 } },
      credentials: { handle: 'u@example.com', password: 'pw' },
      now: c.now,
    });
    await expect(s.getToken()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.to(AUTH)).toHaveLength(1);
  });

  it('the health GET is retried on 503 (idempotent)', async () => {
    let n = 0;
    const server = await startHttpServer((_req, res) => (++n < 3 ? sendJson(res, 503, { status: 'DOWN' }) : sendJson(res, 200, { status: 'UP' })));
    servers.push(server);
    const client = createTheodoreClient({ environment: { baseUrl: server.url }, retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    expect(await client.getHealth()).toEqual({ status: 'UP' });
    expect(server.requests).toHaveLength(3);
  });

  it('wrong credentials → AuthenticationError; the session limit → RateLimitError with its code', async () => {
    const c = clock();
    const server = await theodore(c, {
      fail: (n) =>
        n === 1
          ? { status: 401, body: { error: { code: 'INVALID_CREDENTIALS', message: 'Invalid handle or password.' } } }
          : { status: 429, body: { error: { code: 'MAX_SESSIONS_EXCEEDED', message: 'The maximum number of active sessions (10) has been reached.' } } },
    });
    const s = session(server, c);
    const e1 = await s.getToken().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AuthenticationError);
    expect((e1 as AuthenticationError<{ error: { code: string } }>).body.error.code).toBe('INVALID_CREDENTIALS');
    const e2 = (await s.getToken().catch((e: unknown) => e)) as RateLimitError<{ error: { code: string } }>;
    expect(e2).toBeInstanceOf(RateLimitError);
    expect(e2.body.error.code).toBe('MAX_SESSIONS_EXCEEDED');
  });
});

describe('middleware() for other Vayana clients', () => {
  it('adds X-FLYNN-N-USER-TOKEN (and the org id when given); a 401 makes the next call log in again', async () => {
    const c = clock();
    const auth = await theodore(c);
    let rejectNext = false;
    const eas = await startHttpServer((req, res) => {
      if (rejectNext) {
        rejectNext = false;
        return sendJson(res, 401, { message: 'token expired' });
      }
      sendJson(res, 200, { ok: true, token: req.headers['x-flynn-n-user-token'] });
    });
    servers.push(eas);
    const s = session(auth, c);
    type EasPaths = { '/eas/thing': { get: { responses: { 200: { content: { 'application/json': { ok: boolean } } }; 401: { content: { 'application/json': { message: string } } } } } } };
    const easClient = createApiClient<EasPaths>({ baseUrl: eas.url, retry: false, middleware: [s.middleware({ organisationId: 'org-42' })] });
    await unwrap(easClient.GET('/eas/thing'));
    expect(eas.requests[0]!.headers[DEFAULT_TOKEN_HEADER.toLowerCase()]).toBe('token-1');
    expect(eas.requests[0]!.headers['x-flynn-n-org-id']).toBe('org-42');
    c.advance(31_000); // older than minReloginIntervalMs
    rejectNext = true;
    await expect(unwrap(easClient.GET('/eas/thing'))).rejects.toBeInstanceOf(AuthenticationError);
    await unwrap(easClient.GET('/eas/thing'));
    expect(eas.requests[2]!.headers['x-flynn-n-user-token']).toBe('token-2');
    expect(auth.to(AUTH)).toHaveLength(2);
  });

  it('401s to a fresh token do not turn every request into a login (each opens a server session)', async () => {
    const c = clock();
    const auth = await theodore(c);
    const eas = await startHttpServer((_req, res) => sendJson(res, 401, { message: 'nope' }));
    servers.push(eas);
    const s = session(auth, c);
    type EasPaths = { '/eas/thing': { get: { responses: { 200: { content: { 'application/json': { ok: boolean } } }; 401: { content: { 'application/json': { message: string } } } } } } };
    const easClient = createApiClient<EasPaths>({ baseUrl: eas.url, retry: false, middleware: [s.middleware()] });
    for (let i = 0; i < 12; i++) {
      await expect(unwrap(easClient.GET('/eas/thing'))).rejects.toBeInstanceOf(AuthenticationError);
      c.advance(1_000);
    }
    expect(auth.to(AUTH)).toHaveLength(1);
    c.advance(30_000);
    await expect(unwrap(easClient.GET('/eas/thing'))).rejects.toBeInstanceOf(AuthenticationError);
    await expect(unwrap(easClient.GET('/eas/thing'))).rejects.toBeInstanceOf(AuthenticationError);
    expect(auth.to(AUTH)).toHaveLength(2);
  });
  it('uses a configurable header name', async () => {
    const c = clock();
    const auth = await theodore(c);
    const eas = await startHttpServer((_req, res) => sendJson(res, 200, {}));
    servers.push(eas);
    const s = session(auth, c);
    const easClient = createApiClient<{ '/x': { get: { responses: { 200: { content: { 'application/json': object } } } } } }>({
      baseUrl: eas.url,
      middleware: [s.middleware({ header: 'Authorization-Token' })],
    });
    await unwrap(easClient.GET('/x'));
    expect(eas.requests[0]!.headers['authorization-token']).toBe('token-1');
    expect(() => s.middleware({ header: 'bad header' })).toThrow(ConfigurationError);
  });
});

describe('createTheodoreSession: the 10-session limit', () => {
  it('steady use with a 1-minute duration keeps at most 7 server sessions active (hard expiry window 6 min)', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c, { tokenDurationInMins: 1 });
    const loginTimes: number[] = [];
    for (let t = 0; t < 60 * MIN; t += 5_000) {
      const before = server.to(AUTH).length;
      await s.getToken();
      if (server.to(AUTH).length > before) loginTimes.push(c.now());
      const active = loginTimes.filter((at) => at + 6 * MIN > c.now()).length;
      expect(active).toBeLessThanOrEqual(7);
      expect(s.state().activeSessions).toBe(active);
      c.advance(5_000);
    }
    expect(loginTimes.length).toBeGreaterThan(50);
  });

  it('refuses a login beyond maxSessions: keeps the valid token, then fails with SessionError(session-limit) until a slot frees', async () => {
    const c = clock();
    const server = await theodore(c);
    const s = session(server, c, { maxSessions: 2 });
    const t0 = c.now();
    expect(await s.getToken()).toBe('token-1');
    expect(await s.getToken({ forceRefresh: true })).toBe('token-2');
    // a third login is refused; the early refresh keeps serving token-2 while it is valid
    c.set(t0 + 19 * MIN + 30_000);
    expect(await s.getToken()).toBe('token-2');
    expect(server.to(AUTH)).toHaveLength(2);
    s.invalidate();
    const err: any = await s.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect(err.reason).toBe('session-limit');
    expect(err.message).toContain(new Date(t0 + 120 * MIN).toISOString());
    expect(server.to(AUTH)).toHaveLength(2);
    c.set(t0 + 120 * MIN);
    expect(await s.getToken()).toBe('token-3');
  });

  it('refused logins (4xx) and logins that never left do not count against the budget; 5xx may have opened a session and do', async () => {
    const c = clock();
    let mode: 'refuse' | 'error' | 'ok' = 'refuse';
    const server = await theodore(c, {
      fail: () => (mode === 'refuse' ? { status: 401, body: { error: { code: 'INVALID_CREDENTIALS', message: 'bad' } } } : mode === 'error' ? { status: 503, body: { error: { code: 'UNAVAILABLE', message: 'x' } } } : undefined),
    });
    const s = session(server, c, { maxSessions: 2 });
    for (let i = 0; i < 12; i++) await expect(s.getToken()).rejects.toBeInstanceOf(AuthenticationError);
    expect(s.state().activeSessions).toBe(0);
    // a login to a port nothing listens on never leaves this machine
    const closed = await startHttpServer((_r, res) => sendJson(res, 200, {}));
    await closed.close();
    const offline = session(closed, c, { maxSessions: 1 });
    for (let i = 0; i < 3; i++) await expect(offline.getToken()).rejects.toThrow();
    expect(offline.state().activeSessions).toBe(0);
    mode = 'error';
    await expect(s.getToken()).rejects.toBeInstanceOf(InternalServerError);
    expect(s.state().activeSessions).toBe(1);
    mode = 'ok';
    expect(await s.getToken()).toMatch(/^token-/);
    expect(s.state().activeSessions).toBe(2);
  });

  it('rejects a maxSessions outside 1..10', () => {
    const c = clock();
    for (const bad of [0, 11, 2.5]) {
      expect(() => createTheodoreSession({ client: { environment: 'sandbox' }, credentials: { handle: 'u', password: 'p' }, maxSessions: bad, now: c.now })).toThrow(ConfigurationError);
    }
  });

});
