// Behaviour of the token manager against an in-process Platform double (injected clock).
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  createApiClient,
  InternalServerError,
  SessionError,
  unwrap,
} from '@s2sdk/core';
import { createMemoryTokenStore, createPlatformAuthClient, createTokenManager, type StoredTokens, type TokenManagerOptions, type TokenStore } from '@s2sdk/platform-auth';
import { clock, sendJson, startHttpServer, waitFor, type TestHttpServer } from '@s2sdk/testkit';
import { P, platformDouble, type DoubleOptions, type PlatformDouble } from './platform-double';

const creds = { clientId: 'app-1', clientSecret: 'app-secret-1' };
const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(c: ReturnType<typeof clock>, extra: Partial<TokenManagerOptions> = {}, double: Partial<DoubleOptions> = {}) {
  const server = await platformDouble({ ...creds, createdAt: () => Math.floor(c.now() / 1000), ...double });
  servers.push(server);
  const client = createPlatformAuthClient({ baseUrl: server.url, credentials: creds, retry: false });
  const manager = createTokenManager({ client, getOtp: async () => '100100', now: c.now, ...extra });
  return { server, client, manager };
}

const refreshes = (s: PlatformDouble) => s.to(P.token).filter((r) => r.json?.grant_type === 'refresh_token');

