// The facade's wiring of the state machine: listeners that act during a transition.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@s2sdk/testkit';
import { ClientClosedError } from '../src/errors.js';
import { cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('facade', () => {
  it('close() from a state listener during a drop wins: no reconnect is scheduled, in-flight and queued requests settle', async () => {
    const server = cleanup.add(await startRawServer({ onFrame: () => {} }), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const inFlight = rejectionOf(client.request('store.get', { id: 1 }));
    await server.waitForFrame((f) => f.type === 'store.get', 'the request in flight');
    const reconnects: unknown[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    let closing: Promise<void> | undefined;
    client.on('state', ({ state }) => {
      if (state === 'reconnecting') closing = client.close();
    });
    server.conns[0]!.ws.terminate();
    await waitFor(() => client.state === 'closed', 'closed');
    await closing;
    expect(reconnects).toEqual([]);
    expect(await inFlight).toBeInstanceOf(ClientClosedError);
    expect(await rejectionOf(client.request('store.get', { id: 2 }))).toBeInstanceOf(ClientClosedError);
    expect(server.conns).toHaveLength(1);
  });

  it('close() from an authenticated listener leaves nothing open', async () => {
    const server = cleanup.add(await startRawServer(), (s) => s.close());
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    const queued = rejectionOf(client.request('store.get', { id: 1 }));
    client.on('authenticated', () => void client.close());
    // The listener runs before connect() settles: connect() rejects as the client closed.
    expect(await rejectionOf(client.connect())).toBeInstanceOf(ClientClosedError);
    expect(client.state).toBe('closed');
    expect(await queued).toBeInstanceOf(ClientClosedError);
    expect(server.frames.map((f) => f.type)).toEqual(['auth.login']);
  });
});
