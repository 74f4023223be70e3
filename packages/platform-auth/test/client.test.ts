// Client configuration, malformed responses and secret canaries.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigurationError, InternalServerError, MalformedResponseError, SessionError } from '@s2sdk/core';
import { assertNoLeak, canary, memoryLogger } from '@s2sdk/testkit';
import { createMemoryTokenStore, createPlatformAuthClient, createTokenManager } from '@s2sdk/platform-auth';
import { clock, sendJson, sendRaw, startHttpServer, type TestHttpServer } from '@s2sdk/testkit';
import { P, platformDouble } from './platform-double';

const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('configuration', () => {
  it('rejects bad base URLs and credentials with ConfigurationError', () => {
    const credentials = { clientId: 'id', clientSecret: 'secret' };
    expect(() => createPlatformAuthClient({ baseUrl: '', credentials })).toThrow(ConfigurationError);
    expect(() => createPlatformAuthClient({ baseUrl: 'nope', credentials })).toThrow(ConfigurationError);
    expect(() => createPlatformAuthClient({ baseUrl: 'https://u:p@x', credentials })).toThrow(ConfigurationError);
    expect(() => createPlatformAuthClient({ baseUrl: 'https://x', credentials: { clientId: '', clientSecret: 's' } })).toThrow(ConfigurationError);
    expect(() => createPlatformAuthClient({ baseUrl: 'https://x', credentials: { clientId: 'a:b', clientSecret: 's' } })).toThrow(ConfigurationError);
    expect(() => createPlatformAuthClient({ baseUrl: 'https://x', credentials: { clientId: 'a', clientSecret: '' } })).toThrow(ConfigurationError);
    expect(() => createPlatformAuthClient({ baseUrl: 'https://x', credentials, resendOtpRoute: 'other' as 'login' })).toThrow(ConfigurationError);
    expect(createPlatformAuthClient({ baseUrl: 'http://localhost:3000/', credentials }).baseUrl).toBe('http://localhost:3000');
  });

  it('resendOtp uses POST /login with { email, token } by default and /login/resend_otp when configured', async () => {
    const creds = { clientId: 'id', clientSecret: 'secret' };
    const server = await platformDouble(creds);
    servers.push(server);
    await createPlatformAuthClient({ baseUrl: server.url, credentials: creds }).resendOtp({ email: 'a@b.c', token: 'vt' });
    await createPlatformAuthClient({ baseUrl: server.url, credentials: creds, resendOtpRoute: 'resend_otp' }).resendOtp({ email: 'a@b.c', token: 'vt' });
    expect(server.requests.map((r) => r.path)).toEqual([P.login, P.resend]);
    expect(server.requests[0]!.json).toEqual({ email: 'a@b.c', token: 'vt' });
  });
});

