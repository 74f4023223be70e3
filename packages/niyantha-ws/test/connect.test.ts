import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '@s2sdk/core';
import { ClientClosedError, ConnectError, WsAuthenticationError } from '../src/errors.js';
import { AUTH_SUCCESS, cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { KEY, SECRET, fixtureClient } from './helpers/client.js';
import { createNiyanthaWsClient } from '../src/niyantha-client.js';
import { fixtureTable, fixtureUpload, type FixtureOps } from './fixtures/operations.js';
import { createServer } from 'node:net';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('connect and authenticate', () => {
  it('sends auth.login as the first frame and resolves after auth.success', async () => {
    const server = cleanup.add(await startRawServer({ onFrame: (m, c) => c.reply(m, 'store.get.ok', { id: m.payload.id, name: 'Fresh Mart' }) }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url, { app: 'anystore', storeId: 7 }), (c) => c.close());
    const states: string[] = [];
    client.on('state', (s) => states.push(s.state));
    await client.connect();
    expect(client.state).toBe('open');
    expect(client.session).toEqual(AUTH_SUCCESS);
    expect(states).toEqual(['connecting', 'authenticating', 'open']);
    const first = server.conns[0]!.frames[0]!;
    expect(first.type).toBe('auth.login');
    expect(typeof first.requestId).toBe('string');
    expect(first.payload).toEqual({ authType: 's2s', token: KEY, metadata: { secret: SECRET, app: 'anystore', storeId: '7' } });
    await expect(client.request('store.get', { id: 3 })).resolves.toEqual({ id: 3, name: 'Fresh Mart' });
    expect(server.conns[0]!.frames.map((f) => f.type)).toEqual(['auth.login', 'store.get']);
  });

  it('defaults metadata.app and omits storeId when not given', async () => {
    const server = cleanup.add(await startRawServer(), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    expect(server.frames[0]!.payload.metadata).toEqual({ secret: SECRET, app: 's2sdk' });
  });

  it('treats auth.failure as fatal: typed AuthenticationError, closed state, no reconnect attempt', async () => {
    const server = cleanup.add(await startRawServer({ auth: 'fail' }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const reconnects: unknown[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    const err = await rejectionOf(client.connect());
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.reason).toBe('invalid_credentials');
    expect(err.message).toContain('invalid key or secret');
    expect(client.state).toBe('closed');
    // Requests after a fatal error fail fast with the cause attached.
    const later = await rejectionOf(client.request('store.get', { id: 1 }));
    expect(later).toBeInstanceOf(ClientClosedError);
    expect(later.cause).toBe(err);
    expect(reconnects).toEqual([]);
    expect(server.conns).toHaveLength(1);
  });

  it('treats close code 4401 as fatal authentication failure', async () => {
    const server = cleanup.add(await startRawServer({ auth: 'close4401' }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const err = await rejectionOf(client.connect());
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err.closeCode).toBe(4401);
    expect(client.state).toBe('closed');
    expect(server.conns).toHaveLength(1);
  });

  it('a 4401 after a successful session (key revoked) is fatal too and rejects queued work', async () => {
    let n = 0;
    const server = cleanup.add(await startRawServer({ auth: () => (n++ === 0 ? 'ok' : 'close4401') }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    server.conns[0]!.ws.close(4401, 'key expired');
    const err = await rejectionOf(client.request('store.get', { id: 1 }));
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(client.state).toBe('closed');
  });

  it('rejects with ConnectError when nothing listens (no retry before a first session)', async () => {
    // A port that was free a moment ago: connection refused.
    const port = await new Promise<number>((res) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
    });
    const client = cleanup.add(fixtureClient(`ws://127.0.0.1:${port}/ws`), (c) => c.close());
    const reconnects: unknown[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    const err = await rejectionOf(client.connect());
    expect(err).toBeInstanceOf(ConnectError);
    expect(client.state).toBe('closed');
    expect(reconnects).toEqual([]);
  });

  it('rejects with ConnectError when authentication gets no answer within connectTimeoutMs', async () => {
    const server = cleanup.add(await startRawServer({ auth: 'silent' }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url, { connectTimeoutMs: 100 }), (c) => c.close());
    const err = await rejectionOf(client.connect());
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.message).toContain('100 ms');
  });

  it('loads the optional peer `ws` lazily when no WebSocket is given and none is global (Node 20)', async () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined();
    const server = cleanup.add(await startRawServer(), (s) => s.close());
    const client = cleanup.add(
      createNiyanthaWsClient<FixtureOps>({ url: server.url, credentials: { key: KEY, secret: SECRET }, heartbeat: false }, fixtureTable, fixtureUpload),
      (c) => c.close(),
    );
    await client.connect();
    expect(client.state).toBe('open');
  });

  it('an AbortSignal cancels a pending connect and closes the client', async () => {
    const server = cleanup.add(await startRawServer({ auth: 'silent' }), (s) => s.close());
    const ac = new AbortController();
    const client = cleanup.add(fixtureClient(server.url, { signal: ac.signal }), (c) => c.close());
    const p = client.connect();
    await server.waitForFrame((f) => f.type === 'auth.login', 'auth.login');
    ac.abort();
    expect(await rejectionOf(p)).toBeInstanceOf(ClientClosedError);
    expect(client.state).toBe('closed');
  });
});
