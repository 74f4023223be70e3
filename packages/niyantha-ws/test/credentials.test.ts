// Key rotation on long-lived sockets: setCredentials() logs in again on the open socket, keeps the
// previous key when the new one is refused, and api_key_revoked / api_key_expired replies surface
// as WsKeyRejectedError (specs/niyantha/asyncapi.yaml x-decisions: re-authentication,
// key-expiry-on-open-sockets, auth-failure-closes).
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoLeak, canary, memoryLogger, waitFor } from '@s2sdk/testkit';
import { AuthenticationError, ConfigurationError } from '@s2sdk/core';
import { ClientClosedError, ConnectionLostError, isKeyRejected, KEY_REJECTED, WsAuthenticationError, WsKeyRejectedError, WsRequestError } from '../src/errors.js';
import { AUTH_SUCCESS, cleanupList, rejectionOf, startRawServer, type Conn, type Frame } from './helpers/server.js';
import { KEY, SECRET, fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const NEW_KEY = 'pk_new_key';
const NEW_SECRET = 'sk_new_secret';

/**
 * Plays the server side of key rotation: `keys` are valid key → secret pairs; a revoked key's
 * sockets stay open but every request gets `api_key_revoked` until a login with a valid key.
 * Every failed login is `auth.failure` followed by close 4401. `hold` keeps requests of that type unanswered.
 */
async function keyServer(opts: { hold?: string; holdLogin?: string } = {}) {
  const keys = new Map<string, string>([
    [KEY, SECRET],
    [NEW_KEY, NEW_SECRET],
  ]);
  const revoked = new Map<string, string>();
  const session = new Map<Conn, string>();
  const held: Frame[] = [];
  const heldLogins: { m: Frame; c: Conn }[] = [];
  const login = (m: Frame, c: Conn) => {
    const token = m.payload.token as string;
    const code = revoked.get(token) ?? (keys.get(token) === m.payload.metadata.secret ? undefined : 'invalid_credentials');
    if (code === undefined) {
      session.set(c, token);
      c.reply(m, 'auth.success', AUTH_SUCCESS);
    } else {
      c.reply(m, 'auth.failure', { code, message: 'login refused' });
      c.ws.close(4401, 'authentication failed');
    }
  };
  const server = await startRawServer({
    auth: 'manual',
    onFrame: (m, c) => {
      if (m.type === 'auth.login') {
        if (m.payload.token === opts.holdLogin) heldLogins.push({ m, c });
        else login(m, c);
        return;
      }
      const key = session.get(c);
      const code = key === undefined ? 'unauthenticated' : revoked.get(key);
      if (code) return c.fail(m, code, `the key is ${code}`);
      if (m.type === opts.hold) return held.push(m);
      c.reply(m, 'store.get.ok', { id: m.payload.id, name: `as ${key}` });
    },
  });
  cleanup.add(server, (s) => s.close());
  return {
    server,
    held,
    /** Answers the held logins. */
    releaseLogins: () => {
      for (const { m, c } of heldLogins.splice(0)) login(m, c);
    },
    revoke: (key: string, code = 'api_key_revoked') => revoked.set(key, code),
    logins: () => server.frames.filter((f) => f.type === 'auth.login').map((f) => ({ conn: f.conn, token: f.payload.token as string, secret: f.payload.metadata.secret as string })),
  };
}

/** Resolves at the next `reconnect` event (the client noticed the drop and is now reconnecting). */
function nextReconnect(client: { once(ev: 'reconnect', l: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => client.once('reconnect', () => resolve()));
}

describe('setCredentials (key rotation on an open socket)', () => {
  it('logs in again on the same socket; queued requests wait, in-flight ones are unaffected; later reconnects use the new key', async () => {
    const ks = await keyServer({ hold: 'store.create', holdLogin: NEW_KEY });
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    const states: string[] = [];
    client.on('state', (s) => states.push(s.state));
    let authenticated = 0;
    client.on('authenticated', () => authenticated++);
    await client.connect();
    const inflight = client.request('store.create', { name: 'A', type: 'grocery' });
    await waitFor(() => ks.held.length === 1, 'store.create in flight');

    const switched = client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET });
    await ks.server.waitForFrame((f) => f.type === 'auth.login' && f.payload.token === NEW_KEY, 'the second auth.login');
    expect(client.state).toBe('authenticating');
    // A request made during the login waits in the queue (it is not sent before auth.success).
    const queued = client.request('store.get', { id: 7 });
    expect(client.queued).toBe(1);
    ks.releaseLogins();
    await switched;
    expect(authenticated).toBe(2);
    expect(client.state).toBe('open');
    await expect(queued).resolves.toEqual({ id: 7, name: `as ${NEW_KEY}` });
    // The request that was in flight during the switch still gets its reply.
    ks.server.conns[0]!.reply(ks.held[0]!, 'store.create.ok', { id: 1, name: 'A', type: 'grocery' });
    await expect(inflight).resolves.toEqual({ id: 1, name: 'A', type: 'grocery' });
    expect(ks.server.conns).toHaveLength(1);
    expect(ks.server.conns[0]!.frames.map((f) => f.type)).toEqual(['auth.login', 'store.create', 'auth.login', 'store.get']);
    expect(states).toEqual(['connecting', 'authenticating', 'open', 'authenticating', 'open']);

    // Every later (re)connect logs in with the new key.
    ks.server.conns[0]!.ws.terminate();
    await ks.server.waitForFrame((f) => f.conn === 1 && f.type === 'auth.login', 'the reconnect login');
    ks.releaseLogins();
    await waitFor(() => client.state === 'open' && authenticated === 3, 'reconnected');
    expect(ks.logins()).toEqual([
      { conn: 0, token: KEY, secret: SECRET },
      { conn: 0, token: NEW_KEY, secret: NEW_SECRET },
      { conn: 1, token: NEW_KEY, secret: NEW_SECRET },
    ]);
  });

  it('surfaces api_key_revoked as WsKeyRejectedError (public key, never the secret); setCredentials recovers the same socket', async () => {
    const ks = await keyServer();
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    await client.connect();
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: `as ${KEY}` });
    ks.revoke(KEY);
    const err = await rejectionOf(client.request('store.get', { id: 2 }));
    expect(err).toBeInstanceOf(WsKeyRejectedError);
    expect(err).toBeInstanceOf(WsRequestError);
    expect(err.code).toBe('api_key_revoked');
    // Named like the REST client's ApiKeyRejectedError: publicKey and reason.
    expect(err.publicKey).toBe(KEY);
    expect(err.reason).toBe('revoked');
    expect(err.key).toBe(KEY); // deprecated alias
    expect(isKeyRejected(err)).toBe(true);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    assertNoLeak([err], [SECRET]);
    // The socket stays open (the spec's key-expiry-on-open-sockets); logging in with the new key fixes it.
    expect(client.state).toBe('open');
    await client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET });
    await expect(client.request('store.get', { id: 3 })).resolves.toEqual({ id: 3, name: `as ${NEW_KEY}` });
    expect(ks.server.conns).toHaveLength(1);
  });

  it('reports api_key_expired the same way, with the key the request was sent under', async () => {
    const ks = await keyServer();
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    await client.connect();
    ks.revoke(KEY, 'api_key_expired');
    const err = await rejectionOf(client.request('store.get', { id: 1 }));
    expect(err).toBeInstanceOf(WsKeyRejectedError);
    expect(err.code).toBe('api_key_expired');
    expect(err.publicKey).toBe(KEY);
    expect(err.reason).toBe('expired');
    // Other error codes stay plain WsRequestError.
    const plain = new WsRequestError({ requestType: 'store.get', requestId: 'r', replyType: 'error', payload: { code: 'not_found', message: 'x' } });
    expect(plain).not.toBeInstanceOf(WsKeyRejectedError);
    expect(isKeyRejected(plain)).toBe(false);
  });

  it('isKeyRejected recognises revoked keys from the WebSocket and the REST client alike', () => {
    const ws = new WsKeyRejectedError({ requestType: 'store.get', requestId: 'r', replyType: 'error', payload: { code: 'api_key_revoked', message: 'revoked' }, publicKey: KEY });
    // Like @s2sdk/niyantha's ApiKeyRejectedError (REST 401 naming the public key, which this
    // package does not depend on): it carries core's registered KEY_REJECTED marker.
    class RestApiKeyRejectedError extends AuthenticationError<unknown> {
      override readonly code: string = 'API_KEY_REJECTED';
      readonly publicKey = KEY;
      readonly reason = 'revoked' as const;
      get [KEY_REJECTED](): true {
        return true;
      }
    }
    const rest = new RestApiKeyRejectedError({ status: 401, body: { code: 'api_key_revoked', message: 'revoked' }, method: 'GET', url: 'https://x.test/v1/stores' });
    for (const err of [ws, rest]) {
      expect(isKeyRejected(err)).toBe(true);
      if (isKeyRejected(err)) expect([err.publicKey, err.reason]).toEqual([KEY, 'revoked']);
    }
    expect((ws as unknown as Record<symbol, unknown>)[KEY_REJECTED]).toBe(true);
    const refusedLogin = new WsAuthenticationError({ url: 'ws://x.test/ws', authType: 'auth.login', code: 'invalid_api_key', message: 'no' });
    for (const other of [refusedLogin, new AuthenticationError({ status: 401, body: {}, method: 'GET', url: 'https://x.test' }), new Error('x'), { code: 'API_KEY_REJECTED', publicKey: KEY }, null, 'API_KEY_REJECTED']) {
      expect(isKeyRejected(other)).toBe(false);
    }
    // The public key is not shown (it is a credential of this client): not in toJSON.
    expect(JSON.stringify(ws)).not.toContain(KEY);
  });

  it('a refused new key rejects, keeps the previous key and reconnects with it (queued work waits)', async () => {
    const ks = await keyServer();
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    await client.connect();
    const err = await rejectionOf(client.setCredentials({ key: NEW_KEY, secret: 'sk_wrong' }));
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.reason).toBe('invalid_credentials');
    expect(err.transient).toBe(false);
    assertNoLeak([err], ['sk_wrong', SECRET]);
    // The failed login ended that socket; the client reconnects with the previous key.
    const queued = client.request('store.get', { id: 5 });
    await expect(queued).resolves.toEqual({ id: 5, name: `as ${KEY}` });
    expect(client.state).toBe('open');
    expect(ks.logins()).toEqual([
      { conn: 0, token: KEY, secret: SECRET },
      { conn: 0, token: NEW_KEY, secret: 'sk_wrong' },
      { conn: 1, token: KEY, secret: SECRET },
    ]);
    // …and keeps using it for later reconnects.
    ks.server.conns[1]!.ws.terminate();
    await ks.server.waitForFrame((f) => f.conn === 2 && f.type === 'auth.login', 'third login');
    expect(ks.logins()[3]).toEqual({ conn: 2, token: KEY, secret: SECRET });
  });

  it('a refusal by close 4401 alone (no auth.failure) is handled the same way', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type !== 'auth.login') return c.reply(m, 'store.get.ok', { id: m.payload.id, name: 'ok' });
          if (m.payload.token === NEW_KEY) c.ws.close(4401, 'authentication failed');
          else c.reply(m, 'auth.success', AUTH_SUCCESS);
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const err = await rejectionOf(client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET }));
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err.closeCode).toBe(4401);
    await server.waitForConns(2);
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: 'ok' });
    expect(server.frames.filter((f) => f.type === 'auth.login').map((f) => [f.conn, f.payload.token])).toEqual([
      [0, KEY],
      [0, NEW_KEY],
      [1, KEY],
    ]);
  });

  it('while reconnecting, the next login uses the new key (the old one may already be revoked)', async () => {
    const ks = await keyServer();
    const client = cleanup.add(fixtureClient(ks.server.url, { random: () => 0 }), (c) => c.close());
    await client.connect();
    ks.revoke(KEY);
    let switched: Promise<void> | undefined;
    client.on('reconnect', () => {
      switched ??= client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET });
    });
    ks.server.conns[0]!.ws.terminate();
    await waitFor(() => switched !== undefined, 'a reconnect');
    await switched;
    expect(client.state).toBe('open');
    expect(ks.logins().map((l) => [l.conn, l.token])).toEqual([
      [0, KEY],
      [1, NEW_KEY],
    ]);
  });

  it('before connect, setCredentials just replaces the key used by connect()', async () => {
    const ks = await keyServer();
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    await client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET });
    await client.connect();
    expect(ks.logins()).toEqual([{ conn: 0, token: NEW_KEY, secret: NEW_SECRET }]);
  });

  it('serialises concurrent switches, validates input, and rejects once closed', async () => {
    const ks = await keyServer();
    const client = fixtureClient(ks.server.url);
    await client.connect();
    await Promise.all([client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET }), client.setCredentials({ key: KEY, secret: SECRET })]);
    expect(ks.logins().map((l) => l.token)).toEqual([KEY, NEW_KEY, KEY]);
    expect(await rejectionOf(client.setCredentials({ key: '', secret: 'x' } as never))).toBeInstanceOf(ConfigurationError);
    await client.close();
    expect(await rejectionOf(client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET }))).toBeInstanceOf(ClientClosedError);
  });

  it('a switch pending when the client closes rejects', async () => {
    const server = cleanup.add(await startRawServer({ auth: (c) => (c.index === 0 ? 'ok' : 'manual') }), (s) => s.close());
    const client = fixtureClient(server.url);
    await client.connect();
    server.conns[0]!.ws.terminate();
    await server.waitForFrame((f) => f.conn === 1 && f.type === 'auth.login', 'the reconnect login');
    const switched = rejectionOf(client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET }));
    await client.close();
    expect(await switched).toBeInstanceOf(ClientClosedError);
  });

  it('never shows the new secret (or key) in logs, errors or renderings', async () => {
    const key = canary('NEWKEY');
    const secret = canary('NEWSECRET');
    const logger = memoryLogger();
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type !== 'auth.login') return c.fail(m, 'api_key_revoked', `revoked ${m.payload.id}`);
          if (m.payload.token === key) {
            c.reply(m, 'auth.failure', { code: 'invalid_credentials', message: `bad ${key}/${secret}`, details: { token: key } });
            c.ws.close(4401, `bad ${secret}`);
          } else c.reply(m, 'auth.success', AUTH_SUCCESS);
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { logger }), (c) => c.close());
    await client.connect();
    const errors: unknown[] = [await rejectionOf(client.setCredentials({ key, secret }))];
    errors.push(await rejectionOf(client.request('store.get', { id: 1 })));
    expect(errors[1]).toBeInstanceOf(WsKeyRejectedError);
    assertNoLeak([...errors, client, logger.lines.join('\n')], [key, secret]);
  });
});