describe('login', () => {
  it('runs login → OTP callback → password grant and stores the tokens', async () => {
    const c = clock();
    const store = createMemoryTokenStore();
    const seen: string[] = [];
    const { server, manager } = await setup(c, {
      store,
      getOtp: async ({ email, resend }) => {
        seen.push(email);
        await resend();
        return '100100';
      },
    });
    await manager.login({ email: 'staff@apexcommerce.com', password: 'Staff-Pw-42' });
    expect(seen).toEqual(['staff@apexcommerce.com']);
    expect(server.to(P.login)[0]!.json).toEqual({ email: 'staff@apexcommerce.com', password: 'Staff-Pw-42' });
    expect(server.to(P.login)[1]!.json).toEqual({ email: 'staff@apexcommerce.com', token: 'verification-token-1' });
    expect(server.to(P.token)[0]!.json).toEqual({ grant_type: 'password', username: 'verification-token-1', password: '100100' });
    expect(await manager.getAccessToken()).toBe('access-1');
    expect(store.get()).toMatchObject({ access_token: 'access-1', refresh_token: 'refresh-1', expires_in: 7200, expiresAt: c.now() + 7200_000 });
    expect(manager.state()).toMatchObject({ hasToken: true, hasRefreshToken: true, expiresAt: c.now() + 7200_000 });
  });

  it('sends HTTP Basic app credentials on every call', async () => {
    const c = clock();
    const { server, manager } = await setup(c);
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    await manager.getAccessToken({ forceRefresh: true });
    await manager.revoke();
    const basic = `Basic ${Buffer.from('app-1:app-secret-1').toString('base64')}`;
    expect(server.requests.length).toBe(4);
    for (const r of server.requests) expect(r.headers.authorization).toBe(basic);
  });

  it('typed failures: wrong password, wrong OTP, missing getOtp', async () => {
    const c = clock();
    const { manager, client } = await setup(c, { getOtp: async () => '999999' });
    const e1 = (await manager.login({ email: 'a@b.c', password: 'nope' }).catch((e: unknown) => e)) as AuthenticationError<{ data: { error: string } }>;
    expect(e1).toBeInstanceOf(AuthenticationError);
    expect(e1.body.data.error).toBe('Invalid email or password');
    expect(e1.message).toContain('Invalid email or password');
    const e2 = (await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' }).catch((e: unknown) => e)) as BadRequestError<{ error: string }>;
    expect(e2).toBeInstanceOf(BadRequestError);
    expect(e2.body.error).toBe('invalid_grant');
    expect(manager.state().hasToken).toBe(false);
    await expect(createTokenManager({ client }).login({ email: 'a@b.c', password: 'Staff-Pw-42' })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('getAccessToken before any login → SessionError (no-session)', async () => {
    const c = clock();
    const { manager } = await setup(c);
    const err = (await manager.getAccessToken().catch((e: unknown) => e)) as SessionError;
    expect(err).toBeInstanceOf(SessionError);
    expect(err.reason).toBe('no-session');
  });
});

describe('refresh', () => {
  it('50 concurrent callers with an expired token → exactly one refresh', async () => {
    const c = clock();
    const { server, manager } = await setup(c);
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    c.advance(7201_000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => manager.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['access-2']));
    expect(refreshes(server)).toHaveLength(1);
    expect(refreshes(server)[0]!.json).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
  });

  it('refreshes a margin before expires_in runs out, not earlier', async () => {
    const c = clock();
    const { server, manager } = await setup(c, { refreshMarginMs: 120_000 });
    const t0 = c.now();
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    c.set(t0 + 7200_000 - 120_000 - 1);
    expect(await manager.getAccessToken()).toBe('access-1');
    c.set(t0 + 7200_000 - 120_000);
    expect(await manager.getAccessToken()).toBe('access-2');
    expect(refreshes(server)).toHaveLength(1);
  });

  it('a failed refresh is not cached: the valid token is kept, and the next call refreshes successfully', async () => {
    const c = clock();
    const { server, manager } = await setup(c, { refreshMarginMs: 120_000 });
    const t0 = c.now();
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    server.queue(P.token, (_req, res) => sendJson(res, 500, { error: 'server_error' }), (_req, res) => sendJson(res, 503, { error: 'server_error' }));
    c.set(t0 + 7200_000 - 60_000); // inside the margin, token still valid
    expect(await manager.getAccessToken()).toBe('access-1'); // refresh failed (500), current token still works
    c.set(t0 + 7200_000); // expired
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(InternalServerError); // 503, no usable token
    expect(await manager.getAccessToken()).toBe('access-2'); // recovery
    expect(refreshes(server)).toHaveLength(3);
  });

  it.each([
    [401, 'invalid_grant'],
    [400, 'invalid_grant'],
  ])('a %i %s on refresh clears the tokens and throws SessionError (new login needed)', async (status, code) => {
    const c = clock();
    const store = createMemoryTokenStore();
    const { server, manager } = await setup(c, { store });
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    server.queue(P.token, (_req, res) => sendJson(res, status, { error: code, error_description: 'The provided authorization grant is invalid.' }));
    c.advance(7201_000);
    const err = (await manager.getAccessToken().catch((e: unknown) => e)) as SessionError;
    expect(err).toBeInstanceOf(SessionError);
    expect(err.reason).toBe('refresh-failed');
    expect(err.message).toMatch(/new login/);
    expect(store.get()).toBeUndefined();
    expect(manager.state().hasToken).toBe(false);
    const again = (await manager.getAccessToken().catch((e: unknown) => e)) as SessionError;
    expect(again.reason).toBe('no-session');
    expect(refreshes(server)).toHaveLength(1);
  });

  it('forceRefresh gets a new token even when the current one is fresh', async () => {
    const c = clock();
    const { manager } = await setup(c);
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    expect(await manager.getAccessToken({ forceRefresh: true })).toBe('access-2');
    expect(await manager.getAccessToken()).toBe('access-2');
  });
});

describe('fromTokens (server-to-server start)', () => {
  it('uses an admin-issued token without login and refreshes it from created_at + expires_in', async () => {
    const c = clock();
    const { server, manager } = await setup(c);
    server.allowRefresh('admin-refresh');
    const created = Math.floor(c.now() / 1000) - 3600;
    await manager.fromTokens({ access_token: 'admin-access', refresh_token: 'admin-refresh', token_type: 'Bearer', expires_in: 7200, created_at: created });
    expect(await manager.getAccessToken()).toBe('admin-access');
    expect(manager.state().expiresAt).toBe((created + 7200) * 1000);
    expect(server.requests).toHaveLength(0);
    c.advance(3600_000);
    expect(await manager.getAccessToken()).toBe('access-1');
    expect(refreshes(server)[0]!.json.refresh_token).toBe('admin-refresh');
  });

  it('accepts the documented `created` alias', async () => {
    const c = clock();
    const { manager } = await setup(c);
    const created = Math.floor(c.now() / 1000);
    await manager.fromTokens({ access_token: 'a', refresh_token: 'r', expires_in: 60, created });
    expect(manager.state().expiresAt).toBe((created + 60) * 1000);
  });

  it('an expired token without refresh token → SessionError (reauthentication-required)', async () => {
    const c = clock();
    const { manager } = await setup(c);
    await manager.fromTokens({ access_token: 'a', expires_in: 60, created_at: Math.floor(c.now() / 1000) - 120 });
    const err = (await manager.getAccessToken().catch((e: unknown) => e)) as SessionError;
    expect(err).toBeInstanceOf(SessionError);
    expect(err.reason).toBe('reauthentication-required');
  });

  it('rejects malformed token objects', async () => {
    const c = clock();
    const { manager } = await setup(c);
    await expect(manager.fromTokens({ access_token: '' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(manager.fromTokens({ access_token: 'a', expires_in: -1 })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('pluggable store', () => {
  it('an async store shared by two managers: one refresh serves both', async () => {
    const c = clock();
    let saved: StoredTokens | undefined;
    const store: TokenStore = {
      get: async () => (saved ? { ...saved } : undefined),
      set: async (t) => {
        saved = { ...t };
      },
      clear: async () => {
        saved = undefined;
      },
    };
    const { server, manager: a, client } = await setup(c, { store });
    const b = createTokenManager({ client, store, now: c.now });
    await a.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    expect(await b.getAccessToken()).toBe('access-1');
    c.advance(7201_000);
    expect(await a.getAccessToken()).toBe('access-2');
    expect(await b.getAccessToken()).toBe('access-2');
    expect(refreshes(server)).toHaveLength(1);
  });
});

describe('revoke', () => {
  it('revokes the access token, clears local state, and is safe to call twice', async () => {
    const c = clock();
    const store = createMemoryTokenStore();
    const { server, manager } = await setup(c, { store });
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    await manager.revoke();
    expect(server.revoked).toEqual(['access-1']);
    expect(store.get()).toBeUndefined();
    expect(manager.state().hasToken).toBe(false);
    await manager.revoke();
    expect(server.to(P.revoke)).toHaveLength(1);
    expect(((await manager.getAccessToken().catch((e: unknown) => e)) as SessionError).reason).toBe('no-session');
  });

  it('clears local state even when the call fails (the error is still reported)', async () => {
    const c = clock();
    const store = createMemoryTokenStore();
    const { server, manager } = await setup(c, { store });
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    server.queue(P.revoke, (_req, res) => sendJson(res, 500, { error: 'server_error' }));
    await expect(manager.revoke()).rejects.toBeInstanceOf(InternalServerError);
    expect(store.get()).toBeUndefined();
    expect(manager.state().hasToken).toBe(false);
    await manager.revoke();
    expect(server.to(P.revoke)).toHaveLength(1);
  });

  it('revoke is retried on transient failures (idempotent operation)', async () => {
    const c = clock();
    const server = await platformDouble({ ...creds });
    servers.push(server);
    server.queue(P.revoke, (_req, res) => sendJson(res, 503, { error: 'server_error' }));
    const client = createPlatformAuthClient({ baseUrl: server.url, credentials: creds, retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 } });
    const manager = createTokenManager({ client, now: c.now });
    await manager.fromTokens({ access_token: 'x' });
    await manager.revoke();
    expect(server.to(P.revoke)).toHaveLength(2);
  });

  it('login and token calls are not retried (non-idempotent)', async () => {
    const c = clock();
    const server = await platformDouble({ ...creds });
    servers.push(server);
    server.queue(P.login, (_req, res) => sendJson(res, 503, { status: 'failure', data: { token: null, error: 'down' } }));
    const client = createPlatformAuthClient({ baseUrl: server.url, credentials: creds, retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 } });
    const manager = createTokenManager({ client, getOtp: async () => '100100', now: c.now });
    await expect(manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' })).rejects.toBeInstanceOf(InternalServerError);
    expect(server.to(P.login)).toHaveLength(1);
  });
});

describe('middleware()', () => {
  it('adds Authorization: Bearer; a 401 forces a refresh on the next call', async () => {
    const c = clock();
    const { server, manager } = await setup(c);
    await manager.login({ email: 'a@b.c', password: 'Staff-Pw-42' });
    let reject = false;
    const api = await startHttpServer((req, res) => {
      if (reject) {
        reject = false;
        return sendJson(res, 401, { error: 'invalid_token' });
      }
      sendJson(res, 200, { auth: req.headers.authorization });
    });
    servers.push(api);
    type Paths = { '/me': { get: { responses: { 200: { content: { 'application/json': { auth: string } } } } } } };
    const apiClient = createApiClient<Paths>({ baseUrl: api.url, retry: false, middleware: [manager.middleware()] });
    expect((await unwrap(apiClient.GET('/me'))).auth).toBe('Bearer access-1');
    reject = true;
    await expect(unwrap(apiClient.GET('/me'))).rejects.toBeInstanceOf(AuthenticationError);
    expect((await unwrap(apiClient.GET('/me'))).auth).toBe('Bearer access-2');
    expect(refreshes(server)).toHaveLength(1);
  });
});

describe('revoke during a refresh, and refresh answers without a refresh token', () => {
  it('a refresh in flight when revoke() runs is aborted and never stored', async () => {
    const c = clock();
    const { server, manager } = await setup(c);
    await manager.login({ email: 'staff@apexcommerce.com', password: 'Staff-Pw-42' });
    let answer!: () => void;
    server.queue(P.token, (_req, res) => {
      answer = () => sendJson(res, 200, { access_token: 'access-late', token_type: 'Bearer', expires_in: 7200, refresh_token: 'refresh-late', created_at: 1 });
    });
    const refreshing = manager.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e);
    await waitFor(() => server.to(P.token).length === 2, 'the refresh request');
    await manager.revoke();
    expect(await refreshing).toBeInstanceOf(AbortedError);
    answer();
    expect(manager.state().hasToken).toBe(false);
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(SessionError);
    expect(server.revoked).toEqual(['access-1']);
  });

  it('a refresh answered while revoke() runs, with a slow persistent store, does not bring the session back and its token is revoked', async () => {
    const c = clock();
    let data: StoredTokens | undefined;
    let releaseWrite: (() => void) | undefined;
    const store: TokenStore = {
      get: async () => data,
      set: async (t) => {
        // The refreshed tokens' write is slow (a remote store).
        if (t.access_token === 'access-2') await new Promise<void>((r) => (releaseWrite = r));
        data = t;
      },
      clear: async () => {
        data = undefined;
      },
    };
    const { server, manager } = await setup(c, { store });
    await manager.login({ email: 'staff@apexcommerce.com', password: 'Staff-Pw-42' });
    const refreshing = manager.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e);
    await waitFor(() => releaseWrite !== undefined, 'the refreshed tokens being written');
    const revoking = manager.revoke();
    releaseWrite!();
    await revoking;
    expect(await refreshing).toBeInstanceOf(AbortedError);
    expect(data).toBeUndefined();
    expect(manager.state().hasToken).toBe(false);
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(SessionError);
    await waitFor(() => server.revoked.includes('access-2'), 'the refreshed token to be revoked');
    expect(server.revoked).toEqual(expect.arrayContaining(['access-1', 'access-2']));
  });

  it('keeps the previous refresh token when a refresh answer does not repeat it (RFC 6749 §6)', async () => {
    const c = clock();
    const { server, manager } = await setup(c);
    await manager.login({ email: 'staff@apexcommerce.com', password: 'Staff-Pw-42' });
    server.queue(P.token, (_req, res) => sendJson(res, 200, { access_token: 'access-2', token_type: 'Bearer', expires_in: 7200, created_at: Math.floor(c.now() / 1000) }));
    expect(await manager.getAccessToken({ forceRefresh: true })).toBe('access-2');
    expect(manager.state().hasRefreshToken).toBe(true);
    await manager.getAccessToken({ forceRefresh: true });
    expect(server.to(P.token).at(-1)!.json).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
  });
});
