// Client configuration, malformed responses and secret canaries.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, ConfigurationError, MalformedResponseError, Secret } from '@s2sdk/core';
import { assertNoLeak, canary, memoryLogger } from '@s2sdk/testkit';
import { createTheodoreClient, createTheodoreSession, resolveTheodoreBaseUrl, THEODORE_SERVERS } from '@s2sdk/theodore';
import { clock, sendJson, sendRaw, startHttpServer, type TestHttpServer } from '@s2sdk/testkit';

const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('environments', () => {
  it('maps sandbox and production to the spec servers and accepts { baseUrl }', () => {
    expect(resolveTheodoreBaseUrl('sandbox')).toBe('https://sandbox.services.vayananet.com');
    expect(resolveTheodoreBaseUrl('production')).toBe('https://services.vayana.com');
    expect(resolveTheodoreBaseUrl({ baseUrl: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(THEODORE_SERVERS.production).toBe('https://services.vayana.com');
    expect(createTheodoreClient({ environment: 'sandbox' }).baseUrl).toBe('https://sandbox.services.vayananet.com');
  });

  it('rejects unknown environments and bad URLs with ConfigurationError', () => {
    expect(() => resolveTheodoreBaseUrl('staging' as 'sandbox')).toThrow(ConfigurationError);
    expect(() => resolveTheodoreBaseUrl({ baseUrl: 'not a url' })).toThrow(ConfigurationError);
    expect(() => resolveTheodoreBaseUrl({ baseUrl: 'ftp://x' })).toThrow(ConfigurationError);
    expect(() => resolveTheodoreBaseUrl({ baseUrl: 'https://user:pw@x' })).toThrow(ConfigurationError);
    expect(() => createTheodoreSession({ client: { environment: 'sandbox' }, credentials: { handle: '', password: 'p' } })).toThrow(ConfigurationError);
    expect(() => createTheodoreSession({ client: { environment: 'sandbox' }, credentials: { handle: 'u', password: '' } })).toThrow(ConfigurationError);
    expect(() =>
      createTheodoreSession({ client: { environment: 'sandbox' }, credentials: { handle: 'u', password: 'p', handleType: 'mobile' as 'email' } }),
    ).toThrow(ConfigurationError);
  });
});

describe('malformed responses → MalformedResponseError', () => {
  const cases: [string, (res: import('node:http').ServerResponse) => void][] = [
    ['an HTML page with status 200', (res) => sendRaw(res, 200, 'text/html', '<html><body>Gateway login</body></html>')],
    ['truncated JSON', (res) => sendRaw(res, 200, 'application/json', '{"data":{"token":"abc","exp')],
    ['JSON without data.token', (res) => sendJson(res, 200, { data: { expiry: 0 } })],
    ['an empty 200 body', (res) => sendRaw(res, 200, 'application/json', '')],
  ];
  it.each(cases)('%s', async (_name, reply) => {
    const server = await startHttpServer((_req, res) => reply(res));
    servers.push(server);
    const s = createTheodoreSession({ client: { environment: { baseUrl: server.url }, retry: false }, credentials: { handle: 'u@example.com', password: 'pw' } });
    await expect(s.getToken()).rejects.toBeInstanceOf(MalformedResponseError);
    expect(s.state().hasToken).toBe(false);
  });

  it('a health answer that is not a status object', async () => {
    const server = await startHttpServer((_req, res) => sendRaw(res, 200, 'text/html', '<html>ok</html>'));
    servers.push(server);
    await expect(createTheodoreClient({ environment: { baseUrl: server.url }, retry: false }).getHealth()).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('secrets never leak', () => {
  it('password and token canaries stay out of errors, logs, inspect and JSON', async () => {
    const password = canary('THEO_PW');
    const token = canary('THEO_TOKEN');
    const c = clock();
    let n = 0;
    const server = await startHttpServer((req, res) => {
      n++;
      if (n === 1) {
        // A server that echoes the submitted password in its error.
        return sendJson(res, 400, { error: { code: 'VALIDATION_FAILED', message: `password ${req.json.password} rejected`, details: [{ field: 'password', message: req.json.password }] } });
      }
      if (n === 2) return sendRaw(res, 200, 'application/json', `{"data":{"token":"${token}","exp`);
      if (n === 3) return sendJson(res, 200, { data: { token, userId: 'u', expiry: c.now() + 60_000 } });
      // Once issued, a token echoed back in an error is scrubbed too.
      return sendJson(res, 401, { error: { code: 'INVALID_CREDENTIALS', message: `session of ${token} ended` } });
    });
    servers.push(server);
    const logger = memoryLogger();
    const client = createTheodoreClient({ environment: { baseUrl: server.url }, retry: false, logger });
    const session = createTheodoreSession({ client, credentials: { handle: 'u@example.com', password }, now: c.now, logger });
    const e1 = await session.getToken().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(BadRequestError);
    const e2 = await session.getToken().catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(MalformedResponseError);
    expect(await session.getToken()).toBe(token);
    const e3 = await session.getToken({ forceRefresh: true }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(AuthenticationError);
    expect(logger.lines.length).toBeGreaterThan(0);
    assertNoLeak([e1, e2, e3, client, session, session.state(), logger.lines, inspect(session, { showHidden: true, depth: 10 })], [password, token]);
    expect(JSON.stringify(session)).not.toContain(token);
  });

  it('a Secret password works and renders redacted', async () => {
    const password = canary('THEO_SECRET');
    const server = await startHttpServer((req, res) => sendJson(res, 200, { data: { token: `t-${req.json.password === password}`, userId: 'u', expiry: 0 } }));
    servers.push(server);
    const session = createTheodoreSession({ client: { environment: { baseUrl: server.url } }, credentials: { handle: 'u@example.com', password: new Secret(password) } });
    expect(await session.getToken()).toBe('t-true');
    assertNoLeak([session], [password]);
  });
});