describe('transient authentication failures', () => {
  it('a transient auth.failure on reconnect backs off and retries; queued requests survive', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type !== 'auth.login') return c.reply(m, 'store.get.ok', { id: m.payload.id, name: `conn ${c.index}` });
          if (c.index === 1) {
            c.reply(m, 'auth.failure', { code: 'rate_limited', message: 'slow down' });
            c.ws.close(4401, 'authentication failed');
          } else c.reply(m, 'auth.success', AUTH_SUCCESS);
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const reconnects: { attempt: number; error: unknown }[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    await client.connect();
    const dropped = nextReconnect(client);
    server.conns[0]!.ws.terminate();
    await dropped;
    const queued = client.request('store.get', { id: 9 });
    await expect(queued).resolves.toEqual({ id: 9, name: 'conn 2' });
    expect(client.state).toBe('open');
    expect(reconnects.map((r) => r.attempt)).toEqual([1, 2]);
    const authErr = reconnects[1]!.error as WsAuthenticationError;
    expect(authErr).toBeInstanceOf(WsAuthenticationError);
    expect(authErr.reason).toBe('rate_limited');
    expect(authErr.transient).toBe(true);
  });

  it('close 4401 whose reason names a transient code is retried too', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: (c) => (c.index === 1 ? 'manual' : 'ok'),
        onFrame: (m, c) => {
          if (m.type === 'auth.login') return c.ws.close(4401, 'unavailable: try again');
          c.reply(m, 'store.get.ok', { id: m.payload.id, name: 'ok' });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    server.conns[0]!.ws.terminate();
    await server.waitForConns(3);
    await waitFor(() => client.state === 'open', 'open again');
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: 'ok' });
  });

  it.each(['invalid_credentials', 'api_key_expired', 'api_key_revoked', 'some_new_code'])('a reconnect auth.failure with code %s is fatal', async (code) => {
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type !== 'auth.login') return;
          if (c.index === 0) return c.reply(m, 'auth.success', AUTH_SUCCESS);
          c.reply(m, 'auth.failure', { code, message: 'refused' });
          c.ws.close(4401, 'authentication failed');
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const dropped = nextReconnect(client);
    server.conns[0]!.ws.terminate();
    await dropped;
    const err = await rejectionOf(client.request('store.get', { id: 1 }));
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err.reason).toBe(code);
    expect(err.transient).toBe(false);
    expect(client.state).toBe('closed');
    expect(server.conns).toHaveLength(2);
  });

  it('the first connect is not retried, even for a transient code, but the error carries the code', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          c.reply(m, 'auth.failure', { code: 'internal_error', message: 'try later' });
          c.ws.close(4401, 'authentication failed');
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const reconnects: unknown[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    const err = await rejectionOf(client.connect());
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err.reason).toBe('internal_error');
    expect(err.transient).toBe(true);
    expect(err.message).toContain('internal_error');
    expect(client.state).toBe('closed');
    expect(reconnects).toEqual([]);
    expect(server.conns).toHaveLength(1);
  });

  it('transient failures on every reconnect are bounded by maxAttempts', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type !== 'auth.login') return;
          if (c.index === 0) return c.reply(m, 'auth.success', AUTH_SUCCESS);
          c.reply(m, 'auth.failure', { code: 'unavailable', message: 'maintenance' });
          c.ws.close(4401, 'authentication failed');
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } }), (c) => c.close());
    await client.connect();
    const dropped = nextReconnect(client);
    server.conns[0]!.ws.terminate();
    await dropped;
    const err = await rejectionOf(client.request('store.get', { id: 1 }));
    expect(err.name).toBe('ReconnectFailedError');
    expect(err.attempts).toBe(3);
    expect(server.conns).toHaveLength(4);
  });
});

