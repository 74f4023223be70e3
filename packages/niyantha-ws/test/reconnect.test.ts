import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@s2sdk/testkit';
import { ClientClosedError, ConnectionLostError, QueueFullError, ReconnectFailedError } from '../src/errors.js';
import { AUTH_SUCCESS, cleanupList, rejectionOf, startRawServer, type Frame } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';
import { backoffDelay as coreBackoffDelay, RECONNECT_BACKOFF } from '@s2sdk/core';
import { backoffDelay, resolveReconnect } from '../src/backoff.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const echo = (m: Frame, c: { reply: (m: Frame, t: string, p: unknown) => void }) => c.reply(m, 'store.get.ok', { id: m.payload.id, name: `conn` });

describe('reconnect', () => {
  it('reconnects after a drop and sends auth.login first again', async () => {
    const server = cleanup.add(await startRawServer({ onFrame: echo }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const reconnects: { attempt: number; delayMs: number }[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    let auths = 0;
    client.on('authenticated', () => auths++);
    await client.connect();
    server.conns[0]!.ws.terminate();
    await waitFor(() => auths === 2, 'second authentication');
    expect(client.state).toBe('open');
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]!.attempt).toBe(1);
    await expect(client.request('store.get', { id: 4 })).resolves.toEqual({ id: 4, name: 'conn' });
    expect(server.conns[1]!.frames.map((f) => f.type)).toEqual(['auth.login', 'store.get']);
  });

  it('rejects in-flight requests with ConnectionLostError on a drop and never resends them', async () => {
    const held: Frame[] = [];
    const server = cleanup.add(await startRawServer({ onFrame: (m) => held.push(m) }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const p = client.request('store.create', { name: 'A', type: 'grocery' });
    await waitFor(() => held.length === 1, 'request in flight');
    server.conns[0]!.ws.close(1011, 'server going away');
    const err = await rejectionOf(p);
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err.requestType).toBe('store.create');
    expect(err.requestId).toBe(held[0]!.requestId);
    expect(err.closeCode).toBe(1011);
    await server.waitForConns(2);
    await waitFor(() => client.state === 'open', 'reconnected');
    // Only auth.login on the new connection: the create was not replayed.
    expect(server.conns[1]!.frames.map((f) => f.type)).toEqual(['auth.login']);
  });

  it('queues requests while reconnecting (bounded), flushes them after auth in order', async () => {
    const server = cleanup.add(
      await startRawServer({ auth: (c) => (c.index === 0 ? 'ok' : 'manual'), onFrame: (m, c) => (m.type === 'auth.login' ? undefined : echo(m, c)) }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { queueLimit: 2 }), (c) => c.close());
    await client.connect();
    server.conns[0]!.ws.terminate();
    const login = await server.waitForFrame((f) => f.conn === 1 && f.type === 'auth.login', 'auth.login on the new connection');
    expect(client.state).toBe('authenticating');
    const a = client.request('store.get', { id: 1 });
    const b = client.request('store.get', { id: 2 });
    const overflow = await rejectionOf(client.request('store.get', { id: 3 }));
    expect(overflow).toBeInstanceOf(QueueFullError);
    expect(overflow.limit).toBe(2);
    expect(client.queued).toBe(2);
    server.conns[1]!.reply(login, 'auth.success', AUTH_SUCCESS);
    await expect(Promise.all([a, b])).resolves.toEqual([
      { id: 1, name: 'conn' },
      { id: 2, name: 'conn' },
    ]);
    expect(server.conns[1]!.frames.map((f) => [f.type, f.payload.id])).toEqual([
      ['auth.login', undefined],
      ['store.get', 1],
      ['store.get', 2],
    ]);
  });

  it('a queued request keeps its timeout while waiting', async () => {
    const server = cleanup.add(await startRawServer({ auth: (c) => (c.index === 0 ? 'ok' : 'manual') }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    server.conns[0]!.ws.terminate();
    await server.waitForFrame((f) => f.conn === 1 && f.type === 'auth.login', 'auth.login on the new connection');
    const err = await rejectionOf(client.request('store.get', { id: 1 }, { timeoutMs: 30 }));
    expect(err.name).toBe('RequestTimeoutError');
    expect(client.queued).toBe(0);
  });

  it('gives up after maxAttempts: ReconnectFailedError to everything waiting, then closed', async () => {
    const server = await startRawServer();
    const client = cleanup.add(fixtureClient(server.url, { reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 2 } }), (c) => c.close());
    await client.connect();
    let queuedErr: Promise<any> | undefined;
    const attempts: number[] = [];
    client.on('reconnect', (r) => {
      attempts.push(r.attempt);
      queuedErr ??= rejectionOf(client.request('store.get', { id: 1 }));
    });
    await server.close(); // drops the connection and stops listening: every attempt is refused
    await waitFor(() => queuedErr !== undefined, 'first reconnect attempt');
    const err = await queuedErr!;
    expect(err).toBeInstanceOf(ReconnectFailedError);
    expect(err.attempts).toBe(2);
    expect(attempts).toEqual([1, 2]);
    expect(client.state).toBe('closed');
    expect(await rejectionOf(client.request('store.get', { id: 2 }))).toBeInstanceOf(ClientClosedError);
  });

  it('a server that accepts auth.login and then drops at once exhausts maxAttempts (no endless loop)', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type !== 'auth.login') return;
          c.reply(m, 'auth.success', AUTH_SUCCESS);
          // Every connection after the first is closed right after a successful login.
          if (c.index > 0) c.ws.close(1011, 'internal error');
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } }), (c) => c.close());
    let auths = 0;
    client.on('authenticated', () => auths++);
    const attempts: number[] = [];
    client.on('reconnect', (r) => attempts.push(r.attempt));
    await client.connect();
    const closed = new Promise<unknown>((resolve) => client.on('state', (s) => (s.state === 'closed' ? resolve(undefined) : undefined)));
    server.conns[0]!.ws.terminate();
    await closed;
    const err = await rejectionOf(client.request('store.get', { id: 1 }));
    expect(err).toBeInstanceOf(ClientClosedError);
    expect(err.cause).toBeInstanceOf(ReconnectFailedError);
    expect(err.cause.attempts).toBe(3);
    // Each reconnect did authenticate, yet the counter kept counting: 1 connect + 3 reconnects.
    expect(auths).toBe(4);
    expect(attempts).toEqual([1, 2, 3]);
    expect(server.conns).toHaveLength(4);
  });

  it('the attempt counter starts over once a session stayed up stableAfterMs', async () => {
    const server = cleanup.add(await startRawServer({ onFrame: echo }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url, { reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 1, stableAfterMs: 50 } }), (c) => c.close());
    const attempts: number[] = [];
    client.on('reconnect', (r) => attempts.push(r.attempt));
    await client.connect();
    const reauthed = new Promise<void>((resolve) => client.once('authenticated', () => resolve()));
    server.conns[0]!.ws.terminate();
    await reauthed;
    // Timers fire in deadline order: once this longer one has fired, the stable-period timer has too.
    await new Promise((r) => setTimeout(r, 200));
    const again = new Promise<void>((resolve) => client.once('authenticated', () => resolve()));
    server.conns[1]!.ws.terminate();
    await again;
    // With maxAttempts 1, a second drop would have closed the client had the counter not started over.
    expect(attempts).toEqual([1, 1]);
    expect(client.state).toBe('open');
    await expect(client.request('store.get', { id: 3 })).resolves.toEqual({ id: 3, name: 'conn' });
  });

  it('reconnect: false closes on the first drop', async () => {
    const server = cleanup.add(await startRawServer(), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url, { reconnect: false }), (c) => c.close());
    await client.connect();
    server.conns[0]!.ws.terminate();
    await waitFor(() => client.state === 'closed', 'closed');
    expect(server.conns).toHaveLength(1);
  });

  it('close() settles in-flight and queued requests with ClientClosedError and stops reconnecting', async () => {
    const manual = new Set<number>();
    const server = cleanup.add(await startRawServer({ auth: (c) => (manual.has(c.index) ? 'manual' : 'ok') }), (s) => s.close());
    const client = fixtureClient(server.url);
    await client.connect();
    const inflight = rejectionOf(client.request('store.get', { id: 1 }));
    await server.waitForFrame((f) => f.type === 'store.get', 'in flight');
    const stream = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' });
    await server.waitForFrame((f) => f.type === 'ai.thread.send.stream', 'stream in flight');
    await client.close();
    expect(client.state).toBe('closed');
    expect(await inflight).toBeInstanceOf(ClientClosedError);
    expect(await rejectionOf(stream.result)).toBeInstanceOf(ClientClosedError);
    await expect(client.close()).resolves.toBeUndefined();
    expect(await rejectionOf(client.request('store.get', { id: 2 }))).toBeInstanceOf(ClientClosedError);
    // Closing while reconnecting: queued work is rejected and no further connection is made.
    const client2 = fixtureClient(server.url);
    await client2.connect();
    const conns = server.conns.length;
    manual.add(conns);
    server.conns[conns - 1]!.ws.terminate();
    await server.waitForFrame((f) => f.conn === conns && f.type === 'auth.login', 'reconnect auth');
    const queued = rejectionOf(client2.request('store.get', { id: 3 }));
    await client2.close();
    expect(await queued).toBeInstanceOf(ClientClosedError);
    expect(server.conns.length).toBe(conns + 1);
  });
});

describe('backoff', () => {
  it("is core's backoff (equal jitter under an exponential cap, the REST retry formula)", () => {
    const r = resolveReconnect({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, maxAttempts: 5 });
    if (r === false) throw new Error('unreachable');
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, r, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, r, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
  });
  it('defaults to core\'s RECONNECT_BACKOFF', () => {
    const r = resolveReconnect(undefined);
    if (r === false) throw new Error('unreachable');
    expect({ initialDelayMs: r.initialDelayMs, maxDelayMs: r.maxDelayMs, factor: r.factor }).toEqual(RECONNECT_BACKOFF);
    for (const x of [0, 0.3, 0.99]) for (let a = 1; a <= 12; a++) expect(backoffDelay(a, r, () => x)).toBe(coreBackoffDelay(a - 1, RECONNECT_BACKOFF, () => x));
  });
  it('rejects nonsensical policies', () => {
    expect(() => resolveReconnect({ factor: 0.5 })).toThrow(RangeError);
    expect(resolveReconnect(false)).toBe(false);
  });
});
