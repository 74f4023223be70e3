import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger, waitFor } from '@s2sdk/testkit';
import { RequestAbortedError, RequestTimeoutError, WsProtocolError, WsRequestError } from '../src/errors.js';
import { cleanupList, rejectionOf, startRawServer, type Frame } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';
import { Requests } from '../src/requests.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('request/reply', () => {
  it('rejects error replies with a typed WsRequestError (code, message, details, type, requestId)', async () => {
    const server = cleanup.add(
      await startRawServer({ onFrame: (m, c) => c.fail(m, 'not_found', 'store 9 not found', { id: 9 }) }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const err = await rejectionOf(client.request('store.get', { id: 9 }));
    expect(err).toBeInstanceOf(WsRequestError);
    expect(err.code).toBe('not_found');
    expect(err.serverMessage).toBe('store 9 not found');
    expect(err.details).toEqual({ id: 9 });
    expect(err.requestType).toBe('store.get');
    expect(err.replyType).toBe('error');
    const sent = server.frames.find((f) => f.type === 'store.get')!;
    expect(err.requestId).toBe(sent.requestId);
    expect(err.message).toContain('not_found');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ code: 'not_found', requestType: 'store.get', requestId: sent.requestId });
  });

  it('correlates concurrent replies that arrive out of order', async () => {
    const held: Frame[] = [];
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          held.push(m);
          if (held.length === 3) for (const r of held.reverse()) c.reply(r, 'store.get.ok', { id: r.payload.id, name: `s${r.payload.id}` });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const results = await Promise.all([1, 2, 3].map((id) => client.request('store.get', { id })));
    expect(results.map((r) => r.name)).toEqual(['s1', 's2', 's3']);
    const ids = server.frames.map((f) => f.requestId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('times out a request; its late reply is dropped and never delivered to the next request', async () => {
    const logger = memoryLogger();
    let first: Frame | undefined;
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          if (!first) {
            first = m; // hold the first request past its timeout
            return;
          }
          // Answer the second request with the stale reply of the first one, then with its own.
          c.reply(first, 'store.get.ok', { id: first.payload.id, name: 'LATE' });
          setTimeout(() => c.reply(m, 'store.get.ok', { id: m.payload.id, name: 'fresh' }), 20);
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { logger }), (c) => c.close());
    await client.connect();
    const err = await rejectionOf(client.request('store.get', { id: 1 }, { timeoutMs: 50 }));
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err.requestType).toBe('store.get');
    expect(err.timeoutMs).toBe(50);
    const second = await client.request('store.get', { id: 2 });
    expect(second).toEqual({ id: 2, name: 'fresh' });
    const secondFrame = server.frames.find((f) => f.type === 'store.get' && f.payload.id === 2)!;
    expect(secondFrame.requestId).not.toBe(first!.requestId);
    expect(logger.lines.some((l) => l.startsWith('debug dropping a reply for a request that already ended') && l.includes(first!.requestId))).toBe(true);
    expect(client.inFlight).toBe(0);
  });

  it('ignores duplicate replies', async () => {
    const logger = memoryLogger();
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          c.reply(m, 'store.get.ok', { id: 1, name: 'one' });
          c.reply(m, 'store.get.ok', { id: 1, name: 'dup' });
          c.reply(m, 'error', { code: 'x', message: 'dup error' });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { logger }), (c) => c.close());
    const events: unknown[] = [];
    client.on('event', (e) => events.push(e));
    await client.connect();
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: 'one' });
    await waitFor(() => logger.lines.filter((l) => l.startsWith('debug dropping')).length === 2, 'two dropped duplicates');
    expect(events).toEqual([]);
  });

  it('aborts via AbortSignal: before sending, and in flight (late reply dropped)', async () => {
    const held: Frame[] = [];
    const server = cleanup.add(await startRawServer({ onFrame: (m) => held.push(m) }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();

    const pre = new AbortController();
    pre.abort(new Error('not needed'));
    const e1 = await rejectionOf(client.request('store.get', { id: 1 }, { signal: pre.signal }));
    expect(e1).toBeInstanceOf(RequestAbortedError);

    const ac = new AbortController();
    const p = client.request('store.get', { id: 2 }, { signal: ac.signal });
    await waitFor(() => held.length === 1, 'request in flight');
    ac.abort();
    const e2 = await rejectionOf(p);
    expect(e2).toBeInstanceOf(RequestAbortedError);
    expect(e2.requestId).toBe(held[0]!.requestId);
    server.conns[0]!.reply(held[0]!, 'store.get.ok', { id: 2, name: 'late' });
    // The connection keeps working.
    const p3 = client.request('store.get', { id: 3 });
    await waitFor(() => held.length === 2, 'third request');
    server.conns[0]!.reply(held[1]!, 'store.get.ok', { id: 3, name: 'three' });
    await expect(p3).resolves.toEqual({ id: 3, name: 'three' });
  });

  it('emits server-initiated messages as events', async () => {
    const server = cleanup.add(await startRawServer(), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const events: any[] = [];
    client.on('event', (e) => events.push(e));
    await client.connect();
    server.conns[0]!.send({ type: 'order.created', payload: { id: 5 } });
    await waitFor(() => events.length === 1, 'event');
    expect(events[0]).toEqual({ type: 'order.created', payload: { id: 5 } });
  });

  it('rejects an unexpected reply type with a protocol error; ignores frames that are not envelopes', async () => {
    const logger = memoryLogger();
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          c.send('not json');
          c.send({ nope: true });
          c.reply(m, 'account.get.ok', {});
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { logger }), (c) => c.close());
    await client.connect();
    expect(await rejectionOf(client.request('store.get', { id: 1 }))).toBeInstanceOf(WsProtocolError);
    expect(logger.lines.some((l) => l.startsWith('warn ignoring a frame that is not JSON'))).toBe(true);
    expect(logger.lines.some((l) => l.startsWith('warn ignoring a frame that is not an envelope'))).toBe(true);
    expect(client.state).toBe('open');
  });

  it('rejects unknown request types at run time (for untyped callers)', async () => {
    const server = cleanup.add(await startRawServer(), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    await expect((client as any).request('no.such.type', {})).rejects.toThrow(TypeError);
    expect(server.frames.map((f) => f.type)).toEqual(['auth.login']);
  });
});