describe('in-flight requests on a socket ended by a refused switch', () => {
  it('fail with ConnectionLostError (never resent)', async () => {
    const ks = await keyServer({ hold: 'store.create' });
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    await client.connect();
    const inflight = rejectionOf(client.request('store.create', { name: 'A', type: 'grocery' }));
    await waitFor(() => ks.held.length === 1, 'in flight');
    await rejectionOf(client.setCredentials({ key: NEW_KEY, secret: 'wrong' }));
    expect(await inflight).toBeInstanceOf(ConnectionLostError);
    await ks.server.waitForConns(2);
    await waitFor(() => client.state === 'open', 'reconnected');
    expect(ks.server.conns[1]!.frames.map((f) => f.type)).toEqual(['auth.login']);
  });
});

describe('setAuth with a payload builder that throws (a local failure: nothing reaches the server)', () => {
  it('on the open socket: rejects, stays open with the previous credentials; in-flight requests still get their reply; one connection', async () => {
    const ks = await keyServer({ hold: 'store.create' });
    const client = cleanup.add(fixtureClient(ks.server.url), (c) => c.close());
    const states: string[] = [];
    await client.connect();
    client.on('state', (s) => states.push(s.state));
    const inflight = client.request('store.create', { name: 'A', type: 'grocery' });
    await waitFor(() => ks.held.length === 1, 'store.create in flight');

    const boom = new Error('cannot build the login payload');
    const err = await rejectionOf(
      client.setAuth({
        payload: () => {
          throw boom;
        },
      }),
    );
    expect(err).toBe(boom);
    expect(client.state).toBe('open');
    expect(states).toEqual([]);
    // The request in flight is unaffected and the socket keeps working with the previous key.
    ks.server.conns[0]!.reply(ks.held[0]!, 'store.create.ok', { id: 1, name: 'A', type: 'grocery' });
    await expect(inflight).resolves.toEqual({ id: 1, name: 'A', type: 'grocery' });
    await expect(client.request('store.get', { id: 2 })).resolves.toEqual({ id: 2, name: `as ${KEY}` });
    expect(ks.server.conns).toHaveLength(1);
    expect(ks.server.conns[0]!.frames.map((f) => f.type)).toEqual(['auth.login', 'store.create', 'store.get']);
    // A later switch still works (no timer or candidate was left behind).
    await client.setCredentials({ key: NEW_KEY, secret: NEW_SECRET });
    await expect(client.request('store.get', { id: 3 })).resolves.toEqual({ id: 3, name: `as ${NEW_KEY}` });
    expect(ks.server.conns).toHaveLength(1);
  });

  it('while reconnecting: rejects and the reconnect logs in with the previous credentials on the same socket', async () => {
    const ks = await keyServer();
    const client = cleanup.add(fixtureClient(ks.server.url, { random: () => 0 }), (c) => c.close());
    await client.connect();
    let switched: Promise<unknown> | undefined;
    const boom = new Error('no new key yet');
    client.on('reconnect', () => {
      switched ??= rejectionOf(
        client.setAuth({
          payload: () => {
            throw boom;
          },
        }),
      );
    });
    ks.server.conns[0]!.ws.terminate();
    await waitFor(() => switched !== undefined, 'a reconnect');
    expect(await switched).toBe(boom);
    await waitFor(() => client.state === 'open', 'reconnected');
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: `as ${KEY}` });
    expect(ks.server.conns).toHaveLength(2);
    expect(ks.logins().map((l) => [l.conn, l.token])).toEqual([
      [0, KEY],
      [1, KEY],
    ]);
  });
});