describe('malformed responses → MalformedResponseError', () => {
  const creds = { clientId: 'id', clientSecret: 'secret' };
  const cases: [string, string, (res: import('node:http').ServerResponse) => void][] = [
    ['token: an HTML page with status 200', P.token, (res) => sendRaw(res, 200, 'text/html', '<html><body>Sign in</body></html>')],
    ['token: truncated JSON', P.token, (res) => sendRaw(res, 200, 'application/json', '{"access_token":"abc","token_ty')],
    ['token: JSON without access_token', P.token, (res) => sendJson(res, 200, { token_type: 'Bearer' })],
    ['token: expires_in that is not a number', P.token, (res) => sendJson(res, 200, { access_token: 'a', expires_in: 'soon' })],
    ['login: status 200 with the failure envelope', P.login, (res) => sendJson(res, 200, { status: 'failure', data: { token: null, error: 'x' } })],
    ['login: truncated JSON', P.login, (res) => sendRaw(res, 200, 'application/json', '{"status":"succ')],
  ];
  it.each(cases)('%s', async (_name, path, reply) => {
    const server = await platformDouble(creds);
    servers.push(server);
    server.queue(path, (_req, res) => reply(res));
    const client = createPlatformAuthClient({ baseUrl: server.url, credentials: creds, retry: false });
    const call = path === P.login ? client.login({ email: 'a@b.c', password: 'pw' }) : client.refresh('r');
    await expect(call).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('a malformed refresh answer is a typed failure and is not cached', async () => {
    const c = clock();
    const server = await platformDouble(creds);
    servers.push(server);
    server.allowRefresh('r0');
    server.queue(P.token, (_req, res) => sendRaw(res, 200, 'text/html', '<html>proxy</html>'));
    const manager = createTokenManager({ client: createPlatformAuthClient({ baseUrl: server.url, credentials: creds, retry: false }), now: c.now });
    await manager.fromTokens({ access_token: 'a0', refresh_token: 'r0', expires_in: 60, created_at: Math.floor(c.now() / 1000) - 61 });
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(MalformedResponseError);
    expect(await manager.getAccessToken()).toBe('access-1');
  });
});

describe('secrets never leak', () => {
  it('client secret, password, OTP, verification/access/refresh tokens stay out of errors, logs, inspect and JSON', async () => {
    const clientSecret = canary('CLIENT_SECRET');
    const password = canary('PASSWORD');
    const otp = canary('OTP');
    const verificationToken = canary('VERIFY');
    const accessToken = canary('ACCESS');
    const refreshToken = canary('REFRESH');
    const accessToken2 = canary('ACCESS2');
    const c = clock();
    const creds = { clientId: 'app', clientSecret };
    const server = await platformDouble({
      ...creds,
      password,
      otp,
      verificationToken,
      accessToken: (n) => (n === 1 ? accessToken : accessToken2),
      refreshToken: (n) => (n === 1 ? refreshToken : canary('REFRESH2')),
      createdAt: () => Math.floor(c.now() / 1000),
    });
    servers.push(server);
    const logger = memoryLogger();
    const store = createMemoryTokenStore();
    const client = createPlatformAuthClient({ baseUrl: server.url, credentials: creds, retry: false, logger });
    const manager = createTokenManager({ client, store, getOtp: async () => otp, now: c.now, logger });
    const errors: unknown[] = [];
    // A server that echoes secrets in its error bodies.
    server.queue(P.login, (req, res) => sendJson(res, 401, { status: 'failure', data: { token: null, error: `bad password ${req.json.password}` } }));
    errors.push(await manager.login({ email: 'a@b.c', password }).catch((e: unknown) => e));
    await manager.login({ email: 'a@b.c', password });
    expect(await manager.getAccessToken()).toBe(accessToken);
    server.queue(P.token, (req, res) => sendJson(res, 500, { error: 'server_error', error_description: `could not refresh ${req.json.refresh_token} for ${accessToken}` }));
    errors.push(await manager.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e));
    server.queue(P.token, (req, res) => sendJson(res, 401, { error: 'invalid_grant', error_description: `refresh token ${req.json.refresh_token} revoked` }));
    errors.push(await manager.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e));
    server.queue(P.token, (_req, res) => sendRaw(res, 200, 'application/json', `{"access_token":"${accessToken}","refresh_tok`));
    errors.push(await client.refresh(refreshToken).catch((e: unknown) => e));
    errors.push(await client.passwordGrant({ verificationToken, otp: 'wrong' }).catch((e: unknown) => e));
    await manager.fromTokens({ access_token: accessToken, refresh_token: refreshToken, expires_in: 60 });
    server.queue(P.revoke, (req, res) => sendJson(res, 500, { error: 'server_error', error_description: `cannot revoke ${req.json.token}` }));
    errors.push(await manager.revoke().catch((e: unknown) => e));
    // A wrong client secret: the Basic header must not leak either.
    const wrong = createPlatformAuthClient({ baseUrl: server.url, credentials: { clientId: 'app', clientSecret: canary('WRONG_SECRET') }, retry: false, logger });
    errors.push(await wrong.revoke(accessToken).catch((e: unknown) => e));

    expect(errors.map((e) => (e as Error).constructor.name)).toEqual([
      'AuthenticationError',
      'InternalServerError',
      'SessionError',
      'MalformedResponseError',
      'BadRequestError',
      'InternalServerError',
      'AuthenticationError',
    ]);
    expect(errors[0]).toBeInstanceOf(AuthenticationError);
    expect(errors[1]).toBeInstanceOf(InternalServerError);
    expect(errors[2]).toBeInstanceOf(SessionError);
    expect(logger.lines.length).toBeGreaterThan(0);
    assertNoLeak(
      [...errors, client, wrong, manager, store, manager.state(), logger.lines, inspect(manager, { showHidden: true, depth: 10 }), inspect(client, { showHidden: true, depth: 10 })],
      [clientSecret, password, otp, verificationToken, accessToken, refreshToken, accessToken2],
    );
  });
});
