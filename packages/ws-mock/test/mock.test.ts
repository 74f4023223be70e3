import { loadApiModel, type ApiModel } from '@s2sdk/asyncapi-codegen';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { inspect } from 'node:util';
import WebSocket from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes, startMockServer, type MockServer, type MockServerOptions } from '../src/index';
import { NOTES, connect, waitFor, type Frame, type TestSocket } from './helpers';

const KEY = { key: 'pk_test', secret: 'sk_test', accountId: '7', storeIds: ['s-1', 's-2'] };

let servers: MockServer[] = [];
let sockets: TestSocket[] = [];
afterEach(async () => {
  for (const s of sockets) s.ws.terminate();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  sockets = [];
});

let model: ApiModel;
/** A fresh server per test (the document is parsed once, in beforeAll). */
async function start(options: Partial<MockServerOptions> = {}): Promise<MockServer> {
  const server = await startMockServer({ spec: model, port: 0, keys: [KEY], ...options });
  servers.push(server);
  return server;
}
async function open(server: MockServer): Promise<TestSocket> {
  const s = await connect(server.url);
  sockets.push(s);
  return s;
}
async function authed(server: MockServer): Promise<TestSocket> {
  const s = await open(server);
  const reply = await s.login();
  expect(reply.type).toBe('auth.success');
  return s;
}

