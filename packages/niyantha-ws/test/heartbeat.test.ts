import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@s2sdk/testkit';
import { ConnectionLostError, HeartbeatTimeoutError } from '../src/errors.js';
import { cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('heartbeat', () => {
  it('detects a half-open peer with ws pings (no pong, no frames) and reconnects', async () => {
    // The first connection goes silent after auth and never answers pings.
    const server = cleanup.add(
      await startRawServer({
        autoPong: false,
        onFrame: (m, c) => {
          if (c.index > 0) c.reply(m, 'store.get.ok', { id: m.payload.id, name: 'ok' });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { heartbeat: { intervalMs: 30, timeoutMs: 60 } }), (c) => c.close());
    const reconnects: { error: unknown }[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    await client.connect();
    const pings: number[] = [];
    server.conns[0]!.ws.on('ping', () => pings.push(Date.now()));
    const inflight = rejectionOf(client.request('store.get', { id: 1 }, { timeoutMs: 60_000 }));
    const err = await inflight;
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err.cause).toBeInstanceOf(HeartbeatTimeoutError);
    expect(pings.length).toBeGreaterThan(0);
    await server.waitForConns(2);
    await waitFor(() => client.state === 'open' && reconnects.length === 1, 'reconnected');
    expect(reconnects[0]!.error).toBeInstanceOf(HeartbeatTimeoutError);
    // No application probe frames were needed with ws pings.
    expect(server.frames.some((f) => f.type === 'account.get')).toBe(false);
  });

  it('uses an application-level probe when pings are unavailable (browser mode) and detects silence', async () => {
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          // Connection 0 answers the first probe, then stops answering anything.
          if (c.index === 0 && c.frames.filter((f) => f.type === 'account.get').length > 1) return;
          if (m.type === 'account.get') c.reply(m, 'account.get.ok', { id: 42, name: 'acct' });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { heartbeat: { intervalMs: 30, timeoutMs: 60, mode: 'request' } }), (c) => c.close());
    await client.connect();
    await server.waitForConns(2);
    await waitFor(() => client.state === 'open', 're-opened');
    const probes = server.conns[0]!.frames.filter((f) => f.type === 'account.get');
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes[0]!.payload).toEqual({});
  });

  it('keeps a healthy connection open: answered probes cause no reconnect', async () => {
    const server = cleanup.add(
      await startRawServer({ onFrame: (m, c) => (m.type === 'account.get' ? c.reply(m, 'account.get.ok', { id: 42, name: 'acct' }) : undefined) }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { heartbeat: { intervalMs: 20, timeoutMs: 5000, mode: 'request' } }), (c) => c.close());
    await client.connect();
    await waitFor(() => server.frames.filter((f) => f.type === 'account.get').length >= 4, 'four answered probes');
    expect(server.conns).toHaveLength(1);
    expect(client.state).toBe('open');
  });
});