describe('Requests (unit)', () => {
  it('releases a sent frame unless the request may be replayed (a large payload is not held while its reply is awaited)', () => {
    const sent: string[] = [];
    const socket = { readyState: 1, send: (f: string) => void sent.push(f) } as never;
    const entry = { reply: 'x.ok', errors: ['error'], chunk: null, streaming: false, auth: false };
    const requests = new Requests({ x: entry }, undefined, 0, 10, { isOpen: () => true, closed: () => undefined, socket: () => socket, publicKey: () => 'pk' });
    const settled: unknown[] = [];
    const done = (v: unknown) => void settled.push(v);
    requests.submit('r1', 'x', { data: 'A'.repeat(64) }, undefined, done, done, undefined, false);
    requests.submit('r2', 'x', { data: 'B'.repeat(64) }, { replay: true }, done, done, undefined, false);
    expect(sent.map((f) => JSON.parse(f).requestId)).toEqual(['r1', 'r2']);
    expect(JSON.parse(sent[0]!).payload.data).toBe('A'.repeat(64));
    expect(requests.pending.get('r1')!.frame).toBe('');
    expect(requests.pending.get('r2')!.frame).toBe(sent[1]);
    // The replayable one goes back to the queue after a drop and is sent again, byte for byte.
    requests.failInFlight(1006, 'drop', undefined);
    expect(settled).toHaveLength(1);
    requests.flush();
    expect(sent).toHaveLength(3);
    expect(sent[2]).toBe(sent[1]);
  });
});