let validate: (frame: Frame) => string[];
beforeAll(async () => {
  model = await loadApiModel(NOTES);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const byType = new Map(model.messages.map((m) => [m.type, ajv.compile(m.schema)]));
  validate = (frame) => {
    const v = byType.get(frame.type);
    if (!v) return [`unknown type ${frame.type}`];
    return v(frame) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
});

describe('server basics', () => {
  it('listens on a free loopback port and serves the channel address', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}/ws`);
    const s = await open(server);
    await waitFor(() => server.clients.size === 1, 'the client to be registered');
    expect(server.connections).toBe(1);
    s.ws.close();
    await waitFor(() => server.clients.size === 0, 'the client to leave');
  });

  it('loads the document from a path', async () => {
    const server = await start({ spec: NOTES });
    const s = await open(server);
    expect((await s.login()).type).toBe('auth.success');
  });

  it('fails to start, listing problems, when examples do not match their schemas (strict)', async () => {
    const broken = structuredClone(model);
    const created = broken.messages.find((m) => m.type === 'note.create.ok')!;
    created.examples = [{ type: 'note.create.ok', requestId: 'r', payload: { title: 'no id' } }];
    await expect(startMockServer({ spec: broken, port: 0 })).rejects.toThrow(
      /message "noteCreateOk" \(note\.create\.ok\): example 1 is invalid at \/payload: must have required property 'id'/,
    );
    const lenient = await startMockServer({ spec: broken, port: 0, strict: false });
    servers.push(lenient);
    expect(lenient.port).toBeGreaterThan(0);
  });
});

describe('frame validation', () => {
  it('answers an invalid payload with validation_failed listing every ajv error, same requestId', async () => {
    const server = await start();
    const s = await authed(server);
    const reply = await s.request('note.create', { title: '', extra: true, tags: ['a', 'b', 'c', 'd'] }, 'bad-1');
    expect(reply).toMatchObject({ type: 'error', requestId: 'bad-1', payload: { code: 'validation_failed' } });
    const details = reply.payload.details as Array<{ path: string; message: string }>;
    expect(details).toEqual(
      expect.arrayContaining([
        { path: '/payload', message: 'must NOT have additional properties: "extra"' },
        { path: '/payload/title', message: 'must NOT have fewer than 1 characters' },
        { path: '/payload/tags', message: 'must NOT have more than 3 items' },
      ]),
    );
    expect(details).toHaveLength(3);
    expect(validate(reply)).toEqual([]);
  });

  it('answers an unknown type with validation_failed', async () => {
    const server = await start();
    const s = await authed(server);
    const reply = await s.request('note.delete', {}, 'u-1');
    expect(reply).toMatchObject({ type: 'error', requestId: 'u-1', payload: { code: 'validation_failed', details: [{ path: '/type' }] } });
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['an object without requestId', JSON.stringify({ type: 'note.get', payload: {} })],
    ['an object with a numeric type', JSON.stringify({ type: 1, requestId: 'x', payload: {} })],
    ['an object whose payload is not an object', JSON.stringify({ type: 'note.get', requestId: 'x', payload: 'id' })],
  ])('closes with 4400 on a frame that is %s', async (_what, text) => {
    const server = await start();
    const s = await open(server);
    s.send(text);
    expect(await s.closed).toEqual({ code: 4400, reason: 'frame is not a JSON envelope' });
    expect(server.received.at(-1)!.raw).toBe(text);
  });

  it('closes with 4400 on a binary frame', async () => {
    const server = await start();
    const s = await open(server);
    s.ws.send(Buffer.from(JSON.stringify({ type: 'note.get', requestId: 'b', payload: { id: 'x' } })), { binary: true });
    expect((await s.closed).code).toBe(CloseCodes.NOT_AN_ENVELOPE);
  });
});

describe('authentication handshake', () => {
  it('refuses requests before authentication with error/unauthenticated', async () => {
    const server = await start();
    const s = await open(server);
    const reply = await s.request('note.get', { id: 'n' }, 'early');
    expect(reply).toEqual({ type: 'error', requestId: 'early', payload: { code: 'unauthenticated', message: 'Authenticate with auth.login first.' } });
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers a wrong secret with auth.failure, then closes 4401', async () => {
    const server = await start();
    const s = await open(server);
    const reply = await s.login('pk_test', 'wrong-secret');
    expect(reply).toMatchObject({ type: 'auth.failure', payload: { code: 'invalid_credentials' } });
    expect(validate(reply)).toEqual([]);
    expect(JSON.stringify(reply)).not.toContain('wrong-secret');
    expect(await s.closed).toEqual({ code: 4401, reason: 'authentication failed' });
  });

  it('answers an unknown key the same way', async () => {
    const server = await start();
    const s = await open(server);
    expect((await s.login('pk_other', 'sk_test')).type).toBe('auth.failure');
    expect((await s.closed).code).toBe(CloseCodes.AUTH_FAILED);
  });

  it('answers the right key with auth.success carrying the key identity, then serves requests', async () => {
    const server = await start();
    const s = await open(server);
    const reply = await s.login('pk_test', 'sk_test', { storeId: 's-2' });
    expect(reply.payload).toEqual({ identityId: 'account-7', role: 'account', context: { accountId: '7', storeId: 's-2' } });
    expect(validate(reply)).toEqual([]);
    const client = [...server.clients][0]!;
    expect(client.authenticated).toBe(true);
    expect(client.identity).toEqual({ key: 'pk_test', accountId: '7', storeIds: ['s-1', 's-2'], storeId: 's-2' });
    expect((await s.request('note.get', { id: 'n_abc123' })).type).toBe('note.get.ok');
  });

  it('does not attach a store the key does not own', async () => {
    const server = await start();
    const s = await open(server);
    const reply = await s.login('pk_test', 'sk_test', { storeId: 's-99' });
    expect(reply.payload.context).toEqual({ accountId: '7' });
  });

  it('fills identity fields the reply schema has even when the example lacks them', async () => {
    const custom = structuredClone(model);
    const success = custom.messages.find((m) => m.type === 'auth.success')!;
    success.examples = [{ type: 'auth.success', requestId: 'a', payload: { identityId: 'account-42', role: 'account', context: { accountId: '42' } } }];
    const server = await start({ spec: custom });
    const s = await open(server);
    const reply = await s.login('pk_test', 'sk_test', { storeId: 's-1' });
    expect(reply.payload).toEqual({ identityId: 'account-7', role: 'account', context: { accountId: '7', storeId: 's-1' } });
    expect(validate(reply)).toEqual([]);
  });

  it('validates the auth request itself (validation_failed, no close)', async () => {
    const server = await start();
    const s = await open(server);
    const reply = await s.request('auth.login', { token: 'pk_test' }, 'a-bad');
    expect(reply.payload.code).toBe('validation_failed');
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('accepts any non-empty credentials when no keys are configured', async () => {
    const server = await start({ keys: undefined });
    const s = await open(server);
    expect((await s.login('anything', 'goes')).type).toBe('auth.success');
  });

  it('supports a custom authCheck and credential extraction', async () => {
    const seen: unknown[] = [];
    const server = await start({
      credentials: (p) => ({ key: (p as any).token, secret: (p as any).metadata.secret.toUpperCase() }),
      authCheck: ({ credentials }) => {
        seen.push(credentials.secret);
        return credentials.secret === 'OPEN-SESAME' ? { accountId: '99' } : false;
      },
    });
    const ok = await open(server);
    expect((await ok.login('k', 'open-sesame')).payload.context.accountId).toBe('99');
    const no = await open(server);
    expect((await no.login('k', 'nope')).type).toBe('auth.failure');
    expect(seen).toEqual(['OPEN-SESAME', 'NOPE']);
  });

  it('closes with 4408 when the client does not authenticate in time', async () => {
    const server = await start({ authTimeoutMs: 50 });
    const s = await open(server);
    expect(await s.closed).toEqual({ code: 4408, reason: 'authentication timeout' });
  });

  it('does not require authentication when requireAuth is false', async () => {
    const server = await start({ requireAuth: false });
    const s = await open(server);
    expect((await s.request('note.get', { id: 'x' })).type).toBe('note.get.ok');
  });
});

describe('replies', () => {
  it('replies from the first example with the same requestId, schema-valid', async () => {
    const server = await start();
    const s = await authed(server);
    const reply = await s.request('note.create', { title: 'Groceries' }, 'c-1');
    expect(reply).toEqual({
      type: 'note.create.ok',
      requestId: 'c-1',
      payload: { id: 'n_abc123', title: 'Groceries', body: null, tags: ['home'], createdAt: '2025-01-01T10:00:00Z' },
    });
    expect(validate(reply)).toEqual([]);
  });

  it('generates a schema-valid reply when the message has no example', async () => {
    const server = await start();
    const s = await authed(server);
    const reply = await s.request('note.get', { id: 'x' }, 'g-1');
    expect(reply.type).toBe('note.get.ok');
    expect(reply.requestId).toBe('g-1');
    expect(validate(reply)).toEqual([]);
  });

  it('answers concurrent requests each with its own requestId', async () => {
    const server = await start();
    const s = await authed(server);
    const ids = Array.from({ length: 10 }, (_, i) => `p-${i}`);
    for (const id of ids) s.send({ type: 'note.get', requestId: id, payload: { id } });
    for (const id of ids) expect((await s.frame((f) => f.requestId === id)).type).toBe('note.get.ok');
    for (const id of ids) expect(s.answers(id)).toHaveLength(1);
  });

  it('streams chunks (cycling the examples) and then the final reply', async () => {
    const server = await start();
    const s = await authed(server);
    s.send({ type: 'feed.stream', requestId: 'st-1', payload: {} });
    await s.frame((f) => f.type === 'feed.stream.ok' && f.requestId === 'st-1');
    const answers = s.answers('st-1');
    expect(answers.map((f) => f.type)).toEqual(['feed.stream.chunk', 'feed.stream.chunk', 'feed.stream.chunk', 'feed.stream.ok']);
    expect(answers.slice(0, 3).map((f) => f.payload.text)).toEqual(['Hello', ' world', 'Hello']);
    for (const f of answers) expect(validate(f)).toEqual([]);
  });

  it('sends chunkCount chunks', async () => {
    const server = await start({ chunkCount: 1 });
    const s = await authed(server);
    s.send({ type: 'feed.stream', requestId: 'st-2', payload: {} });
    await s.frame((f) => f.type === 'feed.stream.ok');
    expect(s.answers('st-2').map((f) => f.type)).toEqual(['feed.stream.chunk', 'feed.stream.ok']);
  });

  it('uses custom reply handlers', async () => {
    const server = await start({
      replies: { 'note.get': (req, ctx) => ({ id: (req.payload as any).id, title: `for ${ctx.identity?.accountId}`, createdAt: '2025-01-01T00:00:00Z' }) },
    });
    const s = await authed(server);
    const reply = await s.request('note.get', { id: 'n_zzzzzz' });
    expect(reply.payload).toEqual({ id: 'n_zzzzzz', title: 'for 7', createdAt: '2025-01-01T00:00:00Z' });
  });

  it('pushes events to authenticated clients', async () => {
    const server = await start();
    const a = await authed(server);
    const b = await open(server); // not authenticated: gets nothing
    expect(server.sendEvent('note.changed', { id: 'n_1' })).toBe(1);
    const event = await a.frame((f) => f.type === 'note.changed');
    expect(event.payload).toEqual({ id: 'n_1' });
    expect(b.frames).toEqual([]);
    expect(() => server.sendEvent('note.get.ok')).toThrow(/not an event/);
  });

  it('records received frames with credentials redacted in what it keeps (frame and raw), inspect and JSON', async () => {
    const server = await start();
    const seen: string[] = [];
    server.on('frame', (f: { raw: string }) => seen.push(f.raw));
    const s = await authed(server);
    await s.request('note.get', { id: 'x' }, 'log-1');
    expect(server.received.map((f) => f.frame?.type)).toEqual(['auth.login', 'note.get']);
    const login = server.received[0]!;
    expect(login.frame!.payload).toEqual({ authType: 's2s', token: '[REDACTED]', metadata: { secret: '[REDACTED]' } });
    expect(JSON.parse(login.raw)).toEqual({ type: 'auth.login', requestId: login.frame!.requestId, payload: { authType: 's2s', token: '[REDACTED]', metadata: { secret: '[REDACTED]' } } });
    // The identity the socket logged in as is still there for assertions.
    expect([...server.clients][0]!.identity?.key).toBe('pk_test');
    for (const text of [inspect(server.received, { depth: 10 }), JSON.stringify(server.received), inspect(server), inspect([...server.clients]), ...server.received.map((f) => f.raw), ...seen]) {
      expect(text).not.toContain('sk_test');
      expect(text).not.toContain('pk_test');
    }
  });

  it('redacts configured secrets from frames that are not envelopes, and unusual escapes by re-encoding', async () => {
    const server = await start();
    const a = await open(server);
    a.send('oops sk_test');
    expect((await a.closed).code).toBe(4400);
    expect(server.received.at(-1)!.raw).toBe('oops [REDACTED]');
    const b = await open(server);
    // "sk_test" with an escaped "s": the verbatim value is not in the text, so the redacted JSON is kept.
    b.send('{"type":"auth.login","requestId":"e","payload":{"authType":"s2s","token":"pk_test","metadata":{"secret":"\\u0073k_test"}}}');
    expect((await b.frame((f) => f.requestId === 'e')).type).toBe('auth.success');
    const kept = server.received.at(-1)!;
    expect(kept.raw).not.toContain('k_test');
    expect(JSON.parse(kept.raw).payload.metadata.secret).toBe('[REDACTED]');
  });

  it("removes a configured key's secret from logged frames wherever it appears, whole or inside a longer value", async () => {
    const server = await start();
    const s = await authed(server);
    await s.request('note.get', { id: 'sk_test' }, 'whole');
    await s.request('note.get', { id: 'before-sk_test-after' }, 'inside');
    const logged = server.received.filter((f) => f.frame?.requestId === 'whole' || f.frame?.requestId === 'inside');
    expect(logged).toHaveLength(2);
    for (const f of logged) {
      expect(inspect(f, { depth: 10 })).not.toContain('sk_test');
      expect(JSON.stringify(f.frame)).not.toContain('sk_test');
      expect(f.raw).not.toContain('sk_test');
    }
    expect(logged[1]!.frame!.payload).toEqual({ id: 'before-[REDACTED]-after' });
    expect(JSON.stringify(server)).not.toContain('sk_test');
  });

  it('keeps a bounded log of received frames (maxReceived; oldest dropped) and counts them all', async () => {
    const server = await start({ maxReceived: 3, faults: { dropAfterFrames: 6 } });
    const s = await authed(server);
    for (let i = 1; i <= 4; i++) await s.request('note.get', { id: `n${i}` }, `r-${i}`);
    expect(server.receivedCount).toBe(5);
    expect(server.received.map((f) => f.frame!.requestId)).toEqual(['r-2', 'r-3', 'r-4']);
    const client = [...server.clients][0]!;
    expect(client.received).toHaveLength(3);
    expect(client.receivedCount).toBe(5);
    // dropAfterFrames counts every frame, not just the kept ones.
    s.send({ type: 'note.get', requestId: 'r-6', payload: { id: 'n6' } });
    expect((await s.closed).code).toBe(1006);
    expect(server.receivedCount).toBe(6);
    await expect(startMockServer({ spec: model, port: 0, maxReceived: -1 })).rejects.toThrow(RangeError);
  });

  it('bounds the frame logs in bytes too (maxReceivedBytes; oldest dropped, the newest always kept)', async () => {
    const server = await start({ maxReceivedBytes: 1000 });
    const s = await authed(server);
    const pad = 'p'.repeat(300);
    for (let i = 1; i <= 6; i++) await s.request('note.get', { id: `n${i}${pad}` }, `big-${i}`);
    const bytes = (log: readonly { raw: string }[]) => log.reduce((n, e) => n + e.raw.length, 0);
    const client = [...server.clients][0]!;
    for (const log of [server.received, client.received]) {
      expect(bytes(log)).toBeLessThanOrEqual(1000);
      expect(log.at(-1)!.frame!.requestId).toBe('big-6');
      expect(log.length).toBeGreaterThanOrEqual(2);
      expect(log.length).toBeLessThan(7);
    }
    expect(server.receivedCount).toBe(7);
    const tiny = await start({ maxReceivedBytes: 0 });
    const t = await authed(tiny);
    await t.request('note.get', { id: `n1${pad}` }, 'only');
    expect(tiny.received.map((f) => f.frame!.requestId)).toEqual(['only']);
    await expect(startMockServer({ spec: model, port: 0, maxReceivedBytes: -1 })).rejects.toThrow(RangeError);
  });
});

describe('fault switches', () => {
  it('neverReply (per type) leaves a request unanswered; others still answered', async () => {
    const server = await start({ faults: { neverReply: ['note.get'] } });
    const s = await authed(server);
    s.send({ type: 'note.get', requestId: 'silent', payload: { id: 'x' } });
    await s.request('note.create', { title: 't' }, 'after');
    expect(s.answers('silent')).toEqual([]);
  });

  it('neverReply: true silences every request, including the login', async () => {
    const server = await start({ faults: { neverReply: true } });
    const s = await open(server);
    s.send({ type: 'auth.login', requestId: 'l', payload: { authType: 's2s', token: 'pk_test', metadata: { secret: 'sk_test' } } });
    await waitFor(() => server.received.length === 1, 'the frame to arrive');
    server.setFaults({});
    await s.request('note.get', { id: 'x' }, 'probe'); // answered (unauthenticated), after the login was processed
    expect(s.answers('l')).toEqual([]);
  });

  it('delayMs (per type) delays that answer behind later ones', async () => {
    // The delay is long compared to answering a frame, so the order holds on a loaded machine too.
    const server = await start({ faults: { byType: { 'note.get': { delayMs: 1000 } } } });
    const s = await authed(server);
    s.send({ type: 'note.get', requestId: 'slow', payload: { id: 'x' } });
    s.send({ type: 'note.create', requestId: 'fast', payload: { title: 't' } });
    await s.frame((f) => f.requestId === 'slow');
    const order = s.frames.filter((f): f is Frame => typeof f === 'object').map((f) => f.requestId);
    expect(order.indexOf('fast')).toBeLessThan(order.indexOf('slow'));
  });

  it('dropAfterFrames terminates the socket after N client frames without answering the Nth', async () => {
    const server = await start({ faults: { dropAfterFrames: 2 } });
    const s = await open(server);
    await s.login();
    s.send({ type: 'note.get', requestId: 'dropped', payload: { id: 'x' } });
    const closed = await s.closed;
    expect(closed.code).toBe(1006);
    expect(s.answers('dropped')).toEqual([]);
  });

  it('garbageFrame sends a non-JSON frame before the answer', async () => {
    const server = await start();
    const s = await authed(server);
    server.setFaults({ garbageFrame: true });
    await s.request('note.get', { id: 'x' }, 'g');
    const idx = s.frames.findIndex((f) => typeof f === 'object' && f.requestId === 'g');
    expect(typeof s.frames[idx - 1]).toBe('string');
    expect(() => JSON.parse(s.frames[idx - 1] as string)).toThrow();
  });

  it('replyTwice sends the final answer twice', async () => {
    const server = await start({ faults: { replyTwice: true } });
    const s = await authed(server);
    await s.request('note.create', { title: 't' }, 'twice');
    await s.request('note.get', { id: 'x' }, 'sync');
    expect(s.answers('twice')).toHaveLength(2);
    expect(s.answers('twice')[0]).toEqual(s.answers('twice')[1]);
  });

  it('wrongRequestId answers with a requestId that matches no request', async () => {
    const server = await start();
    const s = await authed(server);
    server.setFaults({ byType: { 'note.get': { wrongRequestId: true } } });
    s.send({ type: 'note.get', requestId: 'mine', payload: { id: 'x' } });
    const reply = await s.frame((f) => f.type === 'note.get.ok');
    expect(reply.requestId).not.toBe('mine');
    expect(s.answers('mine')).toEqual([]);
  });

  it('closeWith closes the connection with the given code and reason instead of answering', async () => {
    const server = await start();
    const s = await authed(server);
    server.setFaults({ byType: { 'note.create': { closeWith: { code: 4999, reason: 'chaos' } } } });
    s.send({ type: 'note.create', requestId: 'c', payload: { title: 't' } });
    expect(await s.closed).toEqual({ code: 4999, reason: 'chaos' });
    expect(s.answers('c')).toEqual([]);
  });

  it('errorFor answers with an error reply instead', async () => {
    const server = await start({ faults: { errorFor: { 'note.get': { code: 'not_found', message: 'No such note.' } } } });
    const s = await authed(server);
    const reply = await s.request('note.get', { id: 'x' }, 'e');
    expect(reply).toEqual({ type: 'error', requestId: 'e', payload: { code: 'not_found', message: 'No such note.' } });
    expect((await s.request('note.create', { title: 't' })).type).toBe('note.create.ok');
  });

  it('errorFor on a streaming request fails it without chunks', async () => {
    const server = await start({ faults: { errorFor: { 'feed.stream': { code: 'busy', details: { retryAfter: 1 } } } } });
    const s = await authed(server);
    const reply = await s.request('feed.stream', {}, 'st');
    expect(reply).toMatchObject({ type: 'error', payload: { code: 'busy', details: { retryAfter: 1 } } });
    expect(s.answers('st')).toHaveLength(1);
  });

  it('an error fault on the auth request is a refused login: its failure message with that code, then close 4401', async () => {
    const server = await start({ faults: { errorFor: { 'auth.login': { code: 'rate_limited', message: 'Slow down.' } } } });
    const s = await open(server);
    const reply = await s.login();
    expect(reply).toMatchObject({ type: 'auth.failure', payload: { code: 'rate_limited', message: 'Slow down.' } });
    expect(validate(reply)).toEqual([]);
    expect(await s.closed).toEqual({ code: 4401, reason: 'authentication failed' });
    // The client sees the close frame before the server's own 'close' event runs: wait for it.
    await waitFor(() => server.clients.size === 0, 'the refused client to leave');
    server.setFaults({});
    const again = await open(server);
    expect((await again.login()).type).toBe('auth.success');
  });

  it('neverReply on the auth request leaves the connection unauthenticated and open', async () => {
    const server = await start({ faults: { byType: { 'auth.login': { neverReply: true } } } });
    const s = await open(server);
    s.send({ type: 'auth.login', requestId: 'l', payload: { authType: 's2s', token: 'pk_test', metadata: { secret: 'sk_test' } } });
    expect((await s.request('note.get', { id: 'x' })).payload.code).toBe('unauthenticated');
    expect(s.answers('l')).toEqual([]);
  });

  it('setFaults replaces the configuration at runtime and faults reflects it', async () => {
    const server = await start({ faults: { neverReply: true } });
    expect(server.faults).toEqual({ neverReply: true });
    server.setFaults(undefined);
    expect(server.faults).toEqual({});
    const s = await open(server);
    expect((await s.login()).type).toBe('auth.success');
  });
});

describe('key revocation (revokeKey)', () => {
  const OTHER = { key: 'pk_other', secret: 'sk_other', accountId: '7' };

  it('a revoked key keeps its sockets open but their requests fail until a login with another key on the same socket', async () => {
    const server = await start({ keys: [KEY, OTHER] });
    const s = await authed(server);
    expect((await s.request('note.get', { id: 'x' })).type).toBe('note.get.ok');
    server.revokeKey('pk_test');
    expect(server.revokedKeys).toEqual(new Map([['pk_test', 'api_key_revoked']]));
    const rejected = await s.request('note.get', { id: 'x' }, 'rev-1');
    expect(rejected).toEqual({ type: 'error', requestId: 'rev-1', payload: { code: 'api_key_revoked', message: 'The API key has been revoked.' } });
    expect(validate(rejected)).toEqual([]);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    // Re-authentication on the same socket with another configured key.
    const relogin = await s.login('pk_other', 'sk_other');
    expect(relogin.type).toBe('auth.success');
    expect([...server.clients][0]!.identity?.key).toBe('pk_other');
    expect((await s.request('note.get', { id: 'x' })).type).toBe('note.get.ok');
    expect(server.connections).toBe(1);
  });

  it('a login with a revoked or expired key fails with that code, then close 4401; restoreKey undoes it', async () => {
    const server = await start({ keys: [KEY, OTHER] });
    server.revokeKey('pk_test', { code: 'api_key_expired' });
    const s = await open(server);
    const reply = await s.login();
    expect(reply).toMatchObject({ type: 'auth.failure', payload: { code: 'api_key_expired', message: 'The API key has expired.' } });
    expect(validate(reply)).toEqual([]);
    expect((await s.closed).code).toBe(4401);
    // Other keys are not affected; a restored key works again.
    expect((await (await open(server)).login('pk_other', 'sk_other')).type).toBe('auth.success');
    server.restoreKey('pk_test');
    expect((await (await open(server)).login()).type).toBe('auth.success');
  });

  it('a failed re-login on an authenticated socket is auth.failure, then close 4401', async () => {
    const server = await start({ keys: [KEY, OTHER] });
    const s = await authed(server);
    expect((await s.login('pk_other', 'wrong')).type).toBe('auth.failure');
    expect((await s.closed).code).toBe(4401);
  });
});

describe('close()', () => {
  it('closes client connections (1001), frees the port and leaves no open handles', async () => {
    const handles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout');
    const before = handles().length;
    const server = await startMockServer({ spec: model, port: 0, keys: [KEY], authTimeoutMs: 60_000, faults: { byType: { 'note.get': { delayMs: 60_000 } } } });
    const a = await connect(server.url);
    const b = await connect(server.url);
    await a.login();
    a.send({ type: 'note.get', requestId: 'pending', payload: { id: 'x' } }); // a pending delayed answer
    await waitFor(() => server.received.length === 2, 'the pending request');
    await server.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(server.clients.size).toBe(0);
    await waitFor(() => handles().length <= before, `handles back to ${before} (now ${handles().join(', ')})`);
    const refused = new WebSocket(server.url);
    const err = await new Promise<Error>((resolve) => refused.once('error', resolve));
    expect(String((err as NodeJS.ErrnoException).code)).toBe('ECONNREFUSED');
    await server.close(); // idempotent
  });
});
