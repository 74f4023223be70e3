// RequestOptions.replay: a request the caller marks safe to send twice survives a drop — it is
// queued again and resent (same requestId) after the next login; unmarked requests still fail
// with ConnectionLostError and are never resent.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@s2sdk/testkit';
import { ConnectionLostError, RequestTimeoutError } from '../src/errors.js';
import { AUTH_SUCCESS, cleanupList, rejectionOf, startRawServer, type Frame } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

/** A server that holds every request on the first connection and answers them on later ones. */
async function holdingFirstConnection() {
  const held: Frame[] = [];
  const server = await startRawServer({
    onFrame: (m, c) => {
      if (c.index === 0) held.push(m);
      else c.reply(m, `${m.type}.ok`, { id: m.payload.id, name: `conn ${c.index}` });
    },
  });
  return { server: cleanup.add(server, (s) => s.close()), held };
}

describe('replay', () => {
  it('resends a request marked replay after the drop, with the same requestId, after auth.login', async () => {
    const { server, held } = await holdingFirstConnection();
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const reply = client.request('store.get', { id: 7 }, { replay: true });
    await waitFor(() => held.length === 1, 'request on the first connection');
    server.conns[0]!.ws.terminate();
    await expect(reply).resolves.toEqual({ id: 7, name: 'conn 1' });
    const second = server.conns[1]!.frames;
    expect(second.map((f) => f.type)).toEqual(['auth.login', 'store.get']);
    expect(second[1]!.requestId).toBe(held[0]!.requestId);
  });

  it('only the marked request is resent; the unmarked one fails with ConnectionLostError', async () => {
    const { server, held } = await holdingFirstConnection();
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const create = client.request('store.create', { name: 'A', type: 'grocery' });
    const read = client.request('store.get', { id: 3 }, { replay: true });
    await waitFor(() => held.length === 2, 'both requests on the first connection');
    server.conns[0]!.ws.close(1011, 'going away');
    const err = await rejectionOf(create);
    expect(err).toBeInstanceOf(ConnectionLostError);
    await expect(read).resolves.toEqual({ id: 3, name: 'conn 1' });
    expect(server.conns[1]!.frames.map((f) => f.type)).toEqual(['auth.login', 'store.get']);
  });

  it('keeps its timeout across the drop: a replayed request that gets no answer in time times out once', async () => {
    const server = cleanup.add(await startRawServer({ auth: (c) => (c.index === 0 ? 'ok' : 'manual') }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    let settled = 0;
    const reply = client.request('store.get', { id: 1 }, { replay: true, timeoutMs: 200 }).finally(() => settled++);
    await server.waitForFrame((f) => f.type === 'store.get', 'request sent');
    server.conns[0]!.ws.terminate();
    // The new connection never completes its login: the request waits in the queue until its timeout.
    const err = await rejectionOf(reply);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(settled).toBe(1);
    expect(client.queued).toBe(0);
  });

  it('fails with ConnectionLostError when the send queue has no room for it', async () => {
    const { server, held } = await holdingFirstConnection();
    const client = cleanup.add(fixtureClient(server.url, { queueLimit: 0 }), (c) => c.close());
    await client.connect();
    const reply = client.request('store.get', { id: 1 }, { replay: true });
    await waitFor(() => held.length === 1, 'request sent');
    server.conns[0]!.ws.terminate();
    expect(await rejectionOf(reply)).toBeInstanceOf(ConnectionLostError);
  });

  it('is refused for streams with a TypeError, before anything is sent', async () => {
    const { server } = await holdingFirstConnection();
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' }, { replay: true });
    const err = await rejectionOf(s.result);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/replay is not supported for streams/);
    expect(server.conns[0]!.frames.map((f) => f.type)).toEqual(['auth.login']);
  });
});
